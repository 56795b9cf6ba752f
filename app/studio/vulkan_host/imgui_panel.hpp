// What an ImGui view draws: a panel's draw() runs once per frame between NewFrame and Render and
// draws from plain data it was given (views/ models), holding no state a redraw would lose.
#pragma once

namespace archscope::studio {

class ImGuiPanel {
 public:
  virtual ~ImGuiPanel() = default;
  // Draws the whole view (typically one window covering the display, see begin_full_view).
  virtual void draw() = 0;
  // True while the content changes by itself (a live run): the host renders continuously.
  virtual bool animating() const { return false; }
};

// Begins an undecorated ImGui window covering the display. Always pair with ImGui::End().
void begin_full_view(const char* id);

}  // namespace archscope::studio
