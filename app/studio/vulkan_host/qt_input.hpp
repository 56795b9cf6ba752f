// Qt events into the ImGui input queue (logical pixels, one InputEvent per state change).
#pragma once

#include "vulkan_host/input_queue.hpp"

class QEvent;

namespace archscope::studio {

// Queues what `event` means for ImGui; returns whether it was an input event.
bool queue_qt_input(const QEvent* event, InputQueue& queue);

}  // namespace archscope::studio
