// Appends audit records from several threads as fast as it can until killed,
// writing "<sequence> <subject>" to standard output after each append()
// returned: the lines are exactly the acknowledged writes.

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "sign/audit/audit_log.h"
#include "sign/store/write_queue.h"

int main(int argc, char** argv) {
    if (argc != 2) {
        std::cerr << "usage: audit_appender DATABASE\n";
        return 2;
    }
    sign::store::WriteQueue queue(argv[1]);
    sign::audit::AuditLog log(queue);
    std::vector<std::thread> writers;
    for (int thread = 0; thread < 4; ++thread) {
        writers.emplace_back([&log, thread] {
            for (int i = 0;; ++i) {
                std::string subject = "writer-" + std::to_string(thread) + "-" + std::to_string(i);
                auto record = log.append({"test.append", "appender", "", subject, "", "ok"}, std::chrono::system_clock::now());
                std::string line = std::to_string(record.sequence) + " " + subject + "\n";
                // One write per line: lines shorter than PIPE_BUF never interleave.
                if (write(STDOUT_FILENO, line.data(), line.size()) != static_cast<ssize_t>(line.size())) return;
            }
        });
    }
    for (auto& writer : writers) writer.join();
    return 0;
}
