#include "vulkan_host/offscreen_target.hpp"

#include "vulkan_host/imgui_layer.hpp"
#include "vulkan_host/vulkan_context.hpp"

namespace archscope::studio {

namespace {
// UNORM, not SRGB: ImGui's colours are meant as stored, an sRGB target would wash them out.
constexpr VkFormat kFormat = VK_FORMAT_R8G8B8A8_UNORM;
}  // namespace

OffscreenTarget::OffscreenTarget(VulkanContext& vulkan) : vulkan_(vulkan), readback_(vulkan) {
  pass_ = create_colour_pass(vulkan.device(), kFormat, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL);
}

OffscreenTarget::~OffscreenTarget() {
  vkDeviceWaitIdle(vulkan_.device());
  destroy_image();
  vkDestroyRenderPass(vulkan_.device(), pass_, nullptr);
}

void OffscreenTarget::destroy_image() {
  VkDevice d = vulkan_.device();
  if (framebuffer_ != VK_NULL_HANDLE) vkDestroyFramebuffer(d, framebuffer_, nullptr);
  if (view_ != VK_NULL_HANDLE) vkDestroyImageView(d, view_, nullptr);
  if (image_ != VK_NULL_HANDLE) vkDestroyImage(d, image_, nullptr);
  if (memory_ != VK_NULL_HANDLE) vkFreeMemory(d, memory_, nullptr);
  framebuffer_ = VK_NULL_HANDLE;
  view_ = VK_NULL_HANDLE;
  image_ = VK_NULL_HANDLE;
  memory_ = VK_NULL_HANDLE;
  width_ = height_ = 0;
}

void OffscreenTarget::resize(int width, int height) {
  if (width == width_ && height == height_ && image_ != VK_NULL_HANDLE) return;
  destroy_image();
  VkDevice d = vulkan_.device();
  VkImageCreateInfo info{};
  info.sType = VK_STRUCTURE_TYPE_IMAGE_CREATE_INFO;
  info.imageType = VK_IMAGE_TYPE_2D;
  info.format = kFormat;
  info.extent = {static_cast<uint32_t>(width), static_cast<uint32_t>(height), 1};
  info.mipLevels = 1;
  info.arrayLayers = 1;
  info.samples = VK_SAMPLE_COUNT_1_BIT;
  info.tiling = VK_IMAGE_TILING_OPTIMAL;
  info.usage = VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT | VK_IMAGE_USAGE_TRANSFER_SRC_BIT;
  info.initialLayout = VK_IMAGE_LAYOUT_UNDEFINED;
  vk_check(vkCreateImage(d, &info, nullptr, &image_), "vkCreateImage");
  VkMemoryRequirements req;
  vkGetImageMemoryRequirements(d, image_, &req);
  VkMemoryAllocateInfo alloc{};
  alloc.sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO;
  alloc.allocationSize = req.size;
  alloc.memoryTypeIndex =
      vulkan_.memory_type(req.memoryTypeBits, VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT);
  vk_check(vkAllocateMemory(d, &alloc, nullptr, &memory_), "vkAllocateMemory");
  vk_check(vkBindImageMemory(d, image_, memory_, 0), "vkBindImageMemory");
  VkImageViewCreateInfo view{};
  view.sType = VK_STRUCTURE_TYPE_IMAGE_VIEW_CREATE_INFO;
  view.image = image_;
  view.viewType = VK_IMAGE_VIEW_TYPE_2D;
  view.format = kFormat;
  view.subresourceRange = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1};
  vk_check(vkCreateImageView(d, &view, nullptr, &view_), "vkCreateImageView");
  VkFramebufferCreateInfo fb{};
  fb.sType = VK_STRUCTURE_TYPE_FRAMEBUFFER_CREATE_INFO;
  fb.renderPass = pass_;
  fb.attachmentCount = 1;
  fb.pAttachments = &view_;
  fb.width = static_cast<uint32_t>(width);
  fb.height = static_cast<uint32_t>(height);
  fb.layers = 1;
  vk_check(vkCreateFramebuffer(d, &fb, nullptr, &framebuffer_), "vkCreateFramebuffer");
  width_ = width;
  height_ = height;
  readback_.ensure(width, height);
}

RgbaImage OffscreenTarget::render(ImGuiLayer& layer, int width, int height,
                                  std::array<float, 4> clear) {
  if (width < 1 || height < 1) return {};
  resize(width, height);
  vulkan_.run_once([&](VkCommandBuffer cmd) {
    VkClearValue value{};
    value.color = {{clear[0], clear[1], clear[2], clear[3]}};
    VkRenderPassBeginInfo begin{};
    begin.sType = VK_STRUCTURE_TYPE_RENDER_PASS_BEGIN_INFO;
    begin.renderPass = pass_;
    begin.framebuffer = framebuffer_;
    begin.renderArea.extent = {static_cast<uint32_t>(width), static_cast<uint32_t>(height)};
    begin.clearValueCount = 1;
    begin.pClearValues = &value;
    vkCmdBeginRenderPass(cmd, &begin, VK_SUBPASS_CONTENTS_INLINE);
    layer.record(cmd);
    vkCmdEndRenderPass(cmd);
    readback_.record_copy(cmd, image_, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL, width, height);
  });
  return readback_.read(width, height, /*bgra=*/false);
}

}  // namespace archscope::studio
