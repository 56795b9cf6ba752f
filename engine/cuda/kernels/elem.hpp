// Float storage element types as the kernels see them (F32, BF16, F16 of backend/tensor.hpp);
// a plain header so host-only files can name them.
#pragma once

namespace archscope::cuda {

enum class FElem : int { F32 = 0, BF16 = 1, F16 = 2 };

}  // namespace archscope::cuda
