// Float storage element types as the kernels see them (F32, BF16, F16 of backend/tensor.hpp);
// a plain header so host-only files can name them. I8 and E4M3 name int8 / fp8 KV pools only
// (codes with per-vector fp32 scales, kernels/kv_quant.cuh): load_elem / store_elem never see them.
#pragma once

namespace archscope::cuda {

enum class FElem : int { F32 = 0, BF16 = 1, F16 = 2, I8 = 3, E4M3 = 4 };

}  // namespace archscope::cuda
