#include "sign/data_folder/local_timestamps.h"

#include <chrono>
#include <string>
#include <vector>

#include "sign/error.h"

namespace sign::data_folder {

namespace {

constexpr const char* tsa_key_uri = "pkcs11:object=tsa;type=private";

Certificate local_tsa_certificate(const store::CertificateStore& certificates, std::chrono::system_clock::time_point now) {
    std::optional<Certificate> found;
    for (const auto& record : certificates.list(std::string("tsa"), false))
        if (record.key_uri.find("object=tsa;") != std::string::npos && record.not_before <= now && now <= record.not_after)
            found = Certificate::from_pem(record.pem);
    if (!found)
        throw Error(ErrorKind::not_found, "no_local_tsa",
                    "this data folder has no valid TSA certificate with the token key 'tsa': issue one with "
                    "`signctl cert issue --profile tsa --label tsa ...`");
    return std::move(*found);
}

std::vector<Certificate> just(Certificate certificate) {
    std::vector<Certificate> one;
    one.push_back(std::move(certificate));
    return one;
}

}  // namespace

LocalTimestamps::LocalTimestamps(hsm::Token& token, const store::CertificateStore& certificates, const ca::CaService& ca,
                                 const Clock& clock)
    : key_(token.private_key(tsa_key_uri)) {
    Certificate issuing = Certificate::from_pem(ca.issuing_ca().pem);
    authority_.emplace(local_tsa_certificate(certificates, clock.now()), key_, just(issuing.copy()), clock);
    client_.emplace(TimestampClient::local(*authority_, Certificate::from_pem(ca.root().pem), just(std::move(issuing)), clock));
}

}  // namespace sign::data_folder
