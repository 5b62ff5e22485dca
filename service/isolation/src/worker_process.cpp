#include "sign/isolation/worker_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>
#include <condition_variable>
#include <mutex>

#include <nlohmann/json.hpp>

#include "sign/error.h"
#include "sign/isolation/worker_protocol.h"

extern char** environ;

namespace sign::isolation {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

class Fd {
public:
    explicit Fd(int fd = -1) : fd_(fd) {}
    ~Fd() { reset(); }
    Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    int get() const { return fd_; }
    void reset() {
        if (fd_ >= 0) ::close(fd_);
        fd_ = -1;
    }

private:
    int fd_;
};

[[noreturn]] void fail_internal(const std::string& what) {
    throw Error(ErrorKind::internal, "worker_failed", what + ": " + std::strerror(errno));
}

[[noreturn]] void unprocessable(const std::string& why) {
    throw Error(ErrorKind::invalid_input, "document_unprocessable", "the document could not be processed: " + why);
}

[[noreturn]] void timed_out() {
    throw Error(ErrorKind::internal, "document_processing_timeout",
                "processing the document took too long; try again later or with a smaller document");
}

// The input, readable from the start, in memory rather than on disk, so nothing is left behind.
Fd input_descriptor(std::span<const std::uint8_t> input) {
    Fd fd(::memfd_create("signd-worker-input", MFD_CLOEXEC));
    if (fd.get() < 0) fail_internal("memfd_create");
    std::size_t written = 0;
    while (written < input.size()) {
        ssize_t n = ::write(fd.get(), input.data() + written, input.size() - written);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) fail_internal("writing the worker's input");
        written += static_cast<std::size_t>(n);
    }
    if (::lseek(fd.get(), 0, SEEK_SET) != 0) fail_internal("lseek");
    return fd;
}

}  // namespace

// Waiting for a free place: a mutex and a count rather than std::counting_semaphore, whose
// maximum is fixed at compile time.
struct WorkerProcess::Slots {
    std::mutex mutex;
    std::condition_variable freed;
    int free = 0;
};

fs::path program_beside_executable(const std::string& name) {
    std::error_code error;
    fs::path self = fs::read_symlink("/proc/self/exe", error);
    if (error) throw Error(ErrorKind::internal, "worker_failed", "cannot find the running program: " + error.message());
    return self.parent_path() / name;
}

WorkerProcess::WorkerProcess(fs::path program, WorkerLimits limits)
    : program_(std::move(program)), limits_(limits), slots_(std::make_shared<Slots>()) {
    if (::access(program_.c_str(), X_OK) != 0)
        throw Error(ErrorKind::invalid_input, "invalid_config",
                    "the document worker " + program_.string() + " is not an executable program");
    if (limits_.max_concurrent < 1) limits_.max_concurrent = 1;
    slots_->free = limits_.max_concurrent;
}

std::vector<std::uint8_t> WorkerProcess::run(const std::string& job, std::span<const std::uint8_t> input) const {
    const auto deadline = Clock::now() + limits_.wall_time;
    {
        std::unique_lock lock(slots_->mutex);
        if (!slots_->freed.wait_until(lock, deadline, [&] { return slots_->free > 0; })) timed_out();
        --slots_->free;
    }
    struct Release {
        Slots& slots;
        ~Release() {
            { std::lock_guard lock(slots.mutex); ++slots.free; }
            slots.freed.notify_one();
        }
    } release{*slots_};

    Fd in = input_descriptor(input);
    int pipe_fds[2];
    if (::pipe2(pipe_fds, O_CLOEXEC) != 0) fail_internal("pipe2");
    Fd out_read(pipe_fds[0]), out_write(pipe_fds[1]);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, in.get(), 0);
    posix_spawn_file_actions_adddup2(&actions, out_write.get(), 1);
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
    // The service ignores SIGPIPE and may block signals on its threads; the child starts clean.
    posix_spawnattr_t attributes;
    posix_spawnattr_init(&attributes);
    sigset_t all, none;
    sigfillset(&all);
    sigemptyset(&none);
    posix_spawnattr_setsigdefault(&attributes, &all);
    posix_spawnattr_setsigmask(&attributes, &none);
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);

    std::string program = program_.string(), memory = std::to_string(limits_.memory_bytes),
                cpu = std::to_string(limits_.cpu_seconds);
    std::vector<char*> argv{program.data(), const_cast<char*>(job.c_str()), const_cast<char*>("--memory-bytes"),
                            memory.data(), const_cast<char*>("--cpu-seconds"), cpu.data(), nullptr};
    pid_t pid = 0;
    int spawned = ::posix_spawn(&pid, program.c_str(), &actions, &attributes, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
    if (spawned != 0) {
        errno = spawned;
        fail_internal("starting the document worker");
    }
    in.reset();
    out_write.reset();

    // Read the whole answer, bounded in size and time; whatever happens, the child is reaped.
    std::vector<std::uint8_t> answer;
    bool too_large = false, late = false;
    std::uint8_t buffer[65536];
    for (;;) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
        if (left <= 0) {
            late = true;
            break;
        }
        pollfd ready{out_read.get(), POLLIN, 0};
        int polled = ::poll(&ready, 1, static_cast<int>(std::min<long long>(left, 1000)));
        if (polled < 0 && errno == EINTR) continue;
        if (polled <= 0) continue;
        ssize_t n = ::read(out_read.get(), buffer, sizeof buffer);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        if (answer.size() + static_cast<std::size_t>(n) > limits_.max_output_bytes + 4096) {
            too_large = true;
            break;
        }
        answer.insert(answer.end(), buffer, buffer + n);
    }
    if (late || too_large) ::kill(pid, SIGKILL);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (late) timed_out();
    if (too_large) unprocessable("its result is larger than allowed");
    if (WIFSIGNALED(status)) {
        int signal = WTERMSIG(status);
        // RLIMIT_CPU ends a process with SIGXCPU, then SIGKILL.
        if (signal == SIGXCPU || signal == SIGKILL) unprocessable("it needed more processing time than allowed");
        unprocessable(std::string("the parser stopped abnormally (") + ::strsignal(signal) + ")");
    }

    auto newline = std::find(answer.begin(), answer.end(), std::uint8_t('\n'));
    if (newline == answer.end()) unprocessable("the worker gave no answer (exit status " + std::to_string(WEXITSTATUS(status)) + ")");
    nlohmann::json header = nlohmann::json::parse(answer.begin(), newline, nullptr, false);
    if (!header.is_object()) unprocessable("the worker's answer is malformed");
    if (!header.value("ok", false))
        throw Error(kind_from_name(header.value("kind", "internal")), header.value("code", "worker_failed"),
                    header.value("message", "the document worker failed"));
    std::size_t length = header.value("bytes", std::size_t{0});
    std::size_t offset = static_cast<std::size_t>(newline - answer.begin()) + 1;
    if (answer.size() - offset != length) unprocessable("the worker's answer is incomplete");
    return {answer.begin() + static_cast<std::ptrdiff_t>(offset), answer.end()};
}

}  // namespace sign::isolation
