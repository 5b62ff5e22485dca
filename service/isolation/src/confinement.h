#pragma once
// What the worker does to itself before it reads a byte of its input.

#include <cstddef>

namespace sign::isolation {

/// Bounds the process: address space, CPU seconds (SIGXCPU, then SIGKILL a second later), no core
/// files, few descriptors.
void limit_resources(std::size_t memory_bytes, int cpu_seconds);

/// Installs a seccomp filter (when the kernel has seccomp) that refuses what a parser never needs:
/// sockets, starting programs, new processes, tracing, and opening, creating or changing files for
/// writing. Returns false when seccomp is not available here; throws when installing it failed.
bool confine_system_calls();

}  // namespace sign::isolation
