#include "vulkan_host/imgui_layer.hpp"

#include <imgui.h>
#include <imgui_impl_vulkan.h>

#include <cfloat>
#include <filesystem>

#include "vulkan_host/vulkan_context.hpp"

namespace archscope::studio {

namespace {

void check_result(VkResult r) {
  vk_check(r, "imgui_impl_vulkan");
}

// DejaVu Sans ships with Debian's fontconfig; ImGui's built-in bitmap font is the fallback.
constexpr const char* kFontPath = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
constexpr float kFontPixels = 14.0f;

}  // namespace

ImGuiLayer::ImGuiLayer(VulkanContext& vulkan, VkRenderPass render_pass, uint32_t image_count,
                       float pixel_ratio)
    : vulkan_(vulkan), atlas_ratio_(pixel_ratio > 0 ? pixel_ratio : 1) {
  IMGUI_CHECKVERSION();
  ImGuiContext* previous = ImGui::GetCurrentContext();
  context_ = ImGui::CreateContext();
  ImGui::SetCurrentContext(context_);
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;  // the Qt shell remembers the layout; ImGui writes no files
  io.LogFilename = nullptr;
  io.KeyMap[ImGuiKey_Tab] = kKeyTab;
  io.KeyMap[ImGuiKey_LeftArrow] = kKeyLeft;
  io.KeyMap[ImGuiKey_RightArrow] = kKeyRight;
  io.KeyMap[ImGuiKey_UpArrow] = kKeyUp;
  io.KeyMap[ImGuiKey_DownArrow] = kKeyDown;
  io.KeyMap[ImGuiKey_PageUp] = kKeyPageUp;
  io.KeyMap[ImGuiKey_PageDown] = kKeyPageDown;
  io.KeyMap[ImGuiKey_Home] = kKeyHome;
  io.KeyMap[ImGuiKey_End] = kKeyEnd;
  io.KeyMap[ImGuiKey_Insert] = kKeyInsert;
  io.KeyMap[ImGuiKey_Delete] = kKeyDelete;
  io.KeyMap[ImGuiKey_Backspace] = kKeyBackspace;
  io.KeyMap[ImGuiKey_Space] = kKeySpace;
  io.KeyMap[ImGuiKey_Enter] = kKeyEnter;
  io.KeyMap[ImGuiKey_Escape] = kKeyEscape;
  io.KeyMap[ImGuiKey_A] = kKeyA;
  io.KeyMap[ImGuiKey_C] = kKeyC;
  io.KeyMap[ImGuiKey_V] = kKeyV;
  io.KeyMap[ImGuiKey_X] = kKeyX;
  io.KeyMap[ImGuiKey_Y] = kKeyY;
  io.KeyMap[ImGuiKey_Z] = kKeyZ;

  ImGui::StyleColorsLight();
  ImGuiStyle& style = ImGui::GetStyle();
  style.WindowRounding = 0;
  style.WindowBorderSize = 0;
  // Glyphs are rasterised at device pixels and scaled back, so text stays sharp on HiDPI.
  if (std::filesystem::exists(kFontPath)) {
    io.Fonts->AddFontFromFileTTF(kFontPath, kFontPixels * atlas_ratio_);
  } else {
    ImFontConfig config;
    config.SizePixels = 13.0f * atlas_ratio_;
    io.Fonts->AddFontDefault(&config);
  }
  io.FontGlobalScale = 1.0f / atlas_ratio_;

  ImGui_ImplVulkan_InitInfo info{};
  info.Instance = vulkan.instance();
  info.PhysicalDevice = vulkan.physical_device();
  info.Device = vulkan.device();
  info.QueueFamily = vulkan.queue_family();
  info.Queue = vulkan.queue();
  info.DescriptorPool = vulkan.descriptor_pool();
  info.MinImageCount = image_count < 2 ? 2 : image_count;
  info.ImageCount = info.MinImageCount;
  info.MSAASamples = VK_SAMPLE_COUNT_1_BIT;
  info.CheckVkResultFn = check_result;
  try {
    if (!ImGui_ImplVulkan_Init(&info, render_pass))
      throw VulkanError("ImGui_ImplVulkan_Init failed");
    vulkan.run_once([](VkCommandBuffer cmd) { ImGui_ImplVulkan_CreateFontsTexture(cmd); });
    ImGui_ImplVulkan_DestroyFontUploadObjects();
  } catch (...) {
    if (io.BackendRendererUserData) ImGui_ImplVulkan_Shutdown();
    ImGui::DestroyContext(context_);
    ImGui::SetCurrentContext(previous);
    throw;
  }
  ImGui::SetCurrentContext(previous);
}

ImGuiLayer::~ImGuiLayer() {
  ImGuiContext* previous = ImGui::GetCurrentContext();
  ImGui::SetCurrentContext(context_);
  vkDeviceWaitIdle(vulkan_.device());
  ImGui_ImplVulkan_Shutdown();
  ImGui::DestroyContext(context_);
  ImGui::SetCurrentContext(previous == context_ ? nullptr : previous);
}

void ImGuiLayer::make_current() const {
  ImGui::SetCurrentContext(context_);
}

void ImGuiLayer::apply(const InputEvent& e) {
  ImGuiIO& io = ImGui::GetIO();
  switch (e.kind) {
    case InputEvent::Kind::Move:
      io.MousePos = ImVec2(e.x, e.y);
      break;
    case InputEvent::Kind::Leave:
      io.MousePos = ImVec2(-FLT_MAX, -FLT_MAX);
      break;
    case InputEvent::Kind::Button:
      if (e.code >= 0 && e.code < 5) io.MouseDown[e.code] = e.down;
      break;
    case InputEvent::Kind::Wheel:
      io.MouseWheel += e.wheel_y;
      io.MouseWheelH += e.wheel_x;
      break;
    case InputEvent::Kind::Key:
      if (e.code > 0 && e.code < 512) io.KeysDown[e.code] = e.down;
      break;
    case InputEvent::Kind::Text:
      io.AddInputCharacter(e.ch);
      break;
    case InputEvent::Kind::Modifiers:
      io.KeyCtrl = (e.code & InputEvent::kCtrl) != 0;
      io.KeyShift = (e.code & InputEvent::kShift) != 0;
      io.KeyAlt = (e.code & InputEvent::kAlt) != 0;
      io.KeySuper = (e.code & InputEvent::kSuper) != 0;
      break;
  }
}

void ImGuiLayer::build_frame(float width, float height, float pixel_ratio, double dt,
                             InputQueue& input, const std::function<void()>& draw) {
  make_current();
  ImGuiIO& io = ImGui::GetIO();
  io.DisplaySize = ImVec2(width, height);
  io.DisplayFramebufferScale = ImVec2(pixel_ratio, pixel_ratio);
  io.DeltaTime = dt > 0 ? static_cast<float>(dt) : 1.0f / 60.0f;
  const std::vector<InputEvent> batch = input.next_frame();
  for (const InputEvent& e : batch) apply(e);

  ImGui_ImplVulkan_NewFrame();
  ImGui::NewFrame();
  draw();
  ImGui::Render();
  ++frames_;
  // Input changes what ImGui shows one frame later (hover, release): render two more frames after
  // the last input, and keep going while a widget is active or input is still queued.
  if (!batch.empty() || ImGui::IsAnyItemActive() || !input.empty()) {
    redraw_frames_ = 2;
  } else if (redraw_frames_ > 0) {
    --redraw_frames_;
  }
}

void ImGuiLayer::record(VkCommandBuffer cmd) {
  make_current();
  ImGui_ImplVulkan_RenderDrawData(ImGui::GetDrawData(), cmd);
}

}  // namespace archscope::studio
