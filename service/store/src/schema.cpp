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
        // 3: mobile signing: activation codes, devices, signature requests and their documents, and
        // the callbacks owed to document systems and where each client may have them sent; the
        // results of asynchronous CSC signHash calls. Times compared in queries are microseconds.
        R"sql(
    ALTER TABLE clients ADD COLUMN callback_urls TEXT NOT NULL DEFAULT '[]';  -- JSON array
    CREATE TABLE activation_codes (
        code_sha256   BLOB PRIMARY KEY,  -- of the normalised code
        signer_id     TEXT NOT NULL REFERENCES signers(id),
        created_at_us INTEGER NOT NULL,
        expires_at_us INTEGER NOT NULL,
        used_at_us    INTEGER,
        device_id     TEXT               -- the device enrolled with it
    );
    CREATE TABLE devices (
        id              TEXT PRIMARY KEY,
        signer_id       TEXT NOT NULL REFERENCES signers(id),
        name            TEXT NOT NULL,
        public_key_spki BLOB NOT NULL,
        pin_salt        BLOB NOT NULL,
        pin_hash        BLOB NOT NULL,
        scrypt_log2_n   INTEGER NOT NULL,
        scrypt_r        INTEGER NOT NULL,
        scrypt_p        INTEGER NOT NULL,
        created_at_us   INTEGER NOT NULL,
        revoked_at_us   INTEGER
    );
    CREATE INDEX devices_by_signer ON devices(signer_id, created_at_us);
    CREATE TABLE signature_requests (
        id              TEXT PRIMARY KEY,
        client_id       TEXT NOT NULL,
        signer_id       TEXT NOT NULL REFERENCES signers(id),
        display_text    TEXT NOT NULL,
        callback_url    TEXT,
        state           TEXT NOT NULL,  -- pending, activated, approved, rejected, expired, failed, cancelled
        nonce           BLOB NOT NULL,
        created_at_us   INTEGER NOT NULL,
        expires_at_us   INTEGER NOT NULL,
        completed_at_us INTEGER,
        device_id       TEXT,
        approval_sha256 BLOB UNIQUE,    -- a replayed approval cannot be recorded twice
        error_code      TEXT,
        error_detail    TEXT,
        purpose         TEXT NOT NULL DEFAULT 'documents',  -- documents, csc_authorization
        sad_issued_at_us INTEGER,       -- csc_authorization: when its one SAD was handed out
        files_removed_at_us INTEGER     -- when its folder under signature-requests/ was deleted
    );
    CREATE INDEX signature_requests_by_signer ON signature_requests(signer_id, state, created_at_us);
    CREATE INDEX signature_requests_by_expiry ON signature_requests(state, expires_at_us);
    -- The sweeper looks for files to remove every second; rows whose files are gone drop out.
    CREATE INDEX signature_requests_with_files ON signature_requests(completed_at_us) WHERE files_removed_at_us IS NULL;
    CREATE TABLE request_documents (
        request_id       TEXT NOT NULL REFERENCES signature_requests(id),
        idx              INTEGER NOT NULL,
        title            TEXT NOT NULL,
        type             TEXT NOT NULL,
        sha256           BLOB NOT NULL,
        digest_algorithm TEXT NOT NULL,
        digest           BLOB NOT NULL,
        preparation      BLOB NOT NULL,
        PRIMARY KEY (request_id, idx)
    );
    CREATE TABLE callbacks (
        id                 INTEGER PRIMARY KEY,
        event_id           TEXT NOT NULL UNIQUE,
        request_id         TEXT NOT NULL,
        url                TEXT NOT NULL,
        body               TEXT NOT NULL,
        attempts           INTEGER NOT NULL DEFAULT 0,
        created_at_us      INTEGER NOT NULL,
        next_attempt_at_us INTEGER NOT NULL,
        last_error         TEXT,
        delivered_at_us    INTEGER,
        given_up_at_us     INTEGER
    );
    CREATE INDEX callbacks_due ON callbacks(next_attempt_at_us) WHERE delivered_at_us IS NULL AND given_up_at_us IS NULL;
    CREATE INDEX callbacks_by_request ON callbacks(request_id);
    CREATE TABLE csc_async_responses (
        response_id   TEXT PRIMARY KEY,
        client_id     TEXT NOT NULL,
        credential_id TEXT NOT NULL,
        state         TEXT NOT NULL,  -- running, done, failed
        signatures    TEXT,           -- done: JSON array of base64 signatures
        error_status  INTEGER,        -- failed: the CSC error as signHash would have answered it
        error         TEXT,
        error_code    TEXT,
        error_description TEXT,
        created_at_us INTEGER NOT NULL,
        expires_at_us INTEGER NOT NULL
    );
    CREATE INDEX csc_async_responses_by_expiry ON csc_async_responses(expires_at_us);
    )sql",
        // 4: the signature scheme each signer signs documents with; '' is its key's default.
        R"sql(
    ALTER TABLE signers ADD COLUMN scheme TEXT NOT NULL DEFAULT '';  -- rsa-pkcs1, rsa-pss, ecdsa or ''
    )sql",
        // 5: how many occurrences one audit record stands for (a minute's refusals from one source,
        // a minute's time-stamps), and the signed, time-stamped checkpoints of the chain's head.
        R"sql(
    ALTER TABLE audit_log ADD COLUMN occurrences INTEGER NOT NULL DEFAULT 1;
    CREATE TABLE audit_checkpoints (
        id              INTEGER PRIMARY KEY,
        sequence        INTEGER NOT NULL,  -- the last record it covers (0: the log was empty)
        head_hash       TEXT NOT NULL,     -- that record's hash, hex
        created_at_us   INTEGER NOT NULL,
        statement       TEXT NOT NULL,     -- what the audit key signed
        signature       BLOB NOT NULL,
        public_key_spki BLOB NOT NULL,     -- the audit key's public half when it signed
        timestamp_token BLOB NOT NULL      -- RFC 3161 token over SHA-256 of the signature
    );
    CREATE INDEX audit_checkpoints_by_sequence ON audit_checkpoints(sequence);
    )sql",
        // 6: how each PIN verifier was made: 'scrypt' (every row before), or 'hmac-sha256' under the
        // token's PIN verifier key; a scrypt row is replaced on its next right PIN.
        R"sql(
    ALTER TABLE signers ADD COLUMN pin_scheme TEXT NOT NULL DEFAULT 'scrypt';
    ALTER TABLE devices ADD COLUMN pin_scheme TEXT NOT NULL DEFAULT 'scrypt';
    )sql",
    };
    return migrations;
}

}  // namespace sign::store

namespace sign::store {

const std::vector<std::string>& schema_tables() {
    static const std::vector<std::string> tables = {
        "certificates",     "crl_numbers", "settings",           "clients",           "signers",
        "authorizations",   "audit_log",   "activation_codes",   "devices",           "signature_requests",
        "request_documents", "callbacks",  "csc_async_responses", "audit_checkpoints",
    };
    return tables;
}

}  // namespace sign::store
