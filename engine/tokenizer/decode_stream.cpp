#include "tokenizer/decode_stream.hpp"

#include "common/error.hpp"

namespace archscope::tok {

namespace {
bool ends_with_replacement(const std::string& s) {
  return s.size() >= 3 && s.compare(s.size() - 3, 3, "\xEF\xBF\xBD") == 0;
}
}  // namespace

std::optional<std::string> DecodeStream::step(uint32_t id) {
  if (prefix_.empty() && !ids_.empty()) {
    std::string p = tokenizer_->decode(ids_, skip_special_);
    if (!ends_with_replacement(p)) {
      prefix_ = std::move(p);
      prefix_index_ = ids_.size();
    }
  }
  ids_.push_back(id);
  const std::string text = tokenizer_->decode(ids_, skip_special_);
  if (text.size() <= prefix_.size() || ends_with_replacement(text)) return std::nullopt;
  if (text.compare(0, prefix_.size(), prefix_) != 0) {
    // Decoders that look across tokens (Strip, Metaspace) can rewrite the prefix; HF reports this
    // as InvalidPrefix. It would mean text already printed was wrong, so say so.
    throw Error(ErrorKind::Internal, "decode stream",
                "the decoded prefix changed after token id " + std::to_string(id));
  }
  std::string fresh = text.substr(prefix_.size());
  const size_t new_prefix_index = ids_.size() - prefix_index_;
  ids_.erase(ids_.begin(), ids_.begin() + static_cast<std::ptrdiff_t>(prefix_index_));
  prefix_ = tokenizer_->decode(ids_, skip_special_);
  prefix_index_ = new_prefix_index;
  return fresh;
}

std::string DecodeStream::finish() {
  std::string rest;
  if (!ids_.empty()) {
    const std::string text = tokenizer_->decode(ids_, skip_special_);
    if (text.size() > prefix_.size() && text.compare(0, prefix_.size(), prefix_) == 0)
      rest = text.substr(prefix_.size());
  }
  ids_.clear();
  prefix_.clear();
  prefix_index_ = 0;
  return rest;
}

}  // namespace archscope::tok
