// A Qt widget showing one ImGuiPanel: an embedded SurfaceWindow on a window system with Vulkan
// surfaces, otherwise frames rendered offscreen and painted by QPainter (same ImGui, same input
// bridge), or a message saying why there is no Vulkan. Docks hold these.
#pragma once

#include <QElapsedTimer>
#include <QImage>
#include <QTimer>
#include <QWidget>
#include <memory>

#include "vulkan_host/input_queue.hpp"

class QLabel;
class QWindow;

namespace archscope::studio {

class ImGuiLayer;
class ImGuiPanel;
class OffscreenTarget;
class SurfaceWindow;
class VulkanHost;

class ImGuiView : public QWidget {
  Q_OBJECT
 public:
  ImGuiView(VulkanHost& host, std::unique_ptr<ImGuiPanel> panel, QWidget* parent = nullptr);
  ~ImGuiView() override;

  ImGuiPanel& panel() { return *panel_; }
  // The panel's data changed: render a new frame soon (coalesced).
  void schedule();
  // Renders a frame now and returns it at device pixels; a null image when nothing can render.
  QImage grab_view();
  long frames() const;
  bool can_render() const;
  // The on-screen window in Surface mode (tests send it input), null otherwise.
  QWindow* surface_window() const;
  // "on-screen (lavapipe)", "offscreen (lavapipe)" or the reason nothing renders.
  QString status() const;
  // Offscreen mode: the pause after an animating frame before the next one (16 ms, about a 60 Hz
  // display's pace). 0 renders frames back to back, so `--frame-time` measures what a frame costs
  // rather than the pause.
  void set_offscreen_frame_gap(int ms) { offscreen_gap_ms_ = ms; }

 Q_SIGNALS:
  void frameRendered();

 protected:
  bool event(QEvent* e) override;
  void paintEvent(QPaintEvent* e) override;
  void resizeEvent(QResizeEvent* e) override;

 private:
  void render_offscreen();
  void show_message(const QString& text);

  VulkanHost& host_;
  std::unique_ptr<ImGuiPanel> panel_;
  SurfaceWindow* window_ = nullptr;  // owned by its container
  QWidget* container_ = nullptr;
  QLabel* message_ = nullptr;
  QString failure_;
  // Offscreen mode.
  std::unique_ptr<OffscreenTarget> target_;
  std::unique_ptr<ImGuiLayer> layer_;
  InputQueue input_;
  QImage image_;
  QTimer timer_;
  QElapsedTimer clock_;
  int offscreen_gap_ms_ = 16;
};

}  // namespace archscope::studio
