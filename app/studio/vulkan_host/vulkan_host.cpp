#include "vulkan_host/vulkan_host.hpp"

#include <QGuiApplication>
#include <QVulkanInstance>

#include "vulkan_host/vulkan_context.hpp"  // first: qvulkaninstance.h defines VK_NO_PROTOTYPES

namespace archscope::studio {

std::unique_ptr<VulkanHost> VulkanHost::create() {
  std::unique_ptr<VulkanHost> host(new VulkanHost);
  const QString platform = QGuiApplication::platformName();
  const bool window_system = platform == "xcb" || platform == "wayland";
  const bool forced_offscreen = qEnvironmentVariable("ARCHSCOPE_IMGUI_MODE") == "offscreen";
  std::string surface_failure;
  if (window_system && !forced_offscreen) {
    auto instance = std::make_unique<QVulkanInstance>();
    instance->setApiVersion(QVersionNumber(1, 1));
    if (instance->create()) {
      try {
        host->context_ = std::make_unique<VulkanContext>(instance->vkInstance());
        if (host->context_->can_present()) {
          host->qt_instance_ = std::move(instance);
          host->mode_ = Mode::Surface;
          return host;
        }
        surface_failure = "the device cannot present";
      } catch (const VulkanError& e) {
        surface_failure = e.what();
      }
      host->context_.reset();
    } else {
      surface_failure =
          "QVulkanInstance::create failed (" + std::to_string(instance->errorCode()) + ")";
    }
  }
  try {
    host->context_ = std::make_unique<VulkanContext>();
    host->mode_ = Mode::Offscreen;
  } catch (const VulkanError& e) {
    host->mode_ = Mode::Unavailable;
    host->reason_ = e.what();
    if (!surface_failure.empty()) host->reason_ += "; on screen: " + surface_failure;
  }
  return host;
}

VulkanHost::~VulkanHost() {
  context_.reset();  // the device goes before the instance it came from
  qt_instance_.reset();
}

std::string VulkanHost::describe() const {
  switch (mode_) {
    case Mode::Surface:
      return context_->device_name() + ", on-screen swapchains";
    case Mode::Offscreen:
      return context_->device_name() + ", offscreen images";
    case Mode::Unavailable:
      return "no Vulkan: " + reason_;
  }
  return {};
}

}  // namespace archscope::studio
