#pragma once
// Runs one job of the `signd-worker` program in a fresh child process over
// one input, with its memory, CPU time and wall time bounded, and the child
// confined by seccomp where the kernel has it (docs/security.md). The child is
// started with posix_spawn (safe from a multithreaded server, unlike fork) and
// shares nothing with the service but the input it reads on stdin and the
// answer it writes on stdout.

#include <chrono>
#include <memory>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

namespace sign::isolation {

struct WorkerLimits {
    std::size_t memory_bytes = 1024ull * 1024 * 1024;  ///< address space (RLIMIT_AS)
    int cpu_seconds = 20;                              ///< RLIMIT_CPU
    std::chrono::milliseconds wall_time{30000};        ///< killed after this, CPU used or not
    std::size_t max_output_bytes = 64ull * 1024 * 1024;
    /// Children running at once; a job waits for a free place at most `wall_time`. Bounds the
    /// memory all workers can take together.
    int max_concurrent = 4;
};

/// The program beside the running executable (`/proc/self/exe`'s folder), named `name`.
std::filesystem::path program_beside_executable(const std::string& name = "signd-worker");

class WorkerProcess {
public:
    /// Throws invalid_input `invalid_config` when `program` is not an executable file.
    WorkerProcess(std::filesystem::path program, WorkerLimits limits = {});

    /// The bytes job `job` wrote for `input`. A sign::Error the job threw is rethrown with its kind
    /// and code; a child that died (signal, exceeded limits, bad answer) is invalid_input
    /// `document_unprocessable`; one that ran past the wall time is killed and is internal
    /// `document_processing_timeout`.
    std::vector<std::uint8_t> run(const std::string& job, std::span<const std::uint8_t> input) const;

    const WorkerLimits& limits() const noexcept { return limits_; }

private:
    struct Slots;
    std::filesystem::path program_;
    WorkerLimits limits_;
    std::shared_ptr<Slots> slots_;
};

}  // namespace sign::isolation
