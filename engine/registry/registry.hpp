// The backend registry: what this build and machine can run on, and one way to open it. The CLI's
// --backend, `archscope devices` and the desktop app's backend picker all go through here, so a
// backend name means the same thing everywhere. CUDA is reached only through
// backend/cuda_entry.hpp, whose implementation is the CUDA backend or the no-CUDA fallback.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "backend/backend.hpp"
#include "backend/device_info.hpp"
#include "backend/kernel_choices.hpp"

namespace archscope {

enum class BackendKind { Cpu, Cuda };

const char* to_string(BackendKind kind);  // "cpu", "cuda"

// What --backend names: "cpu", "cuda" (device 0) or "cuda:N".
struct BackendSpec {
  BackendKind kind = BackendKind::Cpu;
  int index = 0;  // device ordinal; always 0 for the CPU
  // Kernel variants (`--kernel`, backend/kernel_choices.hpp); the CPU takes only the defaults.
  KernelChoices kernels{};

  // Canonical text: "cpu" or "cuda:N" (what `devices` lists as spec).
  std::string text() const;
  // text() plus the kernel variants when they are not the defaults: what a run records as its
  // backend ("cuda:0 attention=naive,linear=auto,graphs=on,pdl=on"), so two runs show what a
  // kernel choice is worth.
  std::string description() const;
  bool operator==(const BackendSpec&) const = default;
};

// Parses a --backend value. Throws Error(Validation, option) naming the value and what is accepted
// ("cpu", "cuda", "cuda:N" with N a non-negative integer).
BackendSpec parse_backend_spec(const std::string& text, const std::string& option = "--backend");
// The same with the --kernel values (each NAME=VARIANT) applied. A non-default choice for the CPU
// backend is refused: Error(Validation, "--kernel") (it has one kernel per op).
BackendSpec parse_backend_spec(const std::string& text, const std::vector<std::string>& kernels);

struct BackendOptions {
  int threads = 0;  // CPU compute threads; 0: one per logical CPU
};

// Every device: the CPU first (always present), then the CUDA devices the driver reports.
std::vector<DeviceInfo> devices();

// The host CPU as a device: /proc/cpuinfo model name, MemTotal / MemAvailable, logical CPUs.
DeviceInfo cpu_device();

// Opens a backend. CUDA: Error(Unsupported, "--backend") when this build has no CUDA backend or no
// device exists, Error(Validation, "--backend") for an index past the last device.
std::unique_ptr<Backend> make_backend(const BackendSpec& spec, const BackendOptions& options = {});

// The DeviceInfo of the device `spec` names (what a run records as its device). Same errors as
// make_backend, without opening anything.
DeviceInfo device_of(const BackendSpec& spec);

}  // namespace archscope
