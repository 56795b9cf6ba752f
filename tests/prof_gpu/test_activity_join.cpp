// The join of CUPTI activity to the ops that launched it (profiler/gpu/activity_join.hpp), on
// canned records: each attribution rule, their precedence, the placement on the run's clock and
// the op spans (times worked out by hand in the comments).
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include "gpu/activity_join.hpp"

using namespace archscope::prof;
using namespace archscope::prof::gpu;

namespace {

RawActivity act(ActivityKind kind, const char* name, uint64_t start, uint64_t end, uint32_t corr,
                uint64_t node = 0) {
  RawActivity a;
  a.kind = kind;
  a.name = name;
  a.start = start;
  a.end = end;
  a.correlation_id = corr;
  a.graph_node_id = node;
  return a;
}

const std::vector<OpIdent> kOps = {
    {-1, "embedding"}, {0, "q_proj"}, {0, "attention"}, {1, "o_proj"}};

}  // namespace

BOOST_AUTO_TEST_SUITE(prof_gpu_activity_join)

BOOST_AUTO_TEST_CASE(each_rule_and_its_precedence) {
  GraphNodeTags nodes;
  nodes.node_tag[11] = 2;     // template node of q_proj's GEMV
  nodes.clone_of[1011] = 11;  // its clone in the executable graph
  nodes.node_tag[12] = 3;     // attention's node, reported under its own id
  nodes.node_tag[13] = 4;     // o_proj's node
  const std::vector<ExternalCorrelation> corr = {
      {5, CorrelationKind::Launch, 1},
      {5, CorrelationKind::OpWindow, 3},  // eager record of op 1
      {6, CorrelationKind::OpWindow, 2},  // cuBLAS in q_proj
      {8, CorrelationKind::Launch, 0},
      {8, CorrelationKind::OpWindow, 3},  // record made outside ops
      {9, CorrelationKind::OpWindow, 4},  // graph launch in o_proj
  };
  // CUPTI times in ns; the step starts at 1,000,000 on the run's clock.
  const std::vector<RawActivity> acts = {
      act(ActivityKind::Kernel, "_Z9embeddingPfS_", 5000, 5400, 5),  // rule 2 (Launch wins)
      act(ActivityKind::Kernel, "gemv", 5500, 6500, 9, 1011),        // rule 1 via clone
      act(ActivityKind::Kernel, "cublasLt_gemm", 6600, 7000, 6),     // rule 3
      act(ActivityKind::Kernel, "attn", 7100, 7900, 9, 12),          // rule 1 direct
      act(ActivityKind::Memset, "memset", 7950, 7960, 8),            // Launch 0: no op
      act(ActivityKind::Kernel, "stray", 7970, 7980, 9, 999),        // unknown node: no op
      act(ActivityKind::Memcpy, "memcpy DtoH", 8500, 8700, 77),      // rule 4
  };
  const JoinedStep j = join_step(4, acts, corr, nodes, kOps, 1'000'000);
  BOOST_REQUIRE(j.kernels.size() == acts.size());
  const std::vector<std::pair<int32_t, std::string>> want = {
      {-1, "embedding"},     {0, "q_proj"},         {0, "q_proj"},        {0, "attention"},
      {kStepLayer, "other"}, {kStepLayer, "other"}, {kStepLayer, "other"}};
  for (size_t i = 0; i < want.size(); ++i) {
    BOOST_TEST(j.kernels[i].layer == want[i].first, "activity " << i);
    BOOST_TEST(j.kernels[i].op == want[i].second, "activity " << i);
    BOOST_TEST(j.kernels[i].step == 4);
  }
  // The graph node's op wins over the op window its graph launch fell in (o_proj, corr 9).
  BOOST_TEST(j.kernels[5].op == "other");
  BOOST_TEST(j.unattributed_kernels == 1);  // "stray"; the memset and memcpy are not kernels
  BOOST_TEST(j.kernels[0].name == "embedding(float*, float*)");
  // Placement: the first activity (5000) at the step start; the rest keep their offsets.
  BOOST_TEST(j.kernels[0].start_ns == 1'000'000);
  BOOST_TEST(j.kernels[3].start_ns == 1'002'100);
  BOOST_TEST(j.kernels[6].duration_ns == 200);
  // Op spans: embedding [0, 400); q_proj from its GEMV's start 500 to the GEMM's end 2000;
  // attention [2100, 2900); o_proj had nothing: zero at attention's end.
  BOOST_REQUIRE(j.ops.size() == 4u);
  BOOST_TEST(j.ops[0].start_ns == 1'000'000);
  BOOST_TEST(j.ops[0].duration_ns == 400);
  BOOST_TEST(j.ops[1].start_ns == 1'000'500);
  BOOST_TEST(j.ops[1].duration_ns == 1500);
  BOOST_TEST(j.ops[1].activities == 2);
  BOOST_TEST(j.ops[2].duration_ns == 800);
  BOOST_TEST(j.ops[3].start_ns == 1'002'900);
  BOOST_TEST(j.ops[3].duration_ns == 0);
  BOOST_TEST(j.ops_total_ns == 400 + 1500 + 800);
}

