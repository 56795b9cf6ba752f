// The ImGui input queue: a press and a release between two frames must not cancel out.
#include <boost/test/unit_test.hpp>

#include "vulkan_host/input_queue.hpp"

using archscope::studio::InputEvent;
using archscope::studio::InputQueue;

namespace {
InputEvent move(float x, float y) {
  InputEvent e;
  e.kind = InputEvent::Kind::Move;
  e.x = x;
  e.y = y;
  return e;
}
InputEvent button(int code, bool down) {
  InputEvent e;
  e.kind = InputEvent::Kind::Button;
  e.code = code;
  e.down = down;
  return e;
}
InputEvent key(int code, bool down) {
  InputEvent e;
  e.kind = InputEvent::Kind::Key;
  e.code = code;
  e.down = down;
  return e;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(input_queue)

BOOST_AUTO_TEST_CASE(a_quick_click_spans_two_frames) {
  InputQueue q;
  q.push(move(10, 20));
  q.push(button(0, true));
  q.push(button(0, false));
  const auto first = q.next_frame();
  BOOST_REQUIRE(first.size() == 2u);
  BOOST_TEST(first[1].down);
  const auto second = q.next_frame();
  BOOST_REQUIRE(second.size() == 1u);
  BOOST_TEST(!second[0].down);
  BOOST_TEST(q.empty());
  BOOST_TEST(q.next_frame().empty());
}

BOOST_AUTO_TEST_CASE(the_pointer_does_not_move_after_a_press_in_the_same_frame) {
  InputQueue q;
  q.push(move(1, 1));
  q.push(move(2, 2));
  q.push(button(0, true));
  q.push(move(50, 50));
  q.push(button(1, true));
  BOOST_TEST(q.next_frame().size() == 3u);  // two moves and the press, the click lands at (2, 2)
  const auto next = q.next_frame();
  BOOST_REQUIRE(next.size() == 2u);
  BOOST_TEST(next[0].x == 50.0f);
  BOOST_TEST(next[1].code == 1);
}

BOOST_AUTO_TEST_CASE(keys_change_once_per_frame_and_text_never_waits) {
  InputQueue q;
  InputEvent text;
  text.kind = InputEvent::Kind::Text;
  text.ch = 'a';
  q.push(key(5, true));
  q.push(text);
  q.push(key(6, true));
  q.push(key(5, false));
  q.push(text);
  const auto first = q.next_frame();
  BOOST_TEST(first.size() == 3u);  // key 5 down, 'a', key 6 down
  const auto second = q.next_frame();
  BOOST_TEST(second.size() == 2u);  // key 5 up, 'a'
  // Two different buttons may change in one frame.
  q.push(button(0, true));
  q.push(button(1, true));
  BOOST_TEST(q.next_frame().size() == 2u);
}

BOOST_AUTO_TEST_SUITE_END()
