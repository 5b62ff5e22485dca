#include "sign/store/schema.h"

namespace sign::store {

const std::vector<std::string>& schema_migrations() {
    // Never edit a migration that has shipped: a database at version N has run the first N of these.
    static const std::vector<std::string> migrations = {
        // 1: the certificate database.
        R"sql(
    CREATE TABLE certificates (
        serial        TEXT PRIMARY KEY,
        issuer_serial TEXT NOT NULL,
        profile       TEXT NOT NULL,
        subject       TEXT NOT NULL,
        key_uri       TEXT NOT NULL DEFAULT '',
        not_before    TEXT NOT NULL,
        not_after     TEXT NOT NULL,
        issued_at     TEXT NOT NULL,
        pem           TEXT NOT NULL,
        revoked_at    TEXT,
        reason        INTEGER
    );
    CREATE INDEX certificates_by_issuer ON certificates(issuer_serial);
    CREATE TABLE crl_numbers (
        issuer_serial TEXT PRIMARY KEY,
        last_number   INTEGER NOT NULL
    );
    CREATE TABLE settings (
        name  TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    )sql",
        // 2: signd's clients, signers, signature activation data and the audit chain.
        R"sql(
    CREATE TABLE clients (
        id                 TEXT PRIMARY KEY,
        name               TEXT NOT NULL,
        api_key_sha256     BLOB NOT NULL,
        seals              TEXT NOT NULL,  -- JSON array of token key labels
        signers            TEXT NOT NULL,  -- JSON array of signer ids
        verify_only        INTEGER NOT NULL,
        certificate_serial TEXT UNIQUE,
        created_at         TEXT NOT NULL,
        revoked_at         TEXT
    );
    CREATE TABLE signers (
        id                 TEXT PRIMARY KEY,
        display_name       TEXT NOT NULL,
        certificate_serial TEXT NOT NULL,
        key_uri            TEXT NOT NULL,
        pin_salt           BLOB NOT NULL,
        pin_hash           BLOB NOT NULL,
        scrypt_log2_n      INTEGER NOT NULL,
        scrypt_r           INTEGER NOT NULL,
        scrypt_p           INTEGER NOT NULL,
        failed_pins        INTEGER NOT NULL DEFAULT 0,
        locked_at          TEXT,
        created_at         TEXT NOT NULL
    );
    CREATE TABLE authorizations (
        sad_sha256    BLOB PRIMARY KEY,
        credential_id TEXT NOT NULL,
        client_id     TEXT NOT NULL,
        hashes        TEXT NOT NULL,     -- bound hashes, lower-case hex, comma-separated
        expires_at_us INTEGER NOT NULL,  -- microseconds since 1970 UTC
        used_at_us    INTEGER
    );
    CREATE TABLE audit_log (
        sequence       INTEGER PRIMARY KEY,
        time_us        INTEGER NOT NULL,  -- microseconds since 1970 UTC
        action         TEXT NOT NULL,
        actor          TEXT NOT NULL,
        client_address TEXT NOT NULL,
        subject        TEXT NOT NULL,
        document_hash  TEXT NOT NULL,
        result         TEXT NOT NULL,
        previous_hash  TEXT NOT NULL,
        hash           TEXT NOT NULL
    );
    )sql",
    };
    return migrations;
}

}  // namespace sign::store
