// Index checks that only the device can make (token ids, positions and block-table entries live
// in device memory): a kernel that finds a bad index skips the access and records the first one
// here, in mapped host memory; CudaBackend::synchronize() turns it into an archscope::Error, so a
// bad input fails with a message instead of reading out of bounds, and no op waits on the host.
#pragma once

#include <cstdint>
#include <string>

namespace archscope::cuda {

// The messages and op names are those of the backend-neutral contracts
// (backend/op_contracts.hpp), so both backends refuse a bad index with the same Error; the CUDA
// backend raises it at the next synchronize() instead of in the call.
enum class DeviceCheck : int {
  None = 0,
  EmbeddingId,          // token id outside [0, vocab)
  EmbeddingPosition,    // position outside the position table
  GatherRow,            // row index outside [0, rows)
  RopePosition,         // position outside the cos/sin tables
  KvStorePosition,      // kv_store: position beyond the block table
  KvStoreNegative,      // kv_store: negative position
  KvStoreBlock,         // kv_store: block-table entry outside the pool (extra: the entry's index)
  AttentionKvPosition,  // attention: a key position beyond the block table
  AttentionKvBlock,     // attention: block-table entry outside the pool (extra: its index)
  AttentionPosition,    // query position outside [0, length)
  GroupExpert,          // moe_group: expert id outside [0, experts)
  IndexRow,             // index_add: index outside [0, rows)
  GroupOffsetsEnds,     // grouped_linear: offsets do not run from 0 to the rows (extra: rows)
  GroupOffsetsDecrease, // grouped_linear: offsets decrease at expert `value`
};

struct DeviceErrors {  // plain data: lives in mapped pinned memory, zeroed with memset
  int code;
  int reserved;
  long long value;
  long long bound;
  long long extra;
};

// "embedding", "token id 70000 outside [0, 32000)".
std::string device_check_op(DeviceCheck c);
std::string device_check_message(DeviceCheck c, long long value, long long bound, long long extra);

}  // namespace archscope::cuda
