#include "vulkan_host/readback.hpp"

#include <cstring>

#include "vulkan_host/vulkan_context.hpp"

namespace archscope::studio {

ReadbackBuffer::~ReadbackBuffer() {
  VkDevice d = vulkan_.device();
  if (buffer_ != VK_NULL_HANDLE) vkDestroyBuffer(d, buffer_, nullptr);
  if (memory_ != VK_NULL_HANDLE) vkFreeMemory(d, memory_, nullptr);
}

void ReadbackBuffer::ensure(int width, int height) {
  const VkDeviceSize needed =
      static_cast<VkDeviceSize>(width) * static_cast<VkDeviceSize>(height) * 4;
  if (needed <= size_) return;
  VkDevice d = vulkan_.device();
  if (buffer_ != VK_NULL_HANDLE) vkDestroyBuffer(d, buffer_, nullptr);
  if (memory_ != VK_NULL_HANDLE) vkFreeMemory(d, memory_, nullptr);
  buffer_ = VK_NULL_HANDLE;
  memory_ = VK_NULL_HANDLE;
  size_ = 0;
  VkBufferCreateInfo info{};
  info.sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO;
  info.size = needed;
  info.usage = VK_BUFFER_USAGE_TRANSFER_DST_BIT;
  info.sharingMode = VK_SHARING_MODE_EXCLUSIVE;
  vk_check(vkCreateBuffer(d, &info, nullptr, &buffer_), "vkCreateBuffer");
  VkMemoryRequirements req;
  vkGetBufferMemoryRequirements(d, buffer_, &req);
  VkMemoryAllocateInfo alloc{};
  alloc.sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO;
  alloc.allocationSize = req.size;
  alloc.memoryTypeIndex =
      vulkan_.memory_type(req.memoryTypeBits, VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT |
                                                  VK_MEMORY_PROPERTY_HOST_COHERENT_BIT);
  vk_check(vkAllocateMemory(d, &alloc, nullptr, &memory_), "vkAllocateMemory");
  vk_check(vkBindBufferMemory(d, buffer_, memory_, 0), "vkBindBufferMemory");
  size_ = needed;
}

void ReadbackBuffer::record_copy(VkCommandBuffer cmd, VkImage image, VkImageLayout layout,
                                 int width, int height) {
  VkImageMemoryBarrier to_src{};
  to_src.sType = VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER;
  to_src.srcAccessMask = VK_ACCESS_COLOR_ATTACHMENT_WRITE_BIT;
  to_src.dstAccessMask = VK_ACCESS_TRANSFER_READ_BIT;
  to_src.oldLayout = layout;
  to_src.newLayout = VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL;
  to_src.srcQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
  to_src.dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
  to_src.image = image;
  to_src.subresourceRange = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1};
  vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_COLOR_ATTACHMENT_OUTPUT_BIT,
                       VK_PIPELINE_STAGE_TRANSFER_BIT, 0, 0, nullptr, 0, nullptr, 1, &to_src);
  VkBufferImageCopy region{};
  region.imageSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1};
  region.imageExtent = {static_cast<uint32_t>(width), static_cast<uint32_t>(height), 1};
  vkCmdCopyImageToBuffer(cmd, image, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL, buffer_, 1, &region);
  VkImageMemoryBarrier back = to_src;
  back.srcAccessMask = VK_ACCESS_TRANSFER_READ_BIT;
  back.dstAccessMask = 0;
  back.oldLayout = VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL;
  back.newLayout = layout;
  vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT, 0,
                       0, nullptr, 0, nullptr, 1, &back);
}

RgbaImage ReadbackBuffer::read(int width, int height, bool bgra) const {
  RgbaImage out;
  out.width = width;
  out.height = height;
  const size_t bytes = static_cast<size_t>(width) * static_cast<size_t>(height) * 4;
  if (bytes > size_) throw VulkanError("readback larger than its buffer");
  out.pixels.resize(bytes);
  void* mapped = nullptr;
  vk_check(vkMapMemory(vulkan_.device(), memory_, 0, bytes, 0, &mapped), "vkMapMemory");
  std::memcpy(out.pixels.data(), mapped, bytes);
  vkUnmapMemory(vulkan_.device(), memory_);
  if (bgra) {
    for (size_t i = 0; i + 3 < bytes; i += 4) std::swap(out.pixels[i], out.pixels[i + 2]);
  }
  return out;
}

}  // namespace archscope::studio
