// CUPTI on a real device: every kernel of a profiled step is attributed to an op of that step's
// plan, the device time fits in the step, eagerly and through CUDA graphs; and the launch queue's
// graph nodes are traced back to the ops that recorded them.
#define BOOST_TEST_DYN_LINK
#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <tuple>

#include "config/config_json.hpp"
#include "cuda/cuda_backend.hpp"
#include "events/channel.hpp"
#include "gpu/gpu_tracer.hpp"
#include "runner/profiled_run.hpp"

using namespace archscope;
using namespace archscope::prof;

namespace {

ModelConfig preset(const std::string& name) {
  std::ifstream in(std::string(ARCHSCOPE_PRESETS) + "/" + name + ".json");
  return config_from_json(nlohmann::json::parse(in), name);
}

// join: the CUPTI join the run chose (gpu/correlation_join.hpp), when asked.
RunData traced_run(const std::string& model, bool graphs, bool pdl, int64_t sample = 1,
                   std::string* join = nullptr) {
  RunOptions o;
  o.backend.kind = BackendKind::Cuda;
  o.backend.kernels.graphs = graphs;
  o.backend.kernels.pdl = pdl;
  o.prompt = 24;
  o.new_tokens = 8;
  o.warmup = 1;
  o.seed = 5;
  o.weights = Elem::BF16;
  o.observe.activations = o.observe.op_checks = false;
  o.cupti = true;
  o.cupti_sample = sample;
  EventChannel channel;
  ProfiledRun run(preset(model), o);
  RunResult r = run.run(channel);
  channel.close();
  if (join) *join = r.cupti_join;
  return std::move(r.data);
}

// Merged length of [start, start + duration) intervals.
int64_t busy_ns(std::vector<std::pair<int64_t, int64_t>> iv) {
  std::sort(iv.begin(), iv.end());
  int64_t total = 0, end = INT64_MIN;
  for (auto [s, e] : iv) {
    if (s > end) {
      total += e - s;
      end = e;
    } else if (e > end) {
      total += e - end;
      end = e;
    }
  }
  return total;
}

bool is_other_kernel(const KernelRecord& k) {
  return k.op == "other";
}

void check_run(const RunData& d, bool pdl, const std::set<int64_t>& untraced = {}) {
  BOOST_REQUIRE(!d.kernels.empty());
  std::set<std::tuple<int64_t, int32_t, std::string>> plan_ops;
  for (const SpanRecord& s : d.spans)
    if (!is_other(s)) plan_ops.insert({s.step, s.layer, s.op});
  std::map<int64_t, std::vector<std::pair<int64_t, int64_t>>> per_step;
  std::map<int64_t, int64_t> sum_per_step;
  // The one kernel outside every plan op, named: in a prefill step the forward pass gathers each
  // sequence's last row before the epilogue (engine/model/forward.cpp; the plan counts the
  // epilogue on those rows only and has no op for the gather), so that gather_rows launch is the
  // step's `other` time. At most one per prefill step.
  std::set<int64_t> prefill_steps;
  for (const StepRecord& st : d.steps)
    if (st.phase == Phase::Prefill) prefill_steps.insert(st.step);
  std::map<int64_t, int> last_row_gathers;
  int64_t kernels = 0, unattributed = 0;
  for (const KernelRecord& k : d.kernels) {
    if (k.kind != ActivityKind::Kernel) continue;  // copies: uploads in ops, readbacks outside
    ++kernels;
    const bool last_row_gather = is_other_kernel(k) && prefill_steps.count(k.step) &&
                                 k.name.find("gather_rows_kernel") != std::string::npos &&
                                 ++last_row_gathers[k.step] == 1;
    if (!last_row_gather && !plan_ops.count({k.step, k.layer, k.op})) {
      ++unattributed;
      BOOST_TEST_MESSAGE("unattributed: step " << k.step << " layer " << k.layer << " op " << k.op
                                               << " kernel " << k.name);
    }
    BOOST_TEST(!k.name.empty());
    BOOST_TEST(k.grid[0] * k.grid[1] * k.grid[2] > 0);
    BOOST_TEST(k.block[0] * k.block[1] * k.block[2] > 0);
    BOOST_TEST(k.registers > 0);
    per_step[k.step].push_back({k.start_ns, k.start_ns + k.duration_ns});
    sum_per_step[k.step] += k.duration_ns;
  }
  BOOST_TEST(unattributed == 0,
             unattributed << " of " << kernels << " kernels have no op of the plan");
  for (const StepRecord& st : d.steps) {
    BOOST_TEST_CONTEXT("step " << st.step) {
      if (untraced.count(st.step)) {  // sampled out: no kernels, no spans
        BOOST_TEST(per_step.count(st.step) == 0u);
        BOOST_TEST(std::none_of(d.spans.begin(), d.spans.end(),
                                [&](const SpanRecord& s) { return s.step == st.step; }));
        continue;
      }
      BOOST_TEST(per_step.count(st.step) == 1u);
      BOOST_TEST(busy_ns(per_step[st.step]) <= st.duration_ns);
      // Without programmatic dependent launch kernels of one stream never overlap: their sum fits.
      if (!pdl) BOOST_TEST(sum_per_step[st.step] <= st.duration_ns);
      int64_t ops = 0;
      for (const SpanRecord& s : d.spans)
        if (s.step == st.step) ops += s.duration_ns;  // op spans plus `other`
      BOOST_TEST(ops <= st.duration_ns + 1);
    }
  }
  BOOST_TEST(d.step_memory.size() == d.steps.size());
  for (const StepMemoryRecord& m : d.step_memory) {
    BOOST_TEST(m.allocator_in_use_bytes > 0u);
    BOOST_TEST(m.allocator_reserved_bytes >= m.allocator_in_use_bytes);
    BOOST_TEST(m.device_used_bytes >= m.allocator_reserved_bytes);
    BOOST_TEST(m.device_total_bytes > m.device_used_bytes);
  }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(cupti_run)

// Every step traced: the external-correlation join (api); the eager case is the one it carries
// (graph-launched kernels are joined through their node ids either way).
BOOST_AUTO_TEST_CASE(dense_with_graphs) {
  std::string join;
  check_run(traced_run("llama3-mini", true, true, 1, &join), true);
  BOOST_TEST(join == "api");
}
BOOST_AUTO_TEST_CASE(dense_eager_without_pdl) {
  std::string join;
  check_run(traced_run("llama3-mini", false, false, 1, &join), false);
  BOOST_TEST(join == "api");
}
// The callback join on every step of an eager run (ARCHSCOPE_CUPTI_CORRELATION=callbacks), as
// sampled runs use it.
BOOST_AUTO_TEST_CASE(dense_eager_callback_join) {
  ::setenv("ARCHSCOPE_CUPTI_CORRELATION", "callbacks", 1);
  std::string join;
  RunData d;
  try {
    d = traced_run("llama3-mini", false, false, 1, &join);
  } catch (...) {
    ::unsetenv("ARCHSCOPE_CUPTI_CORRELATION");
    throw;
  }
  ::unsetenv("ARCHSCOPE_CUPTI_CORRELATION");
  BOOST_TEST(join == "callbacks");
  check_run(d, false);
}
BOOST_AUTO_TEST_CASE(moe_with_graphs) {
  check_run(traced_run("qwen3-moe-mini", true, true), true);
}
BOOST_AUTO_TEST_CASE(gpt2_graphs_without_pdl) {
  check_run(traced_run("gpt2-mini", true, false), false);
}

// --cupti-sample 3: the prefill and decode steps 0, 3, 6 of the pass are traced, and each of them
// is attributed as fully as in a run traced throughout; the others carry no kernels and no spans.
// CUPTI is paused and resumed between steps, graphs replayed across the switch.
BOOST_AUTO_TEST_CASE(sampled_steps_with_graphs) {
  std::string join;
  const RunData d = traced_run("llama3-mini", true, true, 3, &join);
  BOOST_TEST(join == "callbacks");
  std::set<int64_t> untraced;
  int64_t decode = 0;
  for (const StepRecord& st : d.steps)
    if (st.phase == Phase::Decode && decode++ % 3 != 0) untraced.insert(st.step);
  BOOST_TEST(untraced.size() == 5u);  // 8 decode steps: 0, 3, 6 traced
  check_run(d, true, untraced);
}

// The launch queue's graphs: the same eight tagged ops, four times; from the second repeat on the
// segment replays as a CUDA graph, and every kernel still lands on the op that recorded it. With
// either join (the eager first sightings are joined by it).
BOOST_AUTO_TEST_CASE(graph_nodes_map_back_to_their_ops) {
  for (gpu::CorrelationJoin join : {gpu::CorrelationJoin::Callbacks, gpu::CorrelationJoin::Api})
    BOOST_TEST_CONTEXT("join " << gpu::to_string(join)) {
      cuda::CudaBackend be(0);
      Stream& s = be.default_stream();
      Tensor a = be.alloc(Elem::F32, {1024});
      Tensor b = be.alloc(Elem::F32, {1024});
      be.fill(s, a, 1.0f);
      be.fill(s, b, 2.0f);
      be.synchronize(s);
      auto tracer = gpu::make_gpu_tracer(be, join);
      std::vector<gpu::OpIdent> ops;
      for (int i = 0; i < 8; ++i) ops.push_back({i, "op" + std::to_string(i)});
      for (int rep = 0; rep < 4; ++rep) {
        const uint64_t graphs_before = be.queue().stats().graph_launches;
        for (int i = 0; i < 8; ++i) {
          tracer->begin_op(static_cast<uint64_t>(i + 1));
          if (i % 2 == 0)
            be.add(s, a, b, 0.5f, a);
          else
            be.fill(s, b, static_cast<float>(i));
          tracer->end_op();
        }
        be.synchronize(s);
        const gpu::JoinedStep j = tracer->take_step(rep, ops, 0);
        BOOST_TEST_CONTEXT("repeat " << rep) {
          BOOST_TEST(j.unattributed_kernels == 0);
          BOOST_REQUIRE(j.kernels.size() == 8u);
          for (size_t i = 0; i < 8; ++i) {
            BOOST_TEST(j.kernels[i].op == "op" + std::to_string(i));
            BOOST_TEST(j.kernels[i].layer == static_cast<int32_t>(i));
          }
          if (rep >= 2) BOOST_TEST(be.queue().stats().graph_launches > graphs_before);
        }
      }
    }
}

BOOST_AUTO_TEST_SUITE_END()
