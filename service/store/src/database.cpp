#include "sign/store/database.h"

namespace sign::store {

namespace {

// Each store is made on first use: signctl's commands touch one or two, and opening one costs a
// statement cache of its own.
template <typename Store, typename... Args>
Store& opened(std::unique_ptr<Store>& slot, Args&&... args) {
    if (!slot) slot = std::make_unique<Store>(std::forward<Args>(args)...);
    return *slot;
}

}  // namespace

Database::Database(std::string path, PinKeySource pin_key) : path_(std::move(path)), pin_key_(std::move(pin_key)) {}

Database::~Database() = default;

CertificateStore& Database::certificates() { return opened(certificates_, path_); }
WriteQueue& Database::write_queue() { return opened(write_queue_, path_); }
ClientStore& Database::clients() { return opened(clients_, write_queue()); }
SignerStore& Database::signers() { return opened(signers_, write_queue(), pin_key_); }
AuthorizationStore& Database::authorizations() { return opened(authorizations_, write_queue()); }
DeviceStore& Database::devices() { return opened(devices_, write_queue(), pin_key_); }
SignatureRequestStore& Database::signature_requests() { return opened(signature_requests_, write_queue()); }
CallbackQueue& Database::callbacks() { return opened(callbacks_, write_queue()); }
CscResponseStore& Database::csc_responses() { return opened(csc_responses_, write_queue()); }

}  // namespace sign::store
