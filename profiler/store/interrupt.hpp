// The one piece of the store a signal handler may touch. The CLI's SIGINT handler calls
// request_interrupt(); every RunWriter checks the flag between batches, commits what it has
// buffered, marks its run `interrupted` and stops accepting records. Nothing else is safe to do
// from a signal handler (SQLite calls are not async-signal-safe).
#pragma once

namespace archscope::prof::store {

void request_interrupt() noexcept;  // async-signal-safe: one lock-free atomic store
bool interrupt_requested() noexcept;
void clear_interrupt() noexcept;  // for tests and for a process that starts another run

}  // namespace archscope::prof::store
