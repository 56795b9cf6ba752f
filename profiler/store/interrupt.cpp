#include "store/interrupt.hpp"

#include <atomic>

namespace archscope::prof::store {

namespace {
std::atomic<bool> g_interrupt{false};
// A lock-based atomic would not be async-signal-safe.
static_assert(std::atomic<bool>::is_always_lock_free);
}  // namespace

void request_interrupt() noexcept { g_interrupt.store(true, std::memory_order_relaxed); }
bool interrupt_requested() noexcept { return g_interrupt.load(std::memory_order_relaxed); }
void clear_interrupt() noexcept { g_interrupt.store(false, std::memory_order_relaxed); }

}  // namespace archscope::prof::store
