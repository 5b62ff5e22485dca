// The audit log at a million records: fills one through the audit layer itself
// (the transaction overload of AuditLog::append, 10,000 records a write), then
// times what an operator runs on it, with each command's peak RSS:
//   signctl audit list --limit 100        the newest page
//   signctl audit list --after 0 --limit 1000000 (table) and --json, to /dev/null
//   signctl audit verify                  the whole chain
// Memory should not grow with the number of records listed or verified.
//
//   audit_bench [RECORDS]     (default 1000000)

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <stdexcept>
#include <string>

#include "measured_run.h"
#include "sign/audit/audit_log.h"
#include "sign/store/write_queue.h"
#include "signctl_folder.h"

namespace {

using sign::bench::Run;

// What signd and signctl write, with now and then a hostile client's text, which the log bounds.
sign::audit::AuditEvent event_number(int64_t i) {
    std::string n = std::to_string(i);
    if (i % 1000 == 0)
        return {"authentication", "anonymous", "10.0.3.7", "POST /api/v1/seals/\xff" + std::string(4096, 'A') + "/pdf", "",
                "invalid_credential"};
    if (i % 3 == 0)
        return {"csc.signHash", "portal-" + std::to_string(i % 17), "10.0." + std::to_string(i % 256) + ".1",
                "leader-" + std::to_string(i % 50), std::string(64, "0123456789abcdef"[i % 16]), "ok"};
    return {"seal.pdf", "portal-" + std::to_string(i % 17), "10.0." + std::to_string(i % 256) + ".2", "agency-seal",
            std::string(64, "fedcba9876543210"[i % 16]), i % 7 == 0 ? "not_a_pdf" : "ok"};
}

void report(const std::string& what, const Run& result) {
    std::printf("%-52s %9.0f ms  peak RSS %7.1f MB  exit %d\n", what.c_str(), result.ms, result.max_rss_kb / 1024.0,
                result.exit_code);
}

}  // namespace

int main(int argc, char** argv) try {
    int64_t records = argc > 1 ? std::stoll(argv[1]) : 1000000;
    sign::test::SignctlFolder folder;
    auto initialised = folder.signctl({"init"});
    if (initialised.exit_code != 0) throw std::runtime_error("signctl init failed: " + initialised.output);
    std::string data = folder.path("");

    auto start = std::chrono::steady_clock::now();
    {
        sign::store::WriteQueue queue(folder.path("sign.db"));
        sign::audit::AuditLog log(queue);
        auto now = std::chrono::system_clock::now();
        for (int64_t done = 0; done < records;) {
            queue.run([&](const sign::store::Connection& transaction) {
                for (int64_t end = std::min(records, done + 10000); done < end; ++done)
                    log.append(transaction, event_number(done + 1), now + std::chrono::microseconds(done));
            });
        }
    }
    double fill_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("filled %lld audit records in %.1f s (%.0f records/s)\n", static_cast<long long>(records), fill_s,
                records / fill_s);

    std::string all = std::to_string(records);
    report("signctl audit list --limit 100", sign::bench::run({SIGNCTL, "--data", data, "audit", "list", "--limit", "100"}, {}, "/dev/null"));
    report("signctl audit list --after 0 --limit " + all + " (table)",
           sign::bench::run({SIGNCTL, "--data", data, "audit", "list", "--after", "0", "--limit", all}, {}, "/dev/null"));
    report("signctl --json audit list --after 0 --limit " + all,
           sign::bench::run({SIGNCTL, "--data", data, "--json", "audit", "list", "--after", "0", "--limit", all}, {},
                            "/dev/null"));
    Run verified = sign::bench::run({SIGNCTL, "--data", data, "audit", "verify"}, {}, folder.path("verify.log"));
    report("signctl audit verify", verified);
    if (verified.exit_code != 0 || verified.output.find("intact: " + all + " records") == std::string::npos)
        throw std::runtime_error("audit verify did not find the chain intact: " + verified.output);
    return 0;
} catch (const std::exception& error) {
    std::cerr << "audit_bench: " << error.what() << "\n";
    return 1;
}