// Programmatic dependent launch lets a kernel start before its predecessor ends: op spans are
// cut at the previous op's end so they never overlap.
BOOST_AUTO_TEST_CASE(overlapping_kernels_give_disjoint_op_spans) {
  GraphNodeTags nodes;
  nodes.node_tag = {{1, 1}, {2, 2}, {3, 3}};
  const std::vector<RawActivity> acts = {
      act(ActivityKind::Kernel, "a", 100, 300, 1, 1),
      act(ActivityKind::Kernel, "b", 250, 500, 1, 2),  // starts 50 ns before a ends
      act(ActivityKind::Kernel, "c", 450, 460, 1, 3),  // entirely inside b
  };
  const JoinedStep j = join_step(0, acts, {}, nodes, std::span(kOps).first(3), 0);
  BOOST_TEST(j.ops[0].start_ns == 0);
  BOOST_TEST(j.ops[0].duration_ns == 200);
  BOOST_TEST(j.ops[1].start_ns == 200);  // moved from 150 to a's end
  BOOST_TEST(j.ops[1].duration_ns == 200);
  BOOST_TEST(j.ops[2].start_ns == 400);  // c ended (360) before b did: zero span at b's end
  BOOST_TEST(j.ops[2].duration_ns == 0);
  BOOST_TEST(j.ops_total_ns == 400);  // = the busy extent 100..500, never more
  // Kernel records keep their own times.
  BOOST_TEST(j.kernels[1].start_ns == 150);
  BOOST_TEST(j.kernels[1].duration_ns == 250);
}

BOOST_AUTO_TEST_CASE(tags_outside_the_step_are_not_attributed) {
  GraphNodeTags nodes;
  nodes.node_tag[1] = 9;  // a tag from a longer step than this one
  const std::vector<RawActivity> acts = {act(ActivityKind::Kernel, "k", 0, 10, 1, 1)};
  const JoinedStep j = join_step(0, acts, {}, nodes, kOps, 0);
  BOOST_TEST(j.kernels[0].op == "other");
  BOOST_TEST(j.unattributed_kernels == 1);
  BOOST_TEST(j.ops_total_ns == 0);
}

BOOST_AUTO_TEST_CASE(empty_step) {
  const JoinedStep j = join_step(0, {}, {}, {}, kOps, 77);
  BOOST_TEST(j.kernels.empty());
  BOOST_TEST(j.ops[2].start_ns == 77);
  BOOST_TEST(j.ops_total_ns == 0);
}

BOOST_AUTO_TEST_CASE(demangles_itanium_names_only) {
  BOOST_TEST(demangle("_Z3addPfS_") == "add(float*, float*)");
  BOOST_TEST(demangle("_ZN9archscope4cuda4gemvILi4EEEvNS0_6ParamsE") ==
             "void archscope::cuda::gemv<4>(archscope::cuda::Params)");
  BOOST_TEST(demangle("sm90_xmma_gemm_bf16") == "sm90_xmma_gemm_bf16");
  BOOST_TEST(demangle("_Znot valid") == "_Znot valid");
}

BOOST_AUTO_TEST_SUITE_END()
