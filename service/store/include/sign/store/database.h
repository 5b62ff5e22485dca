#pragma once
// The service's database, opened in one place: the certificate database and
// the durable writer that every other store shares (one writer thread, so
// writes are serialised and each commits with its audit record). Whoever
// composes a program opens one Database and hands each service the stores it
// uses, never the Database itself.

#include <memory>
#include <string>

#include "sign/store/authorization_store.h"
#include "sign/store/callback_queue.h"
#include "sign/store/certificate_store.h"
#include "sign/store/client_store.h"
#include "sign/store/csc_response_store.h"
#include "sign/store/device_store.h"
#include "sign/store/pin_key.h"
#include "sign/store/signature_request_store.h"
#include "sign/store/signer_store.h"
#include "sign/store/write_queue.h"

namespace sign::store {

class Database {
public:
    /// Opens the SQLite file at `path`, creating it and bringing its schema up to date. The writer
    /// starts on first use of a store that writes, so a program that only reads certificates
    /// starts no thread.
    /// `pin_key` is handed to the stores that keep PIN verifiers (signers, devices).
    Database(std::string path, PinKeySource pin_key);
    ~Database();
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    const std::string& path() const { return path_; }

    /// The certificate database (the CA's registry).
    CertificateStore& certificates();
    /// The one durable writer the stores below share.
    WriteQueue& write_queue();
    /// API clients of signd.
    ClientStore& clients();
    /// Remote signers and their PIN verifiers.
    SignerStore& signers();
    /// Signature activation data (CSC SADs).
    AuthorizationStore& authorizations();
    /// Signers' phones and their activation codes.
    DeviceStore& devices();
    /// Signature requests approved on a phone.
    SignatureRequestStore& signature_requests();
    /// Callbacks owed to document systems.
    CallbackQueue& callbacks();
    /// Results of asynchronous CSC signHash calls.
    CscResponseStore& csc_responses();

private:
    std::string path_;
    PinKeySource pin_key_;
    std::unique_ptr<CertificateStore> certificates_;
    // Declared before the stores that borrow it, so it is destroyed after them.
    std::unique_ptr<WriteQueue> write_queue_;
    std::unique_ptr<ClientStore> clients_;
    std::unique_ptr<SignerStore> signers_;
    std::unique_ptr<AuthorizationStore> authorizations_;
    std::unique_ptr<DeviceStore> devices_;
    std::unique_ptr<SignatureRequestStore> signature_requests_;
    std::unique_ptr<CallbackQueue> callbacks_;
    std::unique_ptr<CscResponseStore> csc_responses_;
};

}  // namespace sign::store
