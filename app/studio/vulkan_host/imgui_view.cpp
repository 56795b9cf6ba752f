#include "vulkan_host/imgui_view.hpp"

#include <QLabel>
#include <QPainter>
#include <QVBoxLayout>

#include "vulkan_host/imgui_layer.hpp"
#include "vulkan_host/imgui_panel.hpp"
#include "vulkan_host/offscreen_target.hpp"
#include "vulkan_host/qt_input.hpp"
#include "vulkan_host/surface_window.hpp"
#include "vulkan_host/vulkan_context.hpp"  // first: qvulkaninstance.h defines VK_NO_PROTOTYPES
#include "vulkan_host/vulkan_host.hpp"

namespace archscope::studio {

namespace {
QImage to_qimage(const RgbaImage& rgba, qreal ratio) {
  if (rgba.width == 0) return {};
  QImage image(rgba.pixels.data(), rgba.width, rgba.height, rgba.width * 4,
               QImage::Format_RGBA8888);
  QImage copy = image.copy();  // detach from the vector
  copy.setDevicePixelRatio(ratio);
  return copy;
}
}  // namespace

ImGuiView::ImGuiView(VulkanHost& host, std::unique_ptr<ImGuiPanel> panel, QWidget* parent)
    : QWidget(parent), host_(host), panel_(std::move(panel)) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  setMinimumSize(160, 120);
  timer_.setSingleShot(true);
  clock_.start();
  switch (host.mode()) {
    case VulkanHost::Mode::Surface:
      window_ = new SurfaceWindow(*host.context(), *host.qt_instance(), *panel_);
      container_ = QWidget::createWindowContainer(window_, this);
      container_->setFocusPolicy(Qt::StrongFocus);
      layout->addWidget(container_);
      connect(window_, &SurfaceWindow::frameRendered, this, &ImGuiView::frameRendered);
      connect(window_, &SurfaceWindow::failed, this,
              [this](const QString& why) { show_message("This view cannot draw: " + why); });
      break;
    case VulkanHost::Mode::Offscreen:
      setMouseTracking(true);
      setFocusPolicy(Qt::StrongFocus);
      // A view in a hidden dock (a tab behind another) renders nothing until it is shown again.
      connect(&timer_, &QTimer::timeout, this, [this] {
        if (isVisible()) render_offscreen();
      });
      break;
    case VulkanHost::Mode::Unavailable:
      show_message(
          "No Vulkan device, so this view cannot draw: " + QString::fromStdString(host.reason()) +
          ". Install mesa-vulkan-drivers (lavapipe) or a GPU driver.");
      break;
  }
}

ImGuiView::~ImGuiView() {
  // The window renders from panel_: close it before the panel goes.
  delete container_;
  container_ = nullptr;
  window_ = nullptr;
  layer_.reset();
  target_.reset();
}

void ImGuiView::show_message(const QString& text) {
  failure_ = text;
  if (container_) container_->hide();
  if (!message_) {
    message_ = new QLabel(this);
    message_->setWordWrap(true);
    message_->setAlignment(Qt::AlignCenter);
    message_->setMargin(12);
    layout()->addWidget(message_);
  }
  message_->setText(text);
}

bool ImGuiView::can_render() const {
  return failure_.isEmpty() && host_.mode() != VulkanHost::Mode::Unavailable;
}

QString ImGuiView::status() const {
  if (!failure_.isEmpty()) return failure_;
  return QString::fromStdString(host_.describe());
}

QWindow* ImGuiView::surface_window() const {
  return window_;
}

long ImGuiView::frames() const {
  if (window_) return window_->frames();
  return layer_ ? layer_->frames() : 0;
}

void ImGuiView::schedule() {
  if (window_) {
    window_->schedule();
  } else if (host_.mode() == VulkanHost::Mode::Offscreen && !timer_.isActive()) {
    timer_.start(0);
  }
}

void ImGuiView::render_offscreen() {
  if (!can_render() || width() < 1 || height() < 1) return;
  try {
    const qreal ratio = devicePixelRatioF();
    if (!target_) target_ = std::make_unique<OffscreenTarget>(*host_.context());
    if (!layer_)
      layer_ = std::make_unique<ImGuiLayer>(*host_.context(), target_->render_pass(), 2,
                                            static_cast<float>(ratio));
    const double dt = static_cast<double>(clock_.restart()) / 1000.0;
    layer_->build_frame(static_cast<float>(width()), static_cast<float>(height()),
                        static_cast<float>(ratio), dt, input_, [this] { panel_->draw(); });
    const RgbaImage rgba = target_->render(*layer_, static_cast<int>(width() * ratio),
                                           static_cast<int>(height() * ratio), {1, 1, 1, 1});
    image_ = to_qimage(rgba, ratio);
    update();
    Q_EMIT frameRendered();
    if (panel_->animating() || layer_->wants_redraw() || !input_.empty())
      timer_.start(offscreen_gap_ms_);
  } catch (const VulkanError& e) {
    show_message("This view cannot draw: " + QString::fromUtf8(e.what()));
  }
}

QImage ImGuiView::grab_view() {
  if (window_) {
    const RgbaImage rgba = window_->grab();
    return to_qimage(rgba, window_->devicePixelRatio());
  }
  if (host_.mode() == VulkanHost::Mode::Offscreen) {
    timer_.stop();
    render_offscreen();
    return image_;
  }
  return {};
}

bool ImGuiView::event(QEvent* e) {
  if (e->type() == QEvent::Show) schedule();
  if (host_.mode() == VulkanHost::Mode::Offscreen && queue_qt_input(e, input_)) {
    schedule();
    return true;
  }
  return QWidget::event(e);
}

void ImGuiView::paintEvent(QPaintEvent* e) {
  if (host_.mode() != VulkanHost::Mode::Offscreen || image_.isNull()) return QWidget::paintEvent(e);
  QPainter painter(this);
  painter.drawImage(QPoint(0, 0), image_);
}

void ImGuiView::resizeEvent(QResizeEvent* e) {
  QWidget::resizeEvent(e);
  schedule();
}

}  // namespace archscope::studio
