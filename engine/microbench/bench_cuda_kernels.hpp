// The kernel microbenchmarks of bench_cuda: each op on bench-1b's shapes called back to back on
// random data, eager and as replayed graphs (only the rows whose name contains `only`, when given).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "cuda/cuda_backend.hpp"

namespace archscope::microbench {

nlohmann::json kernel_bench(cuda::CudaBackend& be, const std::string& only);

}  // namespace archscope::microbench
