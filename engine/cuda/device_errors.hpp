// Index checks that only the device can make (token ids, positions and block-table entries live
// in device memory): a kernel that finds a bad index skips the access and records the first one
// here, in mapped host memory; CudaBackend::synchronize() turns it into an archscope::Error, so a
// bad input fails with a message instead of reading out of bounds, and no op waits on the host.
#pragma once

#include <cstdint>
#include <string>

namespace archscope::cuda {

enum class DeviceCheck : int {
  None = 0,
  EmbeddingId,        // token id outside [0, vocab)
  EmbeddingPosition,  // position outside the position table
  GatherRow,          // row index outside [0, rows)
  RopePosition,       // position outside the cos/sin tables
  KvPosition,         // position negative or beyond the block table
  KvBlock,            // block-table entry outside the pool
  AttentionPosition,  // query position outside [0, length)
  RouterExpert,       // (internal) router produced an out-of-range id
  GroupExpert,        // expert id outside [0, experts) in moe_group / grouped_linear
  IndexRow,           // index_add row outside [0, rows)
  GroupOffsets,       // grouped_linear: a row in no expert's [offsets[e], offsets[e+1])
};

struct DeviceErrors {  // plain data: lives in mapped pinned memory, zeroed with memset
  int code;
  int reserved;
  long long value;
  long long bound;
};

// "cuda.embedding", "token id 70000 outside [0, 32000)".
std::string device_check_op(DeviceCheck c);
std::string device_check_message(DeviceCheck c, long long value, long long bound);

}  // namespace archscope::cuda
