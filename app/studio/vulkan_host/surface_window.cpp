#include "vulkan_host/surface_window.hpp"

#include <QPlatformSurfaceEvent>
#include <QVulkanInstance>
#include <algorithm>

#include "vulkan_host/imgui_layer.hpp"
#include "vulkan_host/imgui_panel.hpp"
#include "vulkan_host/qt_input.hpp"
#include "vulkan_host/readback.hpp"
#include "vulkan_host/vulkan_context.hpp"

namespace archscope::studio {

namespace {

// UNORM first: an sRGB swapchain (lavapipe offers B8G8R8A8_SRGB first) washes ImGui's colours out.
VkSurfaceFormatKHR pick_format(VkPhysicalDevice device, VkSurfaceKHR surface) {
  uint32_t n = 0;
  vkGetPhysicalDeviceSurfaceFormatsKHR(device, surface, &n, nullptr);
  std::vector<VkSurfaceFormatKHR> formats(n);
  vkGetPhysicalDeviceSurfaceFormatsKHR(device, surface, &n, formats.data());
  if (formats.empty()) throw VulkanError("the surface offers no formats");
  for (VkFormat wanted : {VK_FORMAT_B8G8R8A8_UNORM, VK_FORMAT_R8G8B8A8_UNORM})
    for (const auto& f : formats)
      if (f.format == wanted) return f;
  return formats.front();
}

VkPresentModeKHR pick_present_mode(VkPhysicalDevice device, VkSurfaceKHR surface) {
  uint32_t n = 0;
  vkGetPhysicalDeviceSurfacePresentModesKHR(device, surface, &n, nullptr);
  std::vector<VkPresentModeKHR> modes(n);
  vkGetPhysicalDeviceSurfacePresentModesKHR(device, surface, &n, modes.data());
  // Frames are rendered on demand, so MAILBOX never spins; FIFO is always there.
  return std::find(modes.begin(), modes.end(), VK_PRESENT_MODE_MAILBOX_KHR) != modes.end()
             ? VK_PRESENT_MODE_MAILBOX_KHR
             : VK_PRESENT_MODE_FIFO_KHR;
}

bool is_bgra(VkFormat f) {
  return f == VK_FORMAT_B8G8R8A8_UNORM || f == VK_FORMAT_B8G8R8A8_SRGB;
}

}  // namespace

SurfaceWindow::SurfaceWindow(VulkanContext& vulkan, QVulkanInstance& instance, ImGuiPanel& panel)
    : vulkan_(vulkan), instance_(instance), panel_(panel) {
  setSurfaceType(QSurface::VulkanSurface);
  setVulkanInstance(&instance);
  clock_.start();
}

SurfaceWindow::~SurfaceWindow() {
  destroy_swapchain();
}

long SurfaceWindow::frames() const {
  return layer_ ? layer_->frames() : 0;
}

void SurfaceWindow::schedule() {
  requestUpdate();
}

void SurfaceWindow::fail(const QString& reason) {
  if (failure_.isEmpty()) {
    failure_ = reason;
    Q_EMIT failed(reason);
  }
}

void SurfaceWindow::exposeEvent(QExposeEvent*) {
  if (isExposed()) render_frame(false, nullptr);
}

bool SurfaceWindow::event(QEvent* e) {
  switch (e->type()) {
    case QEvent::UpdateRequest:
      render_frame(false, nullptr);
      return true;
    case QEvent::PlatformSurface:
      if (static_cast<QPlatformSurfaceEvent*>(e)->surfaceEventType() ==
          QPlatformSurfaceEvent::SurfaceAboutToBeDestroyed)
        destroy_swapchain();
      break;
    case QEvent::Resize:
      dirty_ = true;
      requestUpdate();
      break;
    default:
      if (queue_qt_input(e, input_)) {
        requestUpdate();
        return true;
      }
  }
  return QWindow::event(e);
}

void SurfaceWindow::destroy_swapchain() {
  VkDevice d = vulkan_.device();
  if (d == VK_NULL_HANDLE) return;
  vkDeviceWaitIdle(d);
  for (VkFramebuffer f : framebuffers_) vkDestroyFramebuffer(d, f, nullptr);
  for (VkImageView v : views_) vkDestroyImageView(d, v, nullptr);
  for (VkSemaphore s : render_done_) vkDestroySemaphore(d, s, nullptr);
  framebuffers_.clear();
  views_.clear();
  render_done_.clear();
  images_.clear();
  if (swapchain_ != VK_NULL_HANDLE) vkDestroySwapchainKHR(d, swapchain_, nullptr);
  swapchain_ = VK_NULL_HANDLE;
  layer_.reset();
  readback_.reset();
  if (pass_ != VK_NULL_HANDLE) vkDestroyRenderPass(d, pass_, nullptr);
  pass_ = VK_NULL_HANDLE;
  format_ = VK_FORMAT_UNDEFINED;
  if (acquired_ != VK_NULL_HANDLE) vkDestroySemaphore(d, acquired_, nullptr);
  if (fence_ != VK_NULL_HANDLE) vkDestroyFence(d, fence_, nullptr);
  if (pool_ != VK_NULL_HANDLE) vkDestroyCommandPool(d, pool_, nullptr);
  acquired_ = VK_NULL_HANDLE;
  fence_ = VK_NULL_HANDLE;
  pool_ = VK_NULL_HANDLE;
  cmd_ = VK_NULL_HANDLE;
  surface_ = VK_NULL_HANDLE;  // owned by Qt
  dirty_ = true;
}

bool SurfaceWindow::ensure_swapchain() {
  if (!dirty_ && swapchain_ != VK_NULL_HANDLE) return true;
  VkDevice d = vulkan_.device();
  VkPhysicalDevice p = vulkan_.physical_device();
  if (surface_ == VK_NULL_HANDLE) {
    surface_ = QVulkanInstance::surfaceForWindow(this);
    if (surface_ == VK_NULL_HANDLE) throw VulkanError("no Vulkan surface for the window");
    VkBool32 supported = VK_FALSE;
    vkGetPhysicalDeviceSurfaceSupportKHR(p, vulkan_.queue_family(), surface_, &supported);
    if (!supported) throw VulkanError("the device's queue cannot present to this window");
    VkSemaphoreCreateInfo si{};
    si.sType = VK_STRUCTURE_TYPE_SEMAPHORE_CREATE_INFO;
    vk_check(vkCreateSemaphore(d, &si, nullptr, &acquired_), "vkCreateSemaphore");
    VkFenceCreateInfo fi{};
    fi.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO;
    fi.flags = VK_FENCE_CREATE_SIGNALED_BIT;
    vk_check(vkCreateFence(d, &fi, nullptr, &fence_), "vkCreateFence");
    VkCommandPoolCreateInfo cp{};
    cp.sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO;
    cp.flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT;
    cp.queueFamilyIndex = vulkan_.queue_family();
    vk_check(vkCreateCommandPool(d, &cp, nullptr, &pool_), "vkCreateCommandPool");
    VkCommandBufferAllocateInfo ca{};
    ca.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO;
    ca.commandPool = pool_;
    ca.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
    ca.commandBufferCount = 1;
    vk_check(vkAllocateCommandBuffers(d, &ca, &cmd_), "vkAllocateCommandBuffers");
  }
  VkSurfaceCapabilitiesKHR caps;
  vk_check(vkGetPhysicalDeviceSurfaceCapabilitiesKHR(p, surface_, &caps),
           "vkGetPhysicalDeviceSurfaceCapabilitiesKHR");
  VkExtent2D extent = caps.currentExtent;
  if (extent.width == 0xFFFFFFFFu) {
    const qreal ratio = devicePixelRatio();
    extent.width = static_cast<uint32_t>(std::max(1.0, width() * ratio));
    extent.height = static_cast<uint32_t>(std::max(1.0, height() * ratio));
  }
  if (extent.width == 0 || extent.height == 0) return false;  // minimised

  vkDeviceWaitIdle(d);
  for (VkFramebuffer f : framebuffers_) vkDestroyFramebuffer(d, f, nullptr);
  for (VkImageView v : views_) vkDestroyImageView(d, v, nullptr);
  for (VkSemaphore s : render_done_) vkDestroySemaphore(d, s, nullptr);
  framebuffers_.clear();
  views_.clear();
  render_done_.clear();

  const VkSurfaceFormatKHR format = pick_format(p, surface_);
  uint32_t count = std::max(caps.minImageCount + 1, 2u);
  if (caps.maxImageCount > 0) count = std::min(count, caps.maxImageCount);
  VkSwapchainCreateInfoKHR info{};
  info.sType = VK_STRUCTURE_TYPE_SWAPCHAIN_CREATE_INFO_KHR;
  info.surface = surface_;
  info.minImageCount = count;
  info.imageFormat = format.format;
  info.imageColorSpace = format.colorSpace;
  info.imageExtent = extent;
  info.imageArrayLayers = 1;
  info.imageUsage = VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT;
  // Grabs copy the presented image out; without TRANSFER_SRC a grab renders nothing.
  if (caps.supportedUsageFlags & VK_IMAGE_USAGE_TRANSFER_SRC_BIT)
    info.imageUsage |= VK_IMAGE_USAGE_TRANSFER_SRC_BIT;
  info.imageSharingMode = VK_SHARING_MODE_EXCLUSIVE;
  info.preTransform = (caps.supportedTransforms & VK_SURFACE_TRANSFORM_IDENTITY_BIT_KHR)
                          ? VK_SURFACE_TRANSFORM_IDENTITY_BIT_KHR
                          : caps.currentTransform;
  info.compositeAlpha = (caps.supportedCompositeAlpha & VK_COMPOSITE_ALPHA_OPAQUE_BIT_KHR)
                            ? VK_COMPOSITE_ALPHA_OPAQUE_BIT_KHR
                            : VK_COMPOSITE_ALPHA_INHERIT_BIT_KHR;
  info.presentMode = pick_present_mode(p, surface_);
  info.clipped = VK_TRUE;
  info.oldSwapchain = swapchain_;
  VkSwapchainKHR next = VK_NULL_HANDLE;
  vk_check(vkCreateSwapchainKHR(d, &info, nullptr, &next), "vkCreateSwapchainKHR");
  if (swapchain_ != VK_NULL_HANDLE) vkDestroySwapchainKHR(d, swapchain_, nullptr);
  swapchain_ = next;
  extent_ = extent;

  if (format.format != format_) {  // the layer's pipeline is tied to the pass's format
    layer_.reset();
    if (pass_ != VK_NULL_HANDLE) vkDestroyRenderPass(d, pass_, nullptr);
    pass_ = create_colour_pass(d, format.format, VK_IMAGE_LAYOUT_PRESENT_SRC_KHR);
    format_ = format.format;
  }
  uint32_t n = 0;
  vk_check(vkGetSwapchainImagesKHR(d, swapchain_, &n, nullptr), "vkGetSwapchainImagesKHR");
  images_.resize(n);
  vk_check(vkGetSwapchainImagesKHR(d, swapchain_, &n, images_.data()), "vkGetSwapchainImagesKHR");
  for (VkImage image : images_) {
    VkImageViewCreateInfo v{};
    v.sType = VK_STRUCTURE_TYPE_IMAGE_VIEW_CREATE_INFO;
    v.image = image;
    v.viewType = VK_IMAGE_VIEW_TYPE_2D;
    v.format = format_;
    v.subresourceRange = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1};
    VkImageView view = VK_NULL_HANDLE;
    vk_check(vkCreateImageView(d, &v, nullptr, &view), "vkCreateImageView");
    views_.push_back(view);
    VkFramebufferCreateInfo f{};
    f.sType = VK_STRUCTURE_TYPE_FRAMEBUFFER_CREATE_INFO;
    f.renderPass = pass_;
    f.attachmentCount = 1;
    f.pAttachments = &view;
    f.width = extent.width;
    f.height = extent.height;
    f.layers = 1;
    VkFramebuffer fb = VK_NULL_HANDLE;
    vk_check(vkCreateFramebuffer(d, &f, nullptr, &fb), "vkCreateFramebuffer");
    framebuffers_.push_back(fb);
    VkSemaphoreCreateInfo si{};
    si.sType = VK_STRUCTURE_TYPE_SEMAPHORE_CREATE_INFO;
    VkSemaphore s = VK_NULL_HANDLE;
    vk_check(vkCreateSemaphore(d, &si, nullptr, &s), "vkCreateSemaphore");
    render_done_.push_back(s);
  }
  if (!layer_)
    layer_ =
        std::make_unique<ImGuiLayer>(vulkan_, pass_, n, static_cast<float>(devicePixelRatio()));
  if (!readback_) readback_ = std::make_unique<ReadbackBuffer>(vulkan_);
  dirty_ = false;
  return true;
}

