// The single-subpass colour render pass every ImGui view draws in: cleared to the view's
// background, ending in `final_layout` (PRESENT_SRC for a swapchain, TRANSFER_SRC for a readback).
#pragma once

#include <vulkan/vulkan.h>

#include <cstdint>
#include <vector>

namespace archscope::studio {

VkRenderPass create_colour_pass(VkDevice device, VkFormat format, VkImageLayout final_layout);

// RGBA8 pixels, rows top to bottom, tightly packed.
struct RgbaImage {
  int width = 0;
  int height = 0;
  std::vector<uint8_t> pixels;
};

}  // namespace archscope::studio
