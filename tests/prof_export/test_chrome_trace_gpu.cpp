// The GPU track of the Chrome trace: kernel records of a CUPTI-traced run on a track of their own
// below every op track, with their launch geometry, and the device-memory counter.
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include "export/chrome_trace.hpp"
#include "prof_export/sample_run.hpp"

using namespace archscope::prof;
using namespace prof_export_test;
using nlohmann::json;

BOOST_AUTO_TEST_SUITE(chrome_trace_gpu)

BOOST_AUTO_TEST_CASE(kernels_get_a_gpu_track_below_the_op_tracks) {
  RunData d = sample_run();
  KernelRecord k;
  k.step = 0;
  k.layer = 0;
  k.op = "q_proj";
  k.name = "gemv<4>";
  k.grid[0] = 66, k.grid[1] = 1, k.grid[2] = 1;
  k.block[0] = 128, k.block[1] = 1, k.block[2] = 1;
  k.registers = 32;
  k.shared_bytes = 1024;
  k.start_ns = 1500;
  k.duration_ns = 2500;
  KernelRecord c;
  c.step = 0;
  c.kind = ActivityKind::Memcpy;
  c.name = "memcpy DtoH";
  c.start_ns = 9000;
  c.duration_ns = 700;
  c.bytes = 4096;
  d.kernels = {c, k};  // out of order on purpose: the track is sorted by start
  d.step_memory = {{0, 1000, 2000, 3000, 4000}};
  const json trace = chrome_trace(d);

  int64_t gpu_tid = -1, max_op_tid = 0;
  for (const json& e : trace.at("traceEvents")) {
    if (e.at("ph") != "M" || e.at("name") != "thread_name") continue;
    if (e.at("args").at("name") == "GPU (kernels, copies)")
      gpu_tid = e.at("tid");
    else
      max_op_tid = std::max<int64_t>(max_op_tid, e.at("tid"));
  }
  BOOST_REQUIRE(gpu_tid >= 0);
  BOOST_TEST(gpu_tid > max_op_tid);

  std::vector<json> on_gpu;
  for (const json& e : trace.at("traceEvents"))
    if (e.at("ph") == "X" && e.at("tid") == gpu_tid) on_gpu.push_back(e);
  BOOST_REQUIRE(on_gpu.size() == 2u);
  BOOST_TEST(on_gpu[0].at("name") == "gemv<4>");
  BOOST_TEST(on_gpu[0].at("cat") == "kernel");
  BOOST_TEST(on_gpu[0].at("ts").get<double>() == 1.5);
  BOOST_TEST(on_gpu[0].at("dur").get<double>() == 2.5);
  BOOST_TEST(on_gpu[0].at("args").at("op") == "q_proj");
  BOOST_TEST(on_gpu[0].at("args").at("layer") == 0);
  BOOST_TEST(on_gpu[0].at("args").at("grid") == json::array({66, 1, 1}));
  BOOST_TEST(on_gpu[0].at("args").at("block") == json::array({128, 1, 1}));
  BOOST_TEST(on_gpu[0].at("args").at("registers") == 32);
  BOOST_TEST(on_gpu[0].at("args").at("shared_bytes") == 1024);
  BOOST_TEST(on_gpu[1].at("cat") == "memcpy");
  BOOST_TEST(on_gpu[1].at("args").at("bytes") == 4096);
  BOOST_TEST(on_gpu[1].at("args").at("op") == "other");

  int memory = 0;
  for (const json& e : trace.at("traceEvents"))
    if (e.at("ph") == "C" && e.at("name") == "device_memory") {
      ++memory;
      BOOST_TEST(e.at("ts").get<double>() ==
                 (d.steps[0].start_ns + d.steps[0].duration_ns) / 1000.0);
      BOOST_TEST(e.at("args").at("allocator_in_use_bytes") == 1000);
      BOOST_TEST(e.at("args").at("device_used_bytes") == 3000);
    }
  BOOST_TEST(memory == 1);
}

BOOST_AUTO_TEST_CASE(runs_without_kernels_have_no_gpu_track) {
  const json trace = chrome_trace(sample_run());
  for (const json& e : trace.at("traceEvents"))
    if (e.at("ph") == "M" && e.at("name") == "thread_name")
      BOOST_TEST(e.at("args").at("name") != "GPU (kernels, copies)");
}

BOOST_AUTO_TEST_SUITE_END()
