#include "vulkan_host/qt_input.hpp"

#include <QKeyEvent>
#include <QMouseEvent>
#include <QWheelEvent>

#include "vulkan_host/imgui_layer.hpp"

namespace archscope::studio {

namespace {

int modifier_bits(Qt::KeyboardModifiers m) {
  int bits = 0;
  if (m & Qt::ControlModifier) bits |= InputEvent::kCtrl;
  if (m & Qt::ShiftModifier) bits |= InputEvent::kShift;
  if (m & Qt::AltModifier) bits |= InputEvent::kAlt;
  if (m & Qt::MetaModifier) bits |= InputEvent::kSuper;
  return bits;
}

int button_code(Qt::MouseButton b) {
  switch (b) {
    case Qt::LeftButton:
      return 0;
    case Qt::RightButton:
      return 1;
    case Qt::MiddleButton:
      return 2;
    default:
      return -1;
  }
}

int key_code(int key) {
  switch (key) {
    case Qt::Key_Tab:
      return kKeyTab;
    case Qt::Key_Left:
      return kKeyLeft;
    case Qt::Key_Right:
      return kKeyRight;
    case Qt::Key_Up:
      return kKeyUp;
    case Qt::Key_Down:
      return kKeyDown;
    case Qt::Key_PageUp:
      return kKeyPageUp;
    case Qt::Key_PageDown:
      return kKeyPageDown;
    case Qt::Key_Home:
      return kKeyHome;
    case Qt::Key_End:
      return kKeyEnd;
    case Qt::Key_Insert:
      return kKeyInsert;
    case Qt::Key_Delete:
      return kKeyDelete;
    case Qt::Key_Backspace:
      return kKeyBackspace;
    case Qt::Key_Space:
      return kKeySpace;
    case Qt::Key_Return:
    case Qt::Key_Enter:
      return kKeyEnter;
    case Qt::Key_Escape:
      return kKeyEscape;
    case Qt::Key_A:
      return kKeyA;
    case Qt::Key_C:
      return kKeyC;
    case Qt::Key_V:
      return kKeyV;
    case Qt::Key_X:
      return kKeyX;
    case Qt::Key_Y:
      return kKeyY;
    case Qt::Key_Z:
      return kKeyZ;
    default:
      return 0;
  }
}

void push_modifiers(InputQueue& q, Qt::KeyboardModifiers m) {
  InputEvent e;
  e.kind = InputEvent::Kind::Modifiers;
  e.code = modifier_bits(m);
  q.push(e);
}

}  // namespace

bool queue_qt_input(const QEvent* event, InputQueue& queue) {
  switch (event->type()) {
    case QEvent::MouseMove:
    case QEvent::MouseButtonPress:
    case QEvent::MouseButtonRelease:
    case QEvent::MouseButtonDblClick: {
      const auto* m = static_cast<const QMouseEvent*>(event);
      InputEvent move;
      move.kind = InputEvent::Kind::Move;
      move.x = static_cast<float>(m->position().x());
      move.y = static_cast<float>(m->position().y());
      queue.push(move);
      if (event->type() == QEvent::MouseMove) return true;
      const int code = button_code(m->button());
      if (code < 0) return true;
      push_modifiers(queue, m->modifiers());
      InputEvent b;
      b.kind = InputEvent::Kind::Button;
      b.code = code;
      // A double click arrives as press, release, double-click, release: the third is a press.
      b.down = event->type() != QEvent::MouseButtonRelease;
      queue.push(b);
      return true;
    }
    case QEvent::Wheel: {
      const auto* w = static_cast<const QWheelEvent*>(event);
      InputEvent e;
      e.kind = InputEvent::Kind::Wheel;
      e.wheel_x = static_cast<float>(w->angleDelta().x()) / 120.0f;  // 120 units per notch
      e.wheel_y = static_cast<float>(w->angleDelta().y()) / 120.0f;
      queue.push(e);
      return true;
    }
    case QEvent::KeyPress:
    case QEvent::KeyRelease: {
      const auto* k = static_cast<const QKeyEvent*>(event);
      push_modifiers(queue, k->modifiers());
      if (const int code = key_code(k->key())) {
        InputEvent e;
        e.kind = InputEvent::Kind::Key;
        e.code = code;
        e.down = event->type() == QEvent::KeyPress;
        queue.push(e);
      }
      if (event->type() == QEvent::KeyPress) {
        for (const char32_t c : k->text().toStdU32String()) {
          if (c < 0x20 || c == 0x7f) continue;  // control characters are keys, not text
          InputEvent t;
          t.kind = InputEvent::Kind::Text;
          t.ch = static_cast<uint32_t>(c);
          queue.push(t);
        }
      }
      return true;
    }
    case QEvent::Leave: {
      InputEvent e;
      e.kind = InputEvent::Kind::Leave;
      queue.push(e);
      return true;
    }
    default:
      return false;
  }
}

}  // namespace archscope::studio
