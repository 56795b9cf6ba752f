// The studio's Vulkan: one instance and one device for every ImGui view, chosen once per process.
// On a window system with Vulkan surfaces (X11, Wayland) views present through swapchains; on
// Qt's offscreen platform (screenshots, tests without a display) they render into images that are
// read back and painted by Qt. Without any Vulkan device the views show why.
#pragma once

#include <memory>
#include <string>

class QVulkanInstance;

namespace archscope::studio {

class VulkanContext;

class VulkanHost {
 public:
  enum class Mode { Surface, Offscreen, Unavailable };

  // Decides the mode for this process: $ARCHSCOPE_IMGUI_MODE=offscreen forces image rendering.
  static std::unique_ptr<VulkanHost> create();
  ~VulkanHost();

  Mode mode() const { return mode_; }
  const std::string& reason() const { return reason_; }  // why Unavailable
  VulkanContext* context() const { return context_.get(); }
  QVulkanInstance* qt_instance() const { return qt_instance_.get(); }
  std::string describe() const;  // "lavapipe (LLVM 15.0.6, 256 bits), on-screen swapchains"

 private:
  VulkanHost() = default;
  Mode mode_ = Mode::Unavailable;
  std::string reason_;
  std::unique_ptr<QVulkanInstance> qt_instance_;
  std::unique_ptr<VulkanContext> context_;
};

}  // namespace archscope::studio
