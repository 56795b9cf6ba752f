// Qt delivers input as events; Dear ImGui 1.86 reads input as state (io.MouseDown[], KeysDown[])
// once per frame, so a press and a release that arrive between two frames cancel out and the
// click is lost. The queue keeps the events in order and hands each frame a batch in which every
// button and key changes at most once, and the pointer does not move after a button changed (so
// a click lands where it was made). No Qt, no ImGui here: the bridge fills it from Qt events and
// applies each batch to ImGuiIO.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <vector>

namespace archscope::studio {

struct InputEvent {
  enum class Kind {
    Move,       // x, y in logical pixels
    Button,     // code: 0 left, 1 right, 2 middle; down
    Wheel,      // wheel_x, wheel_y in notches
    Key,        // code: a key index (imgui_input.hpp); down
    Text,       // ch: one UTF-32 code point typed
    Modifiers,  // code: bit set of kCtrl, kShift, kAlt, kSuper
    Leave,      // the pointer left the view
  };
  static constexpr int kCtrl = 1, kShift = 2, kAlt = 4, kSuper = 8;

  Kind kind = Kind::Move;
  float x = 0, y = 0;
  int code = 0;
  bool down = false;
  float wheel_x = 0, wheel_y = 0;
  uint32_t ch = 0;
};

class InputQueue {
 public:
  void push(const InputEvent& e) { events_.push_back(e); }
  bool empty() const { return events_.empty(); }
  size_t size() const { return events_.size(); }

  // The events for the next frame, removed from the queue: in order, ending before the first
  // event that would change a button or key already changed in this batch, or move the pointer
  // after a button changed. Text and wheel events never end a batch.
  std::vector<InputEvent> next_frame();

 private:
  std::deque<InputEvent> events_;
};

}  // namespace archscope::studio
