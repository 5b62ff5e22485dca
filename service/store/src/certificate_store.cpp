#include "sign/store/certificate_store.h"

#include "sign/error.h"
#include "sign/serial_number.h"
#include "sign/store/schema.h"
#include "sign/utc_time.h"

namespace sign::store {

namespace {

const char* const columns =
    "serial, issuer_serial, profile, subject, key_uri, not_before, not_after, issued_at, pem, revoked_at, reason";

CertificateRecord read_record(const Statement& row) {
    CertificateRecord record;
    record.serial_hex = row.text(0);
    record.issuer_serial_hex = row.text(1);
    record.profile = row.text(2);
    record.subject = row.text(3);
    record.key_uri = row.text(4);
    record.not_before = parse_utc(row.text(5));
    record.not_after = parse_utc(row.text(6));
    record.issued_at = parse_utc(row.text(7));
    record.pem = row.text(8);
    if (!row.is_null(9)) record.revoked_at = parse_utc(row.text(9));
    if (!row.is_null(10)) record.reason = static_cast<RevocationReason>(row.integer(10));
    return record;
}

}  // namespace

CertificateStore::CertificateStore(const std::string& path) : database_(open_connection(path)) {
    database_->migrate(schema_migrations());
}

void CertificateStore::add(const CertificateRecord& record) {
    std::string serial = normalize_serial_hex(record.serial_hex);
    if (serial_exists(serial))
        throw Error(ErrorKind::conflict, "duplicate_serial", "a certificate with serial " + serial + " is already recorded");
    database_->prepare(std::string("INSERT INTO certificates (") + columns + ") VALUES (?,?,?,?,?,?,?,?,?,?,?)")
        .bind(1, serial)
        .bind(2, normalize_serial_hex(record.issuer_serial_hex))
        .bind(3, record.profile)
        .bind(4, record.subject)
        .bind(5, record.key_uri)
        .bind(6, format_utc(record.not_before))
        .bind(7, format_utc(record.not_after))
        .bind(8, format_utc(record.issued_at))
        .bind(9, record.pem)
        .bind(10, record.revoked_at ? std::optional(format_utc(*record.revoked_at)) : std::nullopt)
        .bind(11, record.reason ? std::optional<int64_t>(static_cast<int64_t>(*record.reason)) : std::nullopt)
        .run();
}

std::optional<CertificateRecord> CertificateStore::find(const std::string& serial_hex) const {
    auto query = database_->prepare(std::string("SELECT ") + columns + " FROM certificates WHERE serial = ?");
    query.bind(1, normalize_serial_hex(serial_hex));
    if (!query.step()) return std::nullopt;
    return read_record(query);
}

std::vector<CertificateRecord> CertificateStore::list(const std::optional<std::string>& profile,
                                                      const std::optional<bool>& revoked) const {
    std::string sql = std::string("SELECT ") + columns + " FROM certificates WHERE (CAST(?1 AS TEXT) IS NULL OR profile = ?1)";
    if (revoked) sql += *revoked ? " AND revoked_at IS NOT NULL" : " AND revoked_at IS NULL";
    sql += " ORDER BY issued_at, serial";
    auto query = database_->prepare(sql);
    query.bind(1, profile);
    std::vector<CertificateRecord> records;
    while (query.step()) records.push_back(read_record(query));
    return records;
}

CertificateRecord CertificateStore::revoke(const std::string& serial_hex, std::chrono::system_clock::time_point when,
                                           RevocationReason reason) {
    std::string serial = normalize_serial_hex(serial_hex);
    database_->transaction([&] {
        auto existing = find(serial);
        if (!existing) throw Error(ErrorKind::not_found, "unknown_certificate", "no certificate with serial " + serial);
        if (existing->revoked())
            throw Error(ErrorKind::conflict, "already_revoked",
                        "certificate " + serial + " was already revoked at " + format_utc(*existing->revoked_at));
        database_->prepare("UPDATE certificates SET revoked_at = ?, reason = ? WHERE serial = ?")
            .bind(1, format_utc(when))
            .bind(2, static_cast<int64_t>(reason))
            .bind(3, serial)
            .run();
    });
    return *find(serial);
}

std::vector<RevokedCertificate> CertificateStore::revoked_issued_by(const std::string& issuer_serial_hex) const {
    auto query = database_->prepare(
        "SELECT serial, revoked_at, reason FROM certificates "
        "WHERE issuer_serial = ? AND serial <> issuer_serial AND revoked_at IS NOT NULL ORDER BY serial");
    query.bind(1, normalize_serial_hex(issuer_serial_hex));
    std::vector<RevokedCertificate> entries;
    while (query.step())
        entries.push_back({query.text(0), parse_utc(query.text(1)), static_cast<RevocationReason>(query.integer(2))});
    return entries;
}

uint64_t CertificateStore::next_crl_number(const std::string& issuer_serial_hex) {
    uint64_t number = 0;
    database_->transaction([&] {
        database_
            ->prepare("INSERT INTO crl_numbers (issuer_serial, last_number) VALUES (?1, 1) "
                     "ON CONFLICT(issuer_serial) DO UPDATE SET last_number = crl_numbers.last_number + 1")
            .bind(1, normalize_serial_hex(issuer_serial_hex))
            .run();
        auto query = database_->prepare("SELECT last_number FROM crl_numbers WHERE issuer_serial = ?");
        query.bind(1, normalize_serial_hex(issuer_serial_hex));
        query.step();
        number = static_cast<uint64_t>(query.integer(0));
    });
    return number;
}

std::optional<std::string> CertificateStore::setting(const std::string& name) const {
    auto query = database_->prepare("SELECT value FROM settings WHERE name = ?");
    query.bind(1, name);
    if (!query.step()) return std::nullopt;
    return query.text(0);
}

void CertificateStore::set_setting(const std::string& name, const std::string& value) {
    database_->prepare("INSERT INTO settings (name, value) VALUES (?1, ?2) ON CONFLICT(name) DO UPDATE SET value = ?2")
        .bind(1, name)
        .bind(2, value)
        .run();
}

bool CertificateStore::serial_exists(const std::string& serial_hex) const {
    auto query = database_->prepare("SELECT 1 FROM certificates WHERE serial = ?");
    query.bind(1, normalize_serial_hex(serial_hex));
    return query.step();
}

CertificateStatus CertificateStore::status(const std::string& serial_hex) const {
    auto record = find(serial_hex);
    if (!record) return {};
    if (!record->revoked()) return {CertificateStatus::State::good, std::nullopt, std::nullopt};
    return {CertificateStatus::State::revoked, record->revoked_at, record->reason};
}

}  // namespace sign::store
