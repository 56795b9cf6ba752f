// The backends the conformance suite runs every op on: the CPU backend once per Highway target
// this CPU runs (or only the one ARCHSCOPE_CPU_TARGET forces), so the scalar, SSE4, AVX2 and
// AVX-512 kernels are each held to the same bounds, and every device backend the build has.
// A new backend joins by adding its entries in backends.cpp (device_backends()).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "backend/backend.hpp"

namespace archscope::test {

struct BackendUnderTest {
  std::string name;  // "cpu/avx2", "cuda:0"
  std::function<std::unique_ptr<Backend>()> make;
  int64_t cpu_target = 0;  // Highway target forced while this entry runs (CPU entries only)
};

std::vector<BackendUnderTest> cpu_backends();
std::vector<BackendUnderTest> device_backends();
std::vector<BackendUnderTest> backends_under_test();  // both lists

// Runs body on a fresh backend of every entry, inside a test context naming the entry.
void for_each_backend(const std::function<void(Backend&)>& body);

}  // namespace archscope::test
