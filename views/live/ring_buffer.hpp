// A fixed-capacity ring of the latest values: live series (step latency, tokens/s, KV bytes over
// a run) keep a bounded memory however long the run is. Index 0 is the oldest value kept.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace archscope::views::live {

template <class T>
class RingBuffer {
 public:
  explicit RingBuffer(size_t capacity) : capacity_(capacity > 0 ? capacity : 1) {
    data_.reserve(capacity_);
  }

  void push(T v) {
    ++pushed_;
    if (data_.size() < capacity_) {
      data_.push_back(std::move(v));
      return;
    }
    data_[head_] = std::move(v);
    head_ = (head_ + 1) % capacity_;
  }

  size_t size() const { return data_.size(); }
  size_t capacity() const { return capacity_; }
  bool empty() const { return data_.empty(); }
  // Values ever pushed; pushed() - size() of them were overwritten.
  uint64_t pushed() const { return pushed_; }

  const T& operator[](size_t i) const { return data_[(head_ + i) % data_.size()]; }
  const T& back() const { return (*this)[data_.size() - 1]; }

  void clear() {
    data_.clear();
    head_ = 0;
    pushed_ = 0;
  }

 private:
  size_t capacity_;
  std::vector<T> data_;
  size_t head_ = 0;  // oldest value once full
  uint64_t pushed_ = 0;
};

}  // namespace archscope::views::live
