#include "confinement.h"

#include <fcntl.h>
#include <sched.h>
#include <seccomp.h>
#include <sys/resource.h>

#include <cerrno>
#include <initializer_list>
#include <memory>

#include "sign/error.h"

namespace sign::isolation {

namespace {

void set_limit(int resource, rlim_t soft, rlim_t hard) {
    rlimit limit{soft, hard};
    if (::setrlimit(resource, &limit) != 0)
        throw Error(ErrorKind::internal, "worker_failed", "the worker cannot limit its resources");
}

}  // namespace

void limit_resources(std::size_t memory_bytes, int cpu_seconds) {
    set_limit(RLIMIT_AS, memory_bytes, memory_bytes);
    set_limit(RLIMIT_CPU, static_cast<rlim_t>(cpu_seconds), static_cast<rlim_t>(cpu_seconds) + 1);
    set_limit(RLIMIT_CORE, 0, 0);
    // fontconfig opens font files while rendering; nothing needs more than this.
    set_limit(RLIMIT_NOFILE, 64, 64);
}

bool confine_system_calls() {
    // A deny list rather than an allow list: poppler, fontconfig and qpdf use a wide and
    // version-dependent set of harmless calls, and a missing one would fail valid documents. What
    // is denied is what an exploited parser would need to reach beyond its own process.
    std::unique_ptr<void, decltype(&seccomp_release)> filter(seccomp_init(SCMP_ACT_ALLOW), seccomp_release);
    if (!filter) return false;
    const auto refuse = SCMP_ACT_ERRNO(EPERM);
    bool ok = true;
    auto deny = [&](int call) {
        // A call this architecture does not have (__NR_SCMP_ERROR) is nothing to deny.
        if (call < 0) return;
        ok = ok && seccomp_rule_add(filter.get(), refuse, call, 0) == 0;
    };
    for (int call : {SCMP_SYS(socket), SCMP_SYS(socketpair), SCMP_SYS(connect), SCMP_SYS(bind), SCMP_SYS(listen),
                     SCMP_SYS(accept), SCMP_SYS(accept4), SCMP_SYS(sendmsg), SCMP_SYS(sendmmsg),
                     SCMP_SYS(execve), SCMP_SYS(execveat), SCMP_SYS(fork), SCMP_SYS(vfork), SCMP_SYS(ptrace),
                     SCMP_SYS(process_vm_readv), SCMP_SYS(process_vm_writev), SCMP_SYS(kill),
                     SCMP_SYS(mount), SCMP_SYS(umount2), SCMP_SYS(chroot), SCMP_SYS(pivot_root),
                     SCMP_SYS(setuid), SCMP_SYS(setgid), SCMP_SYS(setreuid), SCMP_SYS(setregid),
                     SCMP_SYS(unlink), SCMP_SYS(unlinkat), SCMP_SYS(rename), SCMP_SYS(renameat),
                     SCMP_SYS(renameat2), SCMP_SYS(mkdir), SCMP_SYS(mkdirat), SCMP_SYS(rmdir), SCMP_SYS(link),
                     SCMP_SYS(linkat), SCMP_SYS(symlink), SCMP_SYS(symlinkat), SCMP_SYS(chmod), SCMP_SYS(fchmod),
                     SCMP_SYS(fchmodat), SCMP_SYS(chown), SCMP_SYS(fchown), SCMP_SYS(fchownat), SCMP_SYS(lchown),
                     SCMP_SYS(truncate), SCMP_SYS(creat), SCMP_SYS(memfd_create), SCMP_SYS(bpf),
                     SCMP_SYS(perf_event_open), SCMP_SYS(keyctl), SCMP_SYS(add_key), SCMP_SYS(request_key),
                     SCMP_SYS(unshare), SCMP_SYS(setns)})
        deny(call);
    // Threads may start (clone with CLONE_THREAD); processes may not. clone3 passes its flags in
    // memory a filter cannot read, so it is made unavailable and the C library falls back to clone.
    ok = ok && seccomp_rule_add(filter.get(), refuse, SCMP_SYS(clone), 1,
                                SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_THREAD, 0)) == 0;
    ok = ok && seccomp_rule_add(filter.get(), SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0) == 0;
    ok = ok && seccomp_rule_add(filter.get(), SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(openat2), 0) == 0;
    // Files open for reading only: not for writing, not created.
    for (int call : {SCMP_SYS(open), SCMP_SYS(openat)}) {
        unsigned flags_argument = call == SCMP_SYS(open) ? 1 : 2;
        for (scmp_datum_t mode : {scmp_datum_t(O_WRONLY), scmp_datum_t(O_RDWR)})
            ok = ok && seccomp_rule_add(filter.get(), SCMP_ACT_ERRNO(EACCES), call, 1,
                                        scmp_arg_cmp{flags_argument, SCMP_CMP_MASKED_EQ, O_ACCMODE, mode}) == 0;
        ok = ok && seccomp_rule_add(filter.get(), SCMP_ACT_ERRNO(EACCES), call, 1,
                                    scmp_arg_cmp{flags_argument, SCMP_CMP_MASKED_EQ, O_CREAT, O_CREAT}) == 0;
    }
    if (!ok) throw Error(ErrorKind::internal, "worker_failed", "the worker's system call filter could not be built");
    int loaded = seccomp_load(filter.get());
    if (loaded == -EINVAL || loaded == -ENOSYS) return false;  // no seccomp in this kernel
    if (loaded != 0) throw Error(ErrorKind::internal, "worker_failed", "the worker's system call filter could not be installed");
    return true;
}

}  // namespace sign::isolation
