// The backend registry: --backend parsing (errors name the option and the value), the device list
// (the CPU always first, with the host's /proc figures), and opening backends. CUDA checks depend
// on the build: without the CUDA backend (or without a device) asking for one must fail with
// Unsupported in one line; with a device, the CUDA backend must open.
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>
#include <fstream>
#include <ostream>
#include <thread>

#include "backend/cuda_entry.hpp"
#include "common/error.hpp"
#include "registry/registry.hpp"

using namespace archscope;

namespace {

// What an Error says, for message checks.
template <class F>
Error error_of(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e;
  }
  BOOST_FAIL("no error thrown");
  return Error(ErrorKind::Internal, "", "");
}

uint64_t meminfo_bytes(const std::string& key) {
  std::ifstream in("/proc/meminfo");
  for (std::string line; std::getline(in, line);)
    if (line.rfind(key + ":", 0) == 0) return std::stoull(line.substr(key.size() + 1)) * 1024;
  return 0;
}

}  // namespace

namespace archscope {
std::ostream& operator<<(std::ostream& o, BackendKind k) {
  return o << to_string(k);
}
std::ostream& operator<<(std::ostream& o, ErrorKind k) {
  return o << to_string(k);
}
std::ostream& operator<<(std::ostream& o, const BackendSpec& s) {
  return o << s.text();
}
}  // namespace archscope

BOOST_AUTO_TEST_SUITE(registry)

BOOST_AUTO_TEST_CASE(specs_parse_and_print) {
  BOOST_TEST(parse_backend_spec("cpu").kind == BackendKind::Cpu);
  BOOST_TEST(parse_backend_spec("cpu").text() == "cpu");
  BOOST_TEST((parse_backend_spec("cuda") == BackendSpec{BackendKind::Cuda, 0}));
  BOOST_TEST(parse_backend_spec("cuda").text() == "cuda:0");
  BOOST_TEST((parse_backend_spec("cuda:3") == BackendSpec{BackendKind::Cuda, 3}));
  BOOST_TEST(parse_backend_spec("cuda:12").text() == "cuda:12");
}

BOOST_AUTO_TEST_CASE(kernel_choices_travel_with_the_spec) {
  const BackendSpec s = parse_backend_spec("cuda:1", {"attention=naive", "linear=gemv", "pdl=off"});
  BOOST_TEST(s.index == 1);
  BOOST_TEST((s.kernels.attention == AttentionKernel::Naive));
  BOOST_TEST((s.kernels.linear == LinearKernel::Gemv));
  BOOST_TEST(!s.kernels.pdl);
  BOOST_TEST(s.kernels.graphs);
  BOOST_TEST(s.description() == "cuda:1 " + s.kernels.to_string());
  BOOST_TEST(parse_backend_spec("cuda", std::vector<std::string>{}).description() == "cuda:0");
  BOOST_TEST(parse_backend_spec("cpu", std::vector<std::string>{"linear=auto"}).description() ==
             "cpu");
  const Error e =
      error_of([] { parse_backend_spec("cpu", std::vector<std::string>{"attention=flash"}); });
  BOOST_TEST(e.where() == "--kernel");
  BOOST_TEST(e.kind() == ErrorKind::Validation);
}