void SurfaceWindow::render_frame(bool grab, RgbaImage* out) {
  if (!failure_.isEmpty() || !isExposed()) return;
  try {
    if (!ensure_swapchain()) return;
    VkDevice d = vulkan_.device();
    vk_check(vkWaitForFences(d, 1, &fence_, VK_TRUE, UINT64_MAX), "vkWaitForFences");
    uint32_t index = 0;
    const VkResult acquired =
        vkAcquireNextImageKHR(d, swapchain_, UINT64_MAX, acquired_, VK_NULL_HANDLE, &index);
    if (acquired == VK_ERROR_OUT_OF_DATE_KHR) {
      dirty_ = true;
      requestUpdate();
      return;
    }
    if (acquired != VK_SUBOPTIMAL_KHR) vk_check(acquired, "vkAcquireNextImageKHR");

    const double dt = static_cast<double>(clock_.restart()) / 1000.0;
    const float ratio =
        static_cast<float>(extent_.width) / static_cast<float>(std::max(1, width()));
    layer_->build_frame(static_cast<float>(width()), static_cast<float>(height()), ratio, dt,
                        input_, [this] { panel_.draw(); });
    vk_check(vkResetFences(d, 1, &fence_), "vkResetFences");
    vk_check(vkResetCommandBuffer(cmd_, 0), "vkResetCommandBuffer");
    VkCommandBufferBeginInfo begin{};
    begin.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO;
    begin.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT;
    vk_check(vkBeginCommandBuffer(cmd_, &begin), "vkBeginCommandBuffer");
    VkClearValue clear{};
    clear.color = {{1.0f, 1.0f, 1.0f, 1.0f}};
    VkRenderPassBeginInfo rp{};
    rp.sType = VK_STRUCTURE_TYPE_RENDER_PASS_BEGIN_INFO;
    rp.renderPass = pass_;
    rp.framebuffer = framebuffers_[index];
    rp.renderArea.extent = extent_;
    rp.clearValueCount = 1;
    rp.pClearValues = &clear;
    vkCmdBeginRenderPass(cmd_, &rp, VK_SUBPASS_CONTENTS_INLINE);
    layer_->record(cmd_);
    vkCmdEndRenderPass(cmd_);
    const int w = static_cast<int>(extent_.width), h = static_cast<int>(extent_.height);
    if (grab) {
      readback_->ensure(w, h);
      readback_->record_copy(cmd_, images_[index], VK_IMAGE_LAYOUT_PRESENT_SRC_KHR, w, h);
    }
    vk_check(vkEndCommandBuffer(cmd_), "vkEndCommandBuffer");
    const VkPipelineStageFlags stage = VK_PIPELINE_STAGE_COLOR_ATTACHMENT_OUTPUT_BIT;
    VkSubmitInfo submit{};
    submit.sType = VK_STRUCTURE_TYPE_SUBMIT_INFO;
    submit.waitSemaphoreCount = 1;
    submit.pWaitSemaphores = &acquired_;
    submit.pWaitDstStageMask = &stage;
    submit.commandBufferCount = 1;
    submit.pCommandBuffers = &cmd_;
    submit.signalSemaphoreCount = 1;
    submit.pSignalSemaphores = &render_done_[index];
    vk_check(vkQueueSubmit(vulkan_.queue(), 1, &submit, fence_), "vkQueueSubmit");
    VkPresentInfoKHR present{};
    present.sType = VK_STRUCTURE_TYPE_PRESENT_INFO_KHR;
    present.waitSemaphoreCount = 1;
    present.pWaitSemaphores = &render_done_[index];
    present.swapchainCount = 1;
    present.pSwapchains = &swapchain_;
    present.pImageIndices = &index;
    const VkResult presented = vkQueuePresentKHR(vulkan_.queue(), &present);
    if (presented == VK_ERROR_OUT_OF_DATE_KHR || presented == VK_SUBOPTIMAL_KHR) {
      dirty_ = true;
    } else {
      vk_check(presented, "vkQueuePresentKHR");
    }
    if (grab && out) {
      vk_check(vkWaitForFences(d, 1, &fence_, VK_TRUE, UINT64_MAX), "vkWaitForFences");
      *out = readback_->read(w, h, is_bgra(format_));
    }
    Q_EMIT frameRendered();
    if (panel_.animating() || layer_->wants_redraw() || !input_.empty() || dirty_) requestUpdate();
  } catch (const VulkanError& e) {
    fail(QString::fromStdString(e.what()));
  }
}

RgbaImage SurfaceWindow::grab() {
  RgbaImage image;
  render_frame(true, &image);
  return image;
}

}  // namespace archscope::studio
