// The one Vulkan device that every ImGui view of the studio shares (Qt 6.4's QVulkanWindow makes a
// device per window and cannot share one, so the views draw through this instead). Only the files
// in vulkan_host/ know Vulkan.
#pragma once

#include <vulkan/vulkan.h>

#include <functional>
#include <memory>
#include <stdexcept>
#include <string>

namespace archscope::studio {

// A failed Vulkan call: what was called and the VkResult, e.g. "vkCreateDevice: -3".
class VulkanError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};
void vk_check(VkResult result, const char* call);

class VulkanContext {
 public:
  // With `borrowed` (a QVulkanInstance's handle) the context uses that instance and windows can
  // present; with VK_NULL_HANDLE it creates its own headless instance (offscreen rendering only).
  // Picks a discrete GPU, else an integrated one, else a CPU device (lavapipe). Throws VulkanError.
  explicit VulkanContext(VkInstance borrowed = VK_NULL_HANDLE);
  ~VulkanContext();
  VulkanContext(const VulkanContext&) = delete;
  VulkanContext& operator=(const VulkanContext&) = delete;

  VkInstance instance() const { return instance_; }
  VkPhysicalDevice physical_device() const { return physical_; }
  VkDevice device() const { return device_; }
  uint32_t queue_family() const { return queue_family_; }
  VkQueue queue() const { return queue_; }
  VkDescriptorPool descriptor_pool() const { return descriptor_pool_; }
  bool can_present() const { return swapchain_extension_; }
  const std::string& device_name() const { return device_name_; }

  // A memory type among `type_bits` with all of `flags`; throws VulkanError when there is none.
  uint32_t memory_type(uint32_t type_bits, VkMemoryPropertyFlags flags) const;
  // Records one command buffer with `record`, submits it and waits for it (uploads, readbacks).
  void run_once(const std::function<void(VkCommandBuffer)>& record);

 private:
  void release();

  bool owns_instance_ = false;
  bool swapchain_extension_ = false;
  VkInstance instance_ = VK_NULL_HANDLE;
  VkPhysicalDevice physical_ = VK_NULL_HANDLE;
  VkDevice device_ = VK_NULL_HANDLE;
  uint32_t queue_family_ = 0;
  VkQueue queue_ = VK_NULL_HANDLE;
  VkDescriptorPool descriptor_pool_ = VK_NULL_HANDLE;
  VkCommandPool command_pool_ = VK_NULL_HANDLE;
  std::string device_name_;
};

}  // namespace archscope::studio
