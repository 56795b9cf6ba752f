// One Dear ImGui context drawn through imgui_impl_vulkan into one render pass of the shared
// device. Each view owns a layer (1.86 keeps the backend's state per context), so views can have
// their own swapchain or offscreen image while sharing the VkDevice.
#pragma once

#include <vulkan/vulkan.h>

#include <functional>

#include "vulkan_host/input_queue.hpp"

struct ImGuiContext;

namespace archscope::studio {

class VulkanContext;

// Key indices the bridge puts into InputEvent::code for Key events (ImGui's KeysDown[] slots).
enum StudioKey : int {
  kKeyTab = 1,
  kKeyLeft,
  kKeyRight,
  kKeyUp,
  kKeyDown,
  kKeyPageUp,
  kKeyPageDown,
  kKeyHome,
  kKeyEnd,
  kKeyInsert,
  kKeyDelete,
  kKeyBackspace,
  kKeySpace,
  kKeyEnter,
  kKeyEscape,
  kKeyA,
  kKeyC,
  kKeyV,
  kKeyX,
  kKeyY,
  kKeyZ,
};

class ImGuiLayer {
 public:
  // `render_pass` is the pass the layer's draw commands are recorded into (its format fixes the
  // pipeline); `image_count` frames may be in flight. `pixel_ratio` sizes the font atlas.
  ImGuiLayer(VulkanContext& vulkan, VkRenderPass render_pass, uint32_t image_count,
             float pixel_ratio);
  ~ImGuiLayer();
  ImGuiLayer(const ImGuiLayer&) = delete;
  ImGuiLayer& operator=(const ImGuiLayer&) = delete;

  // One ImGui frame: applies the next input batch, calls `draw` between NewFrame and Render.
  // Width and height are logical pixels; `dt` seconds since the last frame (> 0).
  void build_frame(float width, float height, float pixel_ratio, double dt, InputQueue& input,
                   const std::function<void()>& draw);
  // Records the last built frame's draw commands (inside a begun render pass).
  void record(VkCommandBuffer cmd);

  // How many frames build_frame has built, and whether ImGui asked for more input-driven frames
  // (e.g. a hover or an active widget): the host keeps rendering while this is true.
  long frames() const { return frames_; }
  bool wants_redraw() const { return redraw_frames_ > 0; }

 private:
  void make_current() const;
  void apply(const InputEvent& e);

  VulkanContext& vulkan_;
  ImGuiContext* context_ = nullptr;
  float atlas_ratio_ = 1;
  long frames_ = 0;
  int redraw_frames_ = 2;
};

}  // namespace archscope::studio
