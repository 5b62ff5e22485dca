#include "sign/isolation/worker_protocol.h"

namespace sign::isolation {

std::string kind_name(ErrorKind kind) {
    switch (kind) {
        case ErrorKind::invalid_input: return "invalid_input";
        case ErrorKind::policy: return "policy";
        case ErrorKind::not_found: return "not_found";
        case ErrorKind::conflict: return "conflict";
        case ErrorKind::authentication: return "authentication";
        case ErrorKind::token: return "token";
        case ErrorKind::internal: return "internal";
    }
    return "internal";
}

ErrorKind kind_from_name(const std::string& name) {
    for (auto kind : {ErrorKind::invalid_input, ErrorKind::policy, ErrorKind::not_found, ErrorKind::conflict,
                      ErrorKind::authentication, ErrorKind::token})
        if (kind_name(kind) == name) return kind;
    return ErrorKind::internal;
}

}  // namespace sign::isolation
