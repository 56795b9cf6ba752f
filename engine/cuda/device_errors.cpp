#include "cuda/device_errors.hpp"

namespace archscope::cuda {

std::string device_check_op(DeviceCheck c) {
  switch (c) {
    case DeviceCheck::EmbeddingId:
    case DeviceCheck::EmbeddingPosition:
      return "cuda.embedding";
    case DeviceCheck::GatherRow:
      return "cuda.gather_rows";
    case DeviceCheck::RopePosition:
      return "cuda.rope";
    case DeviceCheck::KvPosition:
    case DeviceCheck::KvBlock:
      return "cuda.kv_store/attention";
    case DeviceCheck::AttentionPosition:
      return "cuda.attention";
    case DeviceCheck::RouterExpert:
      return "cuda.router";
    case DeviceCheck::GroupExpert:
      return "cuda.moe_group";
    case DeviceCheck::IndexRow:
      return "cuda.index_add";
    case DeviceCheck::GroupOffsets:
      return "cuda.grouped_linear";
    case DeviceCheck::None:
      break;
  }
  return "cuda";
}

std::string device_check_message(DeviceCheck c, long long value, long long bound) {
  const std::string v = std::to_string(value), b = std::to_string(bound);
  switch (c) {
    case DeviceCheck::EmbeddingId:
      return "token id " + v + " outside [0, " + b + ")";
    case DeviceCheck::EmbeddingPosition:
      return "position " + v + " outside [0, " + b + ")";
    case DeviceCheck::GatherRow:
      return "row " + v + " outside [0, " + b + ")";
    case DeviceCheck::RopePosition:
      return "position " + v + " beyond the table of " + b;
    case DeviceCheck::KvPosition:
      return "position " + v + " beyond the block table (" + b + " tokens)";
    case DeviceCheck::KvBlock:
      return "block table entry " + v + " outside the pool of " + b;
    case DeviceCheck::AttentionPosition:
      return "query position " + v + " not in the cache of " + b;
    case DeviceCheck::RouterExpert:
      return "router returned expert " + v + " of " + b;
    case DeviceCheck::GroupExpert:
      return "expert id " + v + " outside [0, " + b + ")";
    case DeviceCheck::IndexRow:
      return "row " + v + " outside [0, " + b + ")";
    case DeviceCheck::GroupOffsets:
      return "row " + v + " lies in no expert's range: offsets must run from 0 to the row count (" +
             b + ") without decreasing";
    case DeviceCheck::None:
      break;
  }
  return "device check failed";
}

}  // namespace archscope::cuda
