// An ImGui view rendered into a VkImage and read back: the headless path (Qt's offscreen platform
// has no Vulkan surfaces) used by --screenshot, by tests without a display, and by views whose
// window system offers no Vulkan surface.
#pragma once

#include <vulkan/vulkan.h>

#include <array>

#include "vulkan_host/readback.hpp"
#include "vulkan_host/render_pass.hpp"

namespace archscope::studio {

class ImGuiLayer;
class VulkanContext;

class OffscreenTarget {
 public:
  explicit OffscreenTarget(VulkanContext& vulkan);
  ~OffscreenTarget();
  OffscreenTarget(const OffscreenTarget&) = delete;
  OffscreenTarget& operator=(const OffscreenTarget&) = delete;

  VkRenderPass render_pass() const { return pass_; }
  // Records the layer's last built frame into a width × height (device pixels) image, cleared to
  // `clear` (RGBA 0..1), waits for it and returns the pixels.
  RgbaImage render(ImGuiLayer& layer, int width, int height, std::array<float, 4> clear);

 private:
  void resize(int width, int height);
  void destroy_image();

  VulkanContext& vulkan_;
  VkRenderPass pass_ = VK_NULL_HANDLE;
  VkImage image_ = VK_NULL_HANDLE;
  VkDeviceMemory memory_ = VK_NULL_HANDLE;
  VkImageView view_ = VK_NULL_HANDLE;
  VkFramebuffer framebuffer_ = VK_NULL_HANDLE;
  int width_ = 0, height_ = 0;
  ReadbackBuffer readback_;
};

}  // namespace archscope::studio
