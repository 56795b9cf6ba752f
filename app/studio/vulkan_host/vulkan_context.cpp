#include "vulkan_host/vulkan_context.hpp"

#include <string>
#include <vector>

namespace archscope::studio {

void vk_check(VkResult result, const char* call) {
  if (result != VK_SUCCESS)
    throw VulkanError(std::string(call) + ": VkResult " + std::to_string(result));
}

namespace {

int device_rank(VkPhysicalDeviceType type) {
  switch (type) {
    case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU:
      return 3;
    case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU:
      return 2;
    case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU:
      return 1;
    default:
      return 0;  // CPU (lavapipe) and others
  }
}

bool has_extension(VkPhysicalDevice device, const char* name) {
  uint32_t n = 0;
  vkEnumerateDeviceExtensionProperties(device, nullptr, &n, nullptr);
  std::vector<VkExtensionProperties> props(n);
  vkEnumerateDeviceExtensionProperties(device, nullptr, &n, props.data());
  for (const auto& p : props)
    if (std::string(p.extensionName) == name) return true;
  return false;
}

}  // namespace

VulkanContext::VulkanContext(VkInstance borrowed) {
  if (borrowed != VK_NULL_HANDLE) {
    instance_ = borrowed;
  } else {
    VkApplicationInfo app{};
    app.sType = VK_STRUCTURE_TYPE_APPLICATION_INFO;
    app.pApplicationName = "archscope-studio";
    app.apiVersion = VK_API_VERSION_1_1;
    VkInstanceCreateInfo info{};
    info.sType = VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO;
    info.pApplicationInfo = &app;
    vk_check(vkCreateInstance(&info, nullptr, &instance_), "vkCreateInstance");
    owns_instance_ = true;
  }
  try {
    uint32_t count = 0;
    vk_check(vkEnumeratePhysicalDevices(instance_, &count, nullptr), "vkEnumeratePhysicalDevices");
    if (count == 0)
      throw VulkanError("no Vulkan device (install mesa-vulkan-drivers for lavapipe)");
    std::vector<VkPhysicalDevice> devices(count);
    vk_check(vkEnumeratePhysicalDevices(instance_, &count, devices.data()),
             "vkEnumeratePhysicalDevices");
    int best_rank = -1;
    for (VkPhysicalDevice d : devices) {
      uint32_t families = 0;
      vkGetPhysicalDeviceQueueFamilyProperties(d, &families, nullptr);
      std::vector<VkQueueFamilyProperties> props(families);
      vkGetPhysicalDeviceQueueFamilyProperties(d, &families, props.data());
      for (uint32_t f = 0; f < families; ++f) {
        if (!(props[f].queueFlags & VK_QUEUE_GRAPHICS_BIT)) continue;
        VkPhysicalDeviceProperties dp;
        vkGetPhysicalDeviceProperties(d, &dp);
        const int rank = device_rank(dp.deviceType);
        if (rank > best_rank) {
          best_rank = rank;
          physical_ = d;
          queue_family_ = f;
          device_name_ = dp.deviceName;
        }
        break;
      }
    }
    if (physical_ == VK_NULL_HANDLE) throw VulkanError("no Vulkan device with a graphics queue");

    const float priority = 1.0f;
    VkDeviceQueueCreateInfo queue{};
    queue.sType = VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO;
    queue.queueFamilyIndex = queue_family_;
    queue.queueCount = 1;
    queue.pQueuePriorities = &priority;
    std::vector<const char*> extensions;
    swapchain_extension_ =
        borrowed != VK_NULL_HANDLE && has_extension(physical_, VK_KHR_SWAPCHAIN_EXTENSION_NAME);
    if (swapchain_extension_) extensions.push_back(VK_KHR_SWAPCHAIN_EXTENSION_NAME);
    VkDeviceCreateInfo info{};
    info.sType = VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO;
    info.queueCreateInfoCount = 1;
    info.pQueueCreateInfos = &queue;
    info.enabledExtensionCount = static_cast<uint32_t>(extensions.size());
    info.ppEnabledExtensionNames = extensions.data();
    vk_check(vkCreateDevice(physical_, &info, nullptr, &device_), "vkCreateDevice");
    vkGetDeviceQueue(device_, queue_family_, 0, &queue_);

    // ImGui needs one combined image sampler per view (its font atlas); 64 views is plenty.
    VkDescriptorPoolSize size{VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, 64};
    VkDescriptorPoolCreateInfo pool{};
    pool.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO;
    pool.flags = VK_DESCRIPTOR_POOL_CREATE_FREE_DESCRIPTOR_SET_BIT;
    pool.maxSets = 64;
    pool.poolSizeCount = 1;
    pool.pPoolSizes = &size;
    vk_check(vkCreateDescriptorPool(device_, &pool, nullptr, &descriptor_pool_),
             "vkCreateDescriptorPool");

    VkCommandPoolCreateInfo cp{};

    cp.sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO;
    cp.flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT;
    cp.queueFamilyIndex = queue_family_;
    vk_check(vkCreateCommandPool(device_, &cp, nullptr, &command_pool_), "vkCreateCommandPool");
  } catch (...) {
    release();  // a throwing constructor runs no destructor
    throw;
  }
}

VulkanContext::~VulkanContext() {
  release();
}

void VulkanContext::release() {
  if (device_ != VK_NULL_HANDLE) {
    vkDeviceWaitIdle(device_);
    if (command_pool_ != VK_NULL_HANDLE) vkDestroyCommandPool(device_, command_pool_, nullptr);
    if (descriptor_pool_ != VK_NULL_HANDLE)
      vkDestroyDescriptorPool(device_, descriptor_pool_, nullptr);
    vkDestroyDevice(device_, nullptr);
  }
  if (owns_instance_ && instance_ != VK_NULL_HANDLE) vkDestroyInstance(instance_, nullptr);
  device_ = VK_NULL_HANDLE;
  instance_ = VK_NULL_HANDLE;
  command_pool_ = VK_NULL_HANDLE;
  descriptor_pool_ = VK_NULL_HANDLE;
}

uint32_t VulkanContext::memory_type(uint32_t type_bits, VkMemoryPropertyFlags flags) const {
  VkPhysicalDeviceMemoryProperties props;
  vkGetPhysicalDeviceMemoryProperties(physical_, &props);
  for (uint32_t i = 0; i < props.memoryTypeCount; ++i)
    if ((type_bits & (1u << i)) && (props.memoryTypes[i].propertyFlags & flags) == flags) return i;
  throw VulkanError("no Vulkan memory type with the wanted properties");
}

void VulkanContext::run_once(const std::function<void(VkCommandBuffer)>& record) {
  VkCommandBufferAllocateInfo alloc{};
  alloc.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO;
  alloc.commandPool = command_pool_;
  alloc.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
  alloc.commandBufferCount = 1;
  VkCommandBuffer cmd = VK_NULL_HANDLE;
  vk_check(vkAllocateCommandBuffers(device_, &alloc, &cmd), "vkAllocateCommandBuffers");
  VkCommandBufferBeginInfo begin{};
  begin.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO;
  begin.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT;
  VkResult r = vkBeginCommandBuffer(cmd, &begin);
  if (r == VK_SUCCESS) {
    record(cmd);
    r = vkEndCommandBuffer(cmd);
  }
  if (r == VK_SUCCESS) {
    VkSubmitInfo submit{};
    submit.sType = VK_STRUCTURE_TYPE_SUBMIT_INFO;
    submit.commandBufferCount = 1;
    submit.pCommandBuffers = &cmd;
    r = vkQueueSubmit(queue_, 1, &submit, VK_NULL_HANDLE);
    if (r == VK_SUCCESS) r = vkQueueWaitIdle(queue_);
  }
  vkFreeCommandBuffers(device_, command_pool_, 1, &cmd);
  vk_check(r, "run_once");
}

}  // namespace archscope::studio
