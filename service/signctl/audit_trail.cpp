#include "audit_trail.h"

#include <chrono>
#include <iostream>

#include "sign/error.h"
#include "sign/messages.h"

namespace sign::signctl {

namespace {

audit::AuditEvent event(const std::string& action, const AuditedSubject& subject, const std::string& result) {
    return {action, "signctl", "", subject.subject, subject.document_hash, result};
}

}  // namespace

void record_refusal(Cli& cli, const std::string& action, const AuditedSubject& subject, const Error& refusal) {
    DataFolder& data = cli.data();
    if (!data.initialized()) return;  // no folder, no log to write to
    try {
        auto now = std::chrono::system_clock::now();
        data.audit().append(event(action, subject, refusal.code()), now);
        if (refusal.kind() == ErrorKind::authentication) {
            std::string authenticated =
                subject.authenticated.empty() ? "token:" + data.settings().token_label : subject.authenticated;
            data.audit().append(event("authentication", {authenticated, "", ""}, refusal.code()), now);
        }
    } catch (const std::exception& error) {
        // The refusal is what the operator must see; a log that cannot be written is reported beside it.
        std::cerr << "signctl: " << i18n::tr("the refusal could not be recorded in the audit log: ") << error.what() << "\n";
    }
}

void audited(Cli& cli, const std::string& action, const AuditedSubject& subject, const std::function<std::string()>& change) {
    std::string recorded_subject;
    try {
        recorded_subject = change();
    } catch (const Error& refusal) {
        record_refusal(cli, action, subject, refusal);
        throw;
    }
    AuditedSubject recorded = subject;
    if (!recorded_subject.empty()) recorded.subject = recorded_subject;
    cli.data().audit().append(event(action, recorded, "ok"), std::chrono::system_clock::now());
}

void audited(Cli& cli, const std::string& action, const std::string& subject, const std::function<std::string()>& change) {
    audited(cli, action, AuditedSubject{subject, "", ""}, change);
}

}  // namespace sign::signctl
