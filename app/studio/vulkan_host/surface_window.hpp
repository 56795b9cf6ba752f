// An ImGui view on screen: a plain QWindow of surface type Vulkan with its own swapchain on the
// shared device (QVulkanWindow would make a device per window), embedded in the Qt layout with
// QWidget::createWindowContainer. Frames are rendered on demand: after input, when the panel's
// data changed, or continuously while the panel animates.
#pragma once

#include <vulkan/vulkan.h>  // before Qt: qvulkaninstance.h defines VK_NO_PROTOTYPES

#include <QElapsedTimer>
#include <QWindow>
#include <memory>
#include <vector>

#include "vulkan_host/input_queue.hpp"
#include "vulkan_host/render_pass.hpp"

class QVulkanInstance;

namespace archscope::studio {

class ImGuiLayer;
class ImGuiPanel;
class ReadbackBuffer;
class VulkanContext;

class SurfaceWindow : public QWindow {
  Q_OBJECT
 public:
  SurfaceWindow(VulkanContext& vulkan, QVulkanInstance& instance, ImGuiPanel& panel);
  ~SurfaceWindow() override;

  // Renders one frame now and returns it as shown (RGBA); empty when the window has no swapchain.
  RgbaImage grab();
  long frames() const;
  // Asks for a frame on the next update (coalesced).
  void schedule();
  // Why the view cannot render (no presentable queue, swapchain failure); empty when it can.
  const QString& failure() const { return failure_; }

 Q_SIGNALS:
  void frameRendered();
  void failed(const QString& reason);

 protected:
  void exposeEvent(QExposeEvent* event) override;
  bool event(QEvent* event) override;

 private:
  void render_frame(bool grab, RgbaImage* out);
  bool ensure_swapchain();
  void destroy_swapchain();
  void fail(const QString& reason);

  VulkanContext& vulkan_;
  QVulkanInstance& instance_;
  ImGuiPanel& panel_;
  InputQueue input_;
  QElapsedTimer clock_;
  QString failure_;

  VkSurfaceKHR surface_ = VK_NULL_HANDLE;
  VkSwapchainKHR swapchain_ = VK_NULL_HANDLE;
  VkFormat format_ = VK_FORMAT_UNDEFINED;
  VkExtent2D extent_{};
  bool dirty_ = true;  // recreate the swapchain before the next frame
  VkRenderPass pass_ = VK_NULL_HANDLE;
  std::vector<VkImage> images_;
  std::vector<VkImageView> views_;
  std::vector<VkFramebuffer> framebuffers_;
  std::vector<VkSemaphore> render_done_;  // one per swapchain image
  VkSemaphore acquired_ = VK_NULL_HANDLE;
  VkFence fence_ = VK_NULL_HANDLE;
  VkCommandPool pool_ = VK_NULL_HANDLE;
  VkCommandBuffer cmd_ = VK_NULL_HANDLE;
  std::unique_ptr<ImGuiLayer> layer_;
  std::unique_ptr<ReadbackBuffer> readback_;
};

}  // namespace archscope::studio
