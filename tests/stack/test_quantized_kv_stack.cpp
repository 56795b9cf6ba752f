// Model stacks with an int8 / fp8 KV cache: window-sized pools give the logits of full-size pools
// bit for bit (the scales recycle with their blocks, a first step longer than the window is staged
// quantized exactly as the pool quantizes), the memory estimate is what the stack allocates (MLA
// rows with two scales, linear-attention states fp32), and a CUDA backend takes such a cache (its
// kv_store and attention read int8 / fp8 pools): where a device exists the stack builds, counts
// the packed pools and runs; elsewhere the refusal names the missing device, never --kv-dtype.
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <cstring>
#include <memory>

#include "common/error.hpp"
#include "presets/preset_catalog.hpp"
#include "stack/model_stack.hpp"

using namespace archscope;

namespace {

ModelStackOptions small(int64_t sequences, int64_t tokens, Elem kv) {
  ModelStackOptions o;
  o.threads = 2;
  o.random.seed = 7;
  o.weights = Elem::F32;
  o.kv = kv;
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

// Two prompts, then decode steps of both; sequence 1 is replaced halfway (recycled blocks reused).
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
    keep(stack.model().forward_host(cache, {{a, {static_cast<int32_t>((t * 31 + 5) % V)}},
                                            {b, {static_cast<int32_t>((t * 17 + 3) % V)}}}));
  }
  return all;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(quantized_kv_stack)

BOOST_AUTO_TEST_CASE(window_pools_give_the_logits_of_full_pools) {
  for (Elem kv : {Elem::INT8, Elem::FP8})
    for (const char* preset : {"gemma3-mini", "gpt-oss-mini", "llama4-mini"}) {
      const ModelConfig c = load_preset(preset);
      ModelStackOptions window = small(2, 120, kv);
      ModelStackOptions full = window;
      full.max_step_tokens = 0;
      ModelStack a(c, window, "window"), b(c, full, "full");
      BOOST_TEST(a.memory().kv_bytes < b.memory().kv_bytes, preset);
      const std::vector<float> la = ragged_run(a, 37, 5, 40), lb = ragged_run(b, 37, 5, 40);
      BOOST_TEST_REQUIRE(la.size() == lb.size());
      BOOST_TEST(std::memcmp(la.data(), lb.data(), la.size() * sizeof(float)) == 0,
                 preset << " " << to_string(kv));
    }
}

BOOST_AUTO_TEST_CASE(memory_estimate_is_what_the_stack_allocates) {
  for (const char* preset : {"deepseek-v3-mini", "qwen3-next-mini", "gemma3-mini"}) {
    const ModelConfig c = load_preset(preset);
    ModelStack s(c, small(2, 50, Elem::INT8), "test");
    BOOST_TEST(s.cache().accounting().total.allocated == s.memory().kv_bytes, preset);
    // And the cache runs: finite logits from a prompt and a decode step.
    const int64_t seq = s.cache().add_sequence();
    std::vector<float> l = s.model().forward_host(s.cache(), {{seq, ids(9, c.vocab_size, 4)}});
    l = s.model().forward_host(s.cache(), {{seq, {3}}});
    bool finite = true;
    for (float v : l) finite = finite && std::isfinite(v);
    BOOST_TEST(finite, preset);
  }
}

BOOST_AUTO_TEST_CASE(cuda_takes_a_quantized_kv_cache) {
  for (Elem kv : {Elem::INT8, Elem::FP8}) {
    ModelStackOptions o = small(1, 16, kv);
    o.backend = parse_backend_spec("cuda");
    const ModelConfig c = load_preset("llama3-mini");
    std::unique_ptr<ModelStack> stack;
    try {
      stack = std::make_unique<ModelStack>(c, o, "test");
    } catch (const Error& e) {
      BOOST_TEST(e.where() != "--kv-dtype", e.what());  // no device here: refused for that
      continue;
    }
    ModelStackOptions on_cpu = o;
    on_cpu.backend = parse_backend_spec("cpu");
    BOOST_TEST(stack->memory().kv_bytes == stack_memory(c, on_cpu).kv_bytes);
    BOOST_TEST(stack->cache().accounting().total.allocated == stack->memory().kv_bytes);
    const int64_t seq = stack->cache().add_sequence();
    const std::vector<float> l =
        stack->model().forward_host(stack->cache(), {{seq, ids(9, c.vocab_size, 4)}});
    bool finite = !l.empty();
    for (float v : l) finite = finite && std::isfinite(v);
    BOOST_TEST(finite, to_string(kv));
  }
}

BOOST_AUTO_TEST_SUITE_END()
