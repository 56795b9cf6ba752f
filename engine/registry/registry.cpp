#include "registry/registry.hpp"

#include <charconv>
#include <fstream>
#include <sstream>

#include "backend/cuda_entry.hpp"
#include "common/error.hpp"
#include "cpu/cpu_backend.hpp"
#include "kv/memory_check.hpp"
#include "presets/measure_host.hpp"

namespace archscope {

namespace {

// MemTotal of /proc/meminfo in bytes; 0 when unknown.
uint64_t total_memory_bytes() {
  std::ifstream in("/proc/meminfo");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("MemTotal:", 0) != 0) continue;
    std::istringstream s(line.substr(9));
    uint64_t kb = 0;
    s >> kb;
    return kb * 1024;
  }
  return 0;
}

std::string cuda_list(size_t n) {
  if (n == 1) return "1 CUDA device (cuda:0)";
  return std::to_string(n) + " CUDA devices (cuda:0 to cuda:" + std::to_string(n - 1) + ")";
}

// The CUDA device `index` names, after the checks every CUDA request shares.
DeviceInfo cuda_device(int index) {
  if (!cuda_entry::compiled()) cuda_entry::make(index);  // throws: this build has no CUDA backend
  const std::vector<DeviceInfo> gpus = cuda_entry::devices();
  if (gpus.empty())
    throw Error(ErrorKind::Unsupported, "--backend", "no CUDA device found; use cpu");
  if (index >= static_cast<int>(gpus.size()))
    throw Error(ErrorKind::Validation, "--backend",
                "cuda:" + std::to_string(index) + " does not exist: this machine has " +
                    cuda_list(gpus.size()));
  return gpus[static_cast<size_t>(index)];
}

}  // namespace

const char* to_string(BackendKind kind) {
  switch (kind) {
    case BackendKind::Cpu:
      return "cpu";
    case BackendKind::Cuda:
      return "cuda";
  }
  return "?";
}

std::string BackendSpec::text() const {
  if (kind == BackendKind::Cpu) return "cpu";
  return "cuda:" + std::to_string(index);
}

std::string BackendSpec::description() const {
  return kernels.is_default() ? text() : text() + " " + kernels.to_string();
}

BackendSpec parse_backend_spec(const std::string& text, const std::vector<std::string>& kernels) {
  BackendSpec spec = parse_backend_spec(text, "--backend");
  spec.kernels = parse_kernel_choices(kernels);
  if (spec.kind == BackendKind::Cpu && !spec.kernels.is_default())
    throw Error(ErrorKind::Validation, "--kernel",
                "the cpu backend has one kernel per op; " + spec.kernels.to_string() +
                    " applies to cuda only");
  return spec;
}

BackendSpec parse_backend_spec(const std::string& text, const std::string& option) {
  if (text == "cpu") return {BackendKind::Cpu, 0};
  if (text == "cuda") return {BackendKind::Cuda, 0};
  if (text.rfind("cuda:", 0) == 0) {
    const char* first = text.data() + 5;
    const char* last = text.data() + text.size();
    int index = -1;
    const auto [end, ec] = std::from_chars(first, last, index);
    if (ec == std::errc() && end == last && first != last && index >= 0)
      return {BackendKind::Cuda, index};
    throw Error(
        ErrorKind::Validation, option,
        "'" + text +
            "': the device index after cuda: must be a non-negative integer (cuda:0, cuda:1, ...)");
  }
  throw Error(ErrorKind::Validation, option,
              "'" + text + "' is not a backend; use cpu, cuda or cuda:N");
}

DeviceInfo cpu_device() {
  const HostDescription host = describe_host();
  DeviceInfo d;
  d.spec = "cpu";
  d.kind = "cpu";
  d.index = 0;
  d.name = host.cpu_model;
  d.memory_total_bytes = total_memory_bytes();
  d.memory_free_bytes = available_memory_bytes();
  d.cores = host.logical_cpus;
  return d;
}

std::vector<DeviceInfo> devices() {
  std::vector<DeviceInfo> all{cpu_device()};
  for (DeviceInfo& d : cuda_entry::devices()) all.push_back(std::move(d));
  return all;
}

DeviceInfo device_of(const BackendSpec& spec) {
  if (spec.kind == BackendKind::Cpu) return cpu_device();
  return cuda_device(spec.index);
}

std::unique_ptr<Backend> make_backend(const BackendSpec& spec, const BackendOptions& options) {
  if (spec.kind == BackendKind::Cpu) {
    if (options.threads < 0)
      throw Error(ErrorKind::Validation, "--threads",
                  "must be at least 1, got " + std::to_string(options.threads));
    return std::make_unique<cpu::CpuBackend>(options.threads);
  }
  cuda_device(spec.index);  // the errors above, before the CUDA side is asked
  return cuda_entry::make(spec.index, spec.kernels);
}

}  // namespace archscope
