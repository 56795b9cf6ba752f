// The model stack: it opens the backend a spec names (CUDA refused in one line without one), its
// memory estimate is what it allocates, a backend wrapper sees every op the model runs, and its
// sliding / chunked pools are sized by the window: the bytes equal the layer arithmetic, and a
// long ragged batch (prompts longer than the window, decode past many windows, a sequence
// replaced midway so recycled blocks are reused) gives bit-identical logits to full-size pools.
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>
#include <cstring>

#include "backend/cuda_entry.hpp"
#include "common/error.hpp"
#include "presets/preset_catalog.hpp"
#include "runner/checked_backend.hpp"
#include "stack/model_stack.hpp"

using namespace archscope;

namespace {

ModelStackOptions small(int64_t sequences, int64_t tokens) {
  ModelStackOptions o;
  o.threads = 2;
  o.random.seed = 7;
  o.max_sequences = sequences;
  o.max_tokens = tokens;
  return o;
}

std::vector<int32_t> ids(int64_t n, int64_t vocab, uint32_t salt) {
  std::vector<int32_t> v;
  for (int64_t i = 0; i < n; ++i)
    v.push_back(static_cast<int32_t>((i * 2654435761u + salt) % static_cast<uint64_t>(vocab)));
  return v;
}

// Prefill two prompts of different lengths, decode both for `steps`, replace sequence 1 with a
// new prompt after half of them; every logits row of every step, in order.
std::vector<float> ragged_run(ModelStack& stack, int64_t p0, int64_t p1, int64_t steps) {
  const int64_t V = stack.config().vocab_size;
  PagedKvCache& cache = stack.cache();
  std::vector<float> all;
  auto keep = [&](const std::vector<float>& l) { all.insert(all.end(), l.begin(), l.end()); };
  int64_t a = cache.add_sequence(), b = cache.add_sequence();
  keep(stack.model().forward_host(cache, {{a, ids(p0, V, 1)}, {b, ids(p1, V, 2)}}));
  for (int64_t t = 0; t < steps; ++t) {
    if (t == steps / 2) {
      cache.free_sequence(b);
      b = cache.add_sequence();
      keep(stack.model().forward_host(cache, {{b, ids(p1 + 3, V, 3)}}));
    }
    const int32_t ta = static_cast<int32_t>((t * 31 + 5) % V),
                  tb = static_cast<int32_t>((t * 17 + 3) % V);
    keep(stack.model().forward_host(cache, {{a, {ta}}, {b, {tb}}}));
  }
  return all;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(model_stack)

BOOST_AUTO_TEST_CASE(memory_estimate_is_what_the_stack_allocates) {
  const ModelConfig c = load_preset("gemma3-mini");
  ModelStack stack(c, small(2, 100), "test");
  BOOST_TEST(std::string(stack.backend().name()) == "cpu");
  BOOST_TEST(&stack.backend() == &stack.device_backend());
  BOOST_TEST(stack.memory().kv_bytes == stack.cache().accounting().total.allocated);
  BOOST_TEST(stack.memory().kv_bytes == stack_memory(c, small(2, 100)).kv_bytes);
  BOOST_TEST((stack.weights().dtype == Elem::BF16));  // the one default weights dtype
}

BOOST_AUTO_TEST_CASE(windowed_pools_hold_the_window_plus_one_block) {
  // gemma3-mini: 6 layers, 5 sliding (window 16) + 1 full, 2 KV heads of 32, fp32 cache, 16-token
  // blocks; 3 sequences of 100 tokens (7 blocks each).
  const ModelConfig c = load_preset("gemma3-mini");
  const uint64_t token = 2ull * 2 * 32 * 4;
  const uint64_t full = 3 * 7 * 16 * token;
  const uint64_t sliding = 3 * window_pool_blocks(AttentionKind::Sliding, 16, 1, 16) * 16 * token;
  BOOST_TEST(window_pool_blocks(AttentionKind::Sliding, 16, 1, 16) == 2);  // 16 + one block
  BOOST_TEST(stack_memory(c, small(3, 100)).kv_bytes == full + 5 * sliding);
  ModelStackOptions any_step = small(3, 100);
  any_step.max_step_tokens = 0;
  BOOST_TEST(stack_memory(c, any_step).kv_bytes == 6 * full);  // the sizing before
}

BOOST_AUTO_TEST_CASE(gemma3_27b_kv_at_128k_is_the_window_arithmetic) {
  // 62 layers: every 6th full (10), 52 sliding with a 1024 window; 16 KV heads of 128, bf16.
  // Full layers hold 131072 tokens, sliding ones 1024 + one 16-token block.
  const ModelConfig c = load_preset("gemma3-27b");
  ModelStackOptions o = small(1, 131072);
  o.kv = Elem::BF16;
  const uint64_t token = 2ull * 16 * 128 * 2;
  BOOST_TEST(stack_memory(c, o).kv_bytes == 10 * 131072 * token + 52 * (1024 + 16) * token);
  o.max_step_tokens = 0;  // the old sizing reserved every layer at full length: 6x as much
  BOOST_TEST(stack_memory(c, o).kv_bytes == 62 * 131072 * token);
}

BOOST_AUTO_TEST_CASE(window_pools_give_the_logits_of_full_pools) {
  for (const char* preset : {"gemma3-mini", "gpt-oss-mini", "llama4-mini"}) {
    const ModelConfig c = load_preset(preset);
    // Prompts of 37 and 5 tokens (past the window 8/16 and chunk 16, and inside it), 70 decode
    // steps: several windows and chunks slide by, blocks recycle and are reused.
    ModelStackOptions window = small(2, 120);
    ModelStackOptions full = window;
    full.max_step_tokens = 0;
    ModelStack a(c, window, "window"), b(c, full, "full");
    BOOST_TEST(a.memory().kv_bytes < b.memory().kv_bytes, preset);
    const std::vector<float> la = ragged_run(a, 37, 5, 70), lb = ragged_run(b, 37, 5, 70);
    BOOST_TEST_REQUIRE(la.size() == lb.size());
    BOOST_TEST(std::memcmp(la.data(), lb.data(), la.size() * sizeof(float)) == 0, preset);
  }
}

BOOST_AUTO_TEST_CASE(a_wrapper_sees_every_op) {
  const ModelConfig c = load_preset("llama3-mini");
  prof::CheckedBackend* checked = nullptr;
  ModelStack stack(c, small(1, 8), "test", [&](Backend& device) {
    auto w = std::make_unique<prof::CheckedBackend>(device);
    checked = w.get();
    return w;
  });
  BOOST_TEST_REQUIRE(checked != nullptr);
  BOOST_TEST(&stack.backend() == checked);
  BOOST_TEST(&checked->inner() == &stack.device_backend());
  checked->set_tracking(true);
  const int64_t s = stack.cache().add_sequence();
  stack.model().forward_host(stack.cache(), {{s, {1, 2, 3}}});
  // Every F32 output of the forward pass went through the wrapper: at least one per plan op of
  // every layer.
  BOOST_TEST(checked->take_outputs().size() >= static_cast<size_t>(c.n_layers) * 8);
}

BOOST_AUTO_TEST_CASE(cuda_is_refused_in_one_line_without_a_device) {
  if (!cuda_entry::devices().empty()) return;  // a GPU machine: the gpu-labelled tests cover it
  ModelStackOptions o = small(1, 8);
  o.backend = parse_backend_spec("cuda");
  try {
    ModelStack stack(load_preset("llama3-mini"), o, "test");
    BOOST_FAIL("expected a refusal");
  } catch (const Error& e) {
    BOOST_TEST((e.kind() == ErrorKind::Unsupported));
    BOOST_TEST(e.where() == "--backend");
  }
}

BOOST_AUTO_TEST_SUITE_END()
