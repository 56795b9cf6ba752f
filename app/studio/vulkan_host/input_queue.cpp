#include "vulkan_host/input_queue.hpp"

#include <algorithm>

namespace archscope::studio {

std::vector<InputEvent> InputQueue::next_frame() {
  std::vector<InputEvent> batch;
  std::vector<int> buttons_changed, keys_changed;
  const auto seen = [](const std::vector<int>& v, int code) {
    return std::find(v.begin(), v.end(), code) != v.end();
  };
  while (!events_.empty()) {
    const InputEvent& e = events_.front();
    bool ends_batch = false;
    switch (e.kind) {
      case InputEvent::Kind::Button:
        ends_batch = seen(buttons_changed, e.code);
        break;
      case InputEvent::Kind::Key:
        ends_batch = seen(keys_changed, e.code);
        break;
      case InputEvent::Kind::Move:
      case InputEvent::Kind::Leave:
        ends_batch = !buttons_changed.empty();
        break;
      default:
        break;
    }
    if (ends_batch) break;
    if (e.kind == InputEvent::Kind::Button) buttons_changed.push_back(e.code);
    if (e.kind == InputEvent::Kind::Key) keys_changed.push_back(e.code);
    batch.push_back(e);
    events_.pop_front();
  }
  return batch;
}

}  // namespace archscope::studio
