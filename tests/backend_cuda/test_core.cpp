// The CUDA backend's memory, copies, timers, device-side index checks and graph replay.
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>
#include <numeric>

#include "common/error.hpp"
#include "cuda_helpers.hpp"

using namespace archscope;
using namespace archscope::test;

BOOST_AUTO_TEST_SUITE(cuda_core)

BOOST_AUTO_TEST_CASE(upload_download_round_trip_small_and_large) {
  // Small uploads go through pinned staging, large ones straight from the caller's memory.
  for (int64_t n : {1, 7, 1000, 70000, 3000000}) {
    Rng r(static_cast<uint64_t>(n));
    std::vector<float> v = r.uniform(static_cast<size_t>(n));
    Tensor t = put_f32(gpu(), {n}, v);
    BOOST_TEST(get(gpu(), t) == v, "round trip of " << n << " floats");
  }
  std::vector<int32_t> ids(513);
  std::iota(ids.begin(), ids.end(), -7);
  BOOST_TEST(get<int32_t>(gpu(), put_i32(gpu(), {513}, ids)) == ids);
}

BOOST_AUTO_TEST_CASE(many_staged_uploads_before_a_sync_keep_their_data) {
  // More staged bytes than the bounce buffer holds, all queued before one synchronisation.
  std::vector<Tensor> ts;
  std::vector<std::vector<float>> vs;
  Rng r(3);
  for (int i = 0; i < 40; ++i) {
    vs.push_back(r.uniform(60000));
    ts.push_back(gpu().alloc(Elem::F32, {60000}));
    gpu().upload(gpu().default_stream(), vs.back().data(), ts.back());
  }
  gpu().synchronize(gpu().default_stream());
  for (int i = 0; i < 40; ++i)
    BOOST_TEST(get(gpu(), ts[static_cast<size_t>(i)]) == vs[static_cast<size_t>(i)]);
}

BOOST_AUTO_TEST_CASE(timer_measures_enqueued_work) {
  Rng r(1);
  Tensor a = put_f32(gpu(), {1 << 22}, r.uniform(1 << 22));
  auto timer = gpu().create_timer();
  Stream& s = gpu().default_stream();
  timer->start(s);
  for (int i = 0; i < 20; ++i) gpu().add(s, a, a, 0.5f, a);
  timer->stop(s);
  gpu().synchronize(s);
  const double ms = timer->elapsed_ms();
  BOOST_TEST_MESSAGE("20 adds over 16 MiB: " << ms << " ms");
  BOOST_TEST(ms > 0.0);
}

BOOST_AUTO_TEST_CASE(foreign_tensors_and_streams_are_refused) {
  Tensor c = host().alloc(Elem::F32, {4});
  Tensor g = gpu().alloc(Elem::F32, {4});
  BOOST_CHECK_THROW(gpu().add(gpu().default_stream(), c, g, 1.0f, g), Error);
  BOOST_CHECK_THROW(gpu().add(host().default_stream(), g, g, 1.0f, g), Error);
}

BOOST_AUTO_TEST_CASE(bad_token_id_is_reported_at_synchronize_and_the_backend_recovers) {
  std::vector<float> table(10 * 4, 1.0f);
  Tensor tab = put_f32(gpu(), {10, 4}, table);
  Tensor ids = put_i32(gpu(), {3}, {1, 12, 2});
  Tensor out = gpu().alloc(Elem::F32, {3, 4});
  gpu().embedding(gpu().default_stream(), ids, tab, 1.0f, Tensor(), Tensor(), out);
  try {
    gpu().synchronize(gpu().default_stream());
    BOOST_FAIL("no error for token id 12 of 10");
  } catch (const Error& e) {
    BOOST_TEST((e.kind() == ErrorKind::Validation));
    BOOST_TEST(std::string(e.what()).find("token id 12 outside [0, 10)") != std::string::npos,
               e.what());
  }
  Tensor ok = put_i32(gpu(), {2}, {0, 9});
  Tensor out2 = gpu().alloc(Elem::F32, {2, 4});
  gpu().embedding(gpu().default_stream(), ok, tab, 2.0f, Tensor(), Tensor(), out2);
  BOOST_TEST(get(gpu(), out2) == std::vector<float>(8, 2.0f));
}

// The same sequence of launches repeated step after step (as decode does) replays as CUDA graphs;
// parameters that change between steps (scales, buffers) must reach the replayed kernels.
void replay_steps(bool graphs) {
  KernelChoices k;
  k.graphs = graphs;
  KernelScope scope(k);
  Stream& s = gpu().default_stream();
  const int64_t n = 1000;
  Rng r(9);
  std::vector<float> base = r.uniform(static_cast<size_t>(n));
  const cuda::QueueStats before = gpu().queue().stats();
  for (int step = 0; step < 6; ++step) {
    Tensor x = put_f32(gpu(), {n}, base);
    Tensor y = gpu().alloc(Elem::F32, {n});
    std::vector<double> want(base.begin(), base.end());
    // 80 launches: more than one segment of the queue.
    for (int i = 0; i < 80; ++i) {
      const float scale = 0.001f * static_cast<float>(step + 1) * static_cast<float>(i % 7 + 1);
      gpu().softcap(s, x, 1.0f, 0.0f, y);
      gpu().add(s, y, x, scale, x);
      for (auto& w : want)
        w = static_cast<double>(static_cast<float>(w) + scale * static_cast<float>(w));
    }
    const std::vector<float> got = get(gpu(), x);
    std::vector<double> bound(want.size());
    for (size_t i = 0; i < want.size(); ++i) bound[i] = 1e-5 * std::fabs(want[i]) + 1e-12;
    ARCHSCOPE_CHECK_BOUND(got, want, bound, "step " << step << (graphs ? " (graphs)" : " (eager)"));
  }
  const cuda::QueueStats after = gpu().queue().stats();
  BOOST_TEST_MESSAGE("graph launches " << after.graph_launches - before.graph_launches
                                       << ", node updates "
                                       << after.node_updates - before.node_updates);
  if (graphs)
    BOOST_TEST(after.graph_launches > before.graph_launches);
  else
    BOOST_TEST(after.graph_launches == before.graph_launches);
}

BOOST_AUTO_TEST_CASE(repeated_steps_replay_as_graphs_with_updated_parameters) {
  replay_steps(true);
}
BOOST_AUTO_TEST_CASE(repeated_steps_without_graphs) {
  replay_steps(false);
}

BOOST_AUTO_TEST_CASE(pool_gives_the_same_addresses_to_an_identical_step) {
  auto step = [] {
    std::vector<void*> ptrs;
    std::vector<Tensor> live;
    for (int64_t n : {100, 5000, 300000, 100, 2500000}) {
      live.push_back(gpu().alloc(Elem::F32, {n}));
      ptrs.push_back(live.back().buffer()->handle());
    }
    live.erase(live.begin() + 1);  // frees out of allocation order
    live.push_back(gpu().alloc(Elem::F32, {777}));
    ptrs.push_back(live.back().buffer()->handle());
    return ptrs;
  };
  step();
  const auto a = step(), b = step();
  BOOST_TEST(a == b);
}

BOOST_AUTO_TEST_SUITE_END()