BOOST_AUTO_TEST_CASE(gemv_stream_is_a_linear_variant) {
  const KernelChoices k = parse_kernel_choices({"linear=gemv-stream"});
  BOOST_TEST((k.linear == LinearKernel::GemvStream));
  BOOST_TEST(!k.is_default());
  BOOST_TEST(k.to_string() ==
             "attention=auto,linear=gemv-stream,experts=auto,graphs=on,pdl=on,fuse=on");
  const Error e = error_of([] { parse_kernel_choices({"linear=blocks"}); });
  BOOST_TEST(e.message().find("gemv-stream") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(experts_is_a_kernel_choice_recorded_with_the_run) {
  for (auto [text, want] :
       {std::pair<const char*, ExpertsKernel>{"experts=gemv", ExpertsKernel::Gemv},
        {"experts=tensor", ExpertsKernel::Tensor},
        {"experts=tiles", ExpertsKernel::Tiles}}) {
    const KernelChoices k = parse_kernel_choices({text});
    BOOST_TEST((k.experts == want));
    BOOST_TEST(!k.is_default());
    BOOST_TEST(k.to_string().find(text) != std::string::npos);
  }
  BOOST_TEST(parse_kernel_choices({"experts=tiles", "experts=auto"}).is_default());
  const Error e = error_of([] { parse_kernel_choices({"experts=cublas"}); });
  BOOST_TEST(e.where() == "--kernel");
  BOOST_TEST(e.message().find("tensor") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(fuse_is_an_on_off_choice_recorded_with_the_run) {
  const KernelChoices k = parse_kernel_choices({"fuse=off"});
  BOOST_TEST(!k.fuse);
  BOOST_TEST(!k.is_default());
  BOOST_TEST(k.to_string() == "attention=auto,linear=auto,experts=auto,graphs=on,pdl=on,fuse=off");
  BOOST_TEST(parse_kernel_choices({"fuse=off", "fuse=on"}).is_default());
  const Error e = error_of([] { parse_kernel_choices({"fuse=maybe"}); });
  BOOST_TEST(e.where() == "--kernel");
  BOOST_TEST(e.message().find("fuse=maybe") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(bad_specs_name_the_option_and_value) {
  for (const char* bad :
       {"gpu", "", "CPU", "cuda:", "cuda:-1", "cuda:x", "cuda:1x", "cuda:0:1", "cpu:0"}) {
    const Error e = error_of([&] { parse_backend_spec(bad, "--backend"); });
    BOOST_TEST(e.kind() == ErrorKind::Validation);
    BOOST_TEST(e.where() == "--backend");
    BOOST_TEST(e.message().find(std::string("'") + bad + "'") != std::string::npos,
               bad << ": " << e.message());
  }
  BOOST_TEST(error_of([] { parse_backend_spec("tpu", "backend"); }).where() == "backend");
}

BOOST_AUTO_TEST_CASE(cpu_is_always_listed_first) {
  const std::vector<DeviceInfo> all = devices();
  BOOST_TEST_REQUIRE(!all.empty());
  const DeviceInfo& cpu = all.front();
  BOOST_TEST(cpu.spec == "cpu");
  BOOST_TEST(cpu.kind == "cpu");
  BOOST_TEST(cpu.index == 0);
  BOOST_TEST(!cpu.name.empty());
  BOOST_TEST(cpu.cores == static_cast<int>(std::thread::hardware_concurrency()));
  BOOST_TEST(cpu.memory_total_bytes == meminfo_bytes("MemTotal"));
  BOOST_TEST(cpu.memory_free_bytes > 0u);
  BOOST_TEST(cpu.memory_free_bytes <= cpu.memory_total_bytes);
  BOOST_TEST(cpu.compute_capability.empty());
  // The rest are exactly the CUDA devices, numbered in order.
  BOOST_TEST(all.size() == 1 + cuda_entry::devices().size());
  for (size_t i = 1; i < all.size(); ++i) {
    BOOST_TEST(all[i].kind == "cuda");
    BOOST_TEST(all[i].index == static_cast<int>(i - 1));
    BOOST_TEST(all[i].spec == "cuda:" + std::to_string(i - 1));
  }
}

BOOST_AUTO_TEST_CASE(cpu_backend_opens_with_the_threads_asked) {
  const std::unique_ptr<Backend> be = make_backend(parse_backend_spec("cpu"), {.threads = 2});
  BOOST_TEST(std::string(be->name()) == "cpu");
  // It works: a round trip through its memory.
  Tensor t = be->alloc(Elem::F32, {3});
  const float in[3] = {1, 2, 3};
  float out[3] = {};
  be->upload(be->default_stream(), in, t);
  be->download(be->default_stream(), t, out);
  be->synchronize(be->default_stream());
  BOOST_TEST(out[2] == 3.0f);
  BOOST_TEST(device_of(parse_backend_spec("cpu")).spec == "cpu");
  BOOST_TEST(error_of([] {
               make_backend({BackendKind::Cpu, 0}, {.threads = -1});
             }).where() == "--threads");
}

BOOST_AUTO_TEST_CASE(cuda_without_a_device_is_refused_in_one_line) {
  if (!cuda_entry::devices().empty()) {
    // A GPU machine: the device opens, and one past the last is a validation error naming it.
    const std::unique_ptr<Backend> be = make_backend(parse_backend_spec("cuda"));
    BOOST_TEST(be != nullptr);
    const int n = static_cast<int>(cuda_entry::devices().size());
    const Error e = error_of([&] { make_backend({BackendKind::Cuda, n}); });
    BOOST_TEST(e.kind() == ErrorKind::Validation);
    BOOST_TEST(e.message().find("cuda:" + std::to_string(n)) != std::string::npos);
    return;
  }
  for (const char* spec : {"cuda", "cuda:0", "cuda:7"}) {
    const Error e = error_of([&] { make_backend(parse_backend_spec(spec)); });
    BOOST_TEST(e.kind() == ErrorKind::Unsupported);
    BOOST_TEST(e.where() == "--backend");
    BOOST_TEST(e.message().find('\n') == std::string::npos);
    const std::string expect =
        cuda_entry::compiled() ? "no CUDA device found" : "this build has no CUDA backend";
    BOOST_TEST(e.message().find(expect) != std::string::npos, e.message());
    BOOST_TEST(error_of([&] { device_of(parse_backend_spec(spec)); }).kind() ==
               ErrorKind::Unsupported);
  }
}

BOOST_AUTO_TEST_SUITE_END()
