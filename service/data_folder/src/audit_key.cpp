#include "sign/data_folder/audit_key.h"

#include <string>

#include "sign/hsm/errors.h"

namespace sign::data_folder {

namespace {

const std::string audit_key_uri = std::string("pkcs11:object=") + audit_key_label + ";type=private";

}  // namespace

std::optional<hsm::PrivateKey> find_audit_key(const hsm::Token& token) {
    try {
        return token.private_key(audit_key_uri);
    } catch (const hsm::KeyNotFound&) {
        return std::nullopt;
    }
}

hsm::PrivateKey audit_key(hsm::Token& token) {
    if (auto found = find_audit_key(token)) return *found;
    try {
        return token.generate_key_pair(hsm::KeySpec::parse("ec-p256"), audit_key_label);
    } catch (const Error& error) {
        if (error.kind() != ErrorKind::conflict) throw;
        return token.private_key(audit_key_uri);
    }
}

}  // namespace sign::data_folder
