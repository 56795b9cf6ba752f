#include "cuda/device_errors.hpp"

namespace archscope::cuda {

std::string device_check_op(DeviceCheck c) {
  switch (c) {
    case DeviceCheck::EmbeddingId:
    case DeviceCheck::EmbeddingPosition: return "embedding";
    case DeviceCheck::GatherRow: return "gather_rows";
    case DeviceCheck::RopePosition: return "rope";
    case DeviceCheck::KvStorePosition:
    case DeviceCheck::KvStoreNegative:
    case DeviceCheck::KvStoreBlock: return "kv_store";
    case DeviceCheck::AttentionKvPosition:
    case DeviceCheck::AttentionKvBlock:
    case DeviceCheck::AttentionPosition: return "attention";
    case DeviceCheck::GroupExpert: return "moe_group";
    case DeviceCheck::IndexRow: return "index_add";
    case DeviceCheck::GroupOffsetsEnds:
    case DeviceCheck::GroupOffsetsDecrease: return "grouped_linear";
    case DeviceCheck::None: break;
  }
  return "cuda";
}

std::string device_check_message(DeviceCheck c, long long value, long long bound, long long extra) {
  const std::string v = std::to_string(value), b = std::to_string(bound), x = std::to_string(extra);
  const auto outside = [&](const char* what) { return std::string(what) + " " + v + " outside [0, " + b + ")"; };
  switch (c) {
    case DeviceCheck::EmbeddingId: return outside("token id");
    case DeviceCheck::EmbeddingPosition: return outside("position");
    case DeviceCheck::GatherRow: return outside("row");
    case DeviceCheck::RopePosition: return outside("position");
    case DeviceCheck::IndexRow: return outside("index");
    case DeviceCheck::GroupExpert: return outside("expert id");
    case DeviceCheck::KvStorePosition:
    case DeviceCheck::AttentionKvPosition: return "position " + v + " beyond the block table (" + b + " tokens)";
    case DeviceCheck::KvStoreNegative: return "negative position";
    case DeviceCheck::KvStoreBlock:
    case DeviceCheck::AttentionKvBlock: return "block table entry " + x + " = " + v + " outside the pool of " + b;
    case DeviceCheck::AttentionPosition: return "query position " + v + " not in the cache of " + b;
    case DeviceCheck::GroupOffsetsEnds: return "offsets must run from 0 to " + x + ", run from " + v + " to " + b;
    case DeviceCheck::GroupOffsetsDecrease: return "offsets decrease at expert " + v;
    case DeviceCheck::None: break;
  }
  return "device check failed";
}

}  // namespace archscope::cuda
