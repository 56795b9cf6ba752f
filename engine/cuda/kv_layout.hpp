// Host side of a KvBlocks view: shapes and element types checked once (the block-table entries
// are checked by the kernels), packed for the kernels (kernels/kv_view.cuh).
#pragma once

#include "backend/op_params.hpp"
#include "cuda/kernels/elem.hpp"

namespace archscope::cuda {

struct KvView;
KvView kv_view(const KvBlocks& kv, const char* op);

}  // namespace archscope::cuda
