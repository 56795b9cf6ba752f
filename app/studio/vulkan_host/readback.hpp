// Copies of rendered images into host memory: the offscreen target's frames and grabs of a
// swapchain image, for screenshots and tests.
#pragma once

#include <vulkan/vulkan.h>

#include "vulkan_host/render_pass.hpp"

namespace archscope::studio {

class VulkanContext;

// A host-visible buffer large enough for width × height RGBA8 pixels.
class ReadbackBuffer {
 public:
  explicit ReadbackBuffer(VulkanContext& vulkan) : vulkan_(vulkan) {}
  ~ReadbackBuffer();
  ReadbackBuffer(const ReadbackBuffer&) = delete;
  ReadbackBuffer& operator=(const ReadbackBuffer&) = delete;

  void ensure(int width, int height);
  // Records: `image` (in `layout`, which it is returned to) copied into the buffer.
  void record_copy(VkCommandBuffer cmd, VkImage image, VkImageLayout layout, int width, int height);
  // The copied pixels after the commands completed; `bgra` swaps red and blue into RGBA.
  RgbaImage read(int width, int height, bool bgra) const;

 private:
  VulkanContext& vulkan_;
  VkBuffer buffer_ = VK_NULL_HANDLE;
  VkDeviceMemory memory_ = VK_NULL_HANDLE;
  VkDeviceSize size_ = 0;
};

}  // namespace archscope::studio
