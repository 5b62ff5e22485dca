/*
 * signmobile: the phone side of mobile signing (docs/mobile-signing.md).
 *
 * A phone enrols once with an activation code, its P-256 device key and a PIN,
 * then reads its signer's signature requests and approves or rejects them. The
 * SDK rebuilds every approval challenge from the request's fields and refuses a
 * request whose server-sent challenge differs, so the phone signs only what it
 * showed.
 *
 * Conventions: every function returns an sm_status; on failure
 * sm_last_error() describes it (per thread). Handles are opaque. Every buffer
 * or string the SDK returns is the caller's, released with sm_free(). A client
 * may be used by one thread at a time; different clients and keys are
 * independent.
 */
#ifndef SIGNMOBILE_H
#define SIGNMOBILE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum sm_status {
    SM_OK = 0,
    SM_ERR_INVALID_ARGUMENT = 1,   /* a NULL, malformed or out-of-range argument */
    SM_ERR_NO_MEMORY = 2,
    SM_ERR_IO = 3,                 /* a file could not be read or written */
    SM_ERR_CRYPTO = 4,             /* not a P-256 key, or OpenSSL failed */
    SM_ERR_SIGNER = 5,             /* the pluggable signer's callback failed */
    SM_ERR_NETWORK = 6,            /* no connection, TLS verification failed, or a timeout */
    SM_ERR_PROTOCOL = 7,           /* the server's answer is not what the contract says */
    SM_ERR_CHALLENGE_MISMATCH = 8, /* the server's approvalChallenge is not the one rebuilt from the fields */
    SM_ERR_REFUSED = 9,            /* the server refused the input (400, 403); see sm_last_problem_code() */
    SM_ERR_UNAUTHORIZED = 10,      /* 401 device_auth_invalid or device_revoked */
    SM_ERR_WRONG_PIN = 11,         /* 401 wrong_pin */
    SM_ERR_LOCKED = 12,            /* 423 signer_locked: too many wrong PINs */
    SM_ERR_NOT_FOUND = 13,         /* 404: unknown request, no preview */
    SM_ERR_CONFLICT = 14,          /* 409: the request is no longer pending, or expired */
    SM_ERR_SERVER = 15             /* any other answer, 5xx included */
} sm_status;

/* The last failure's description on this thread; "" after a success. Valid until the next call. */
const char* sm_last_error(void);
/* The problem code the server answered with ("wrong_pin", ...) for the last failure on this thread, or "". */
const char* sm_last_problem_code(void);
/* The HTTP status of the last failure on this thread, or 0 when it was not an HTTP answer. */
int sm_last_http_status(void);
/* A stable name for a status ("SM_ERR_WRONG_PIN"), for logs. */
const char* sm_status_name(sm_status status);

/* Releases any buffer or string the SDK returned; NULL is fine. */
void sm_free(void* buffer);

/* ---- Device keys ------------------------------------------------------- */

/*
 * A device key that signs: a context and a callback producing the raw 64-byte
 * ECDSA P-256 signature (r||s, 32 bytes each, big-endian) with SHA-256 over
 * `message`. Android Keystore ("SHA256withECDSA") and the Secure Enclave
 * (ecdsaSignatureMessageX962SHA256) sign messages this way but return DER:
 * pass theirs through sm_ecdsa_der_to_raw(). The callback returns SM_OK or
 * SM_ERR_SIGNER; it may be called from whichever thread uses the client.
 */
typedef sm_status (*sm_sign_callback)(void* context, const uint8_t* message, size_t message_len,
                                      uint8_t signature[64]);
typedef struct sm_signer {
    void* context;
    sm_sign_callback sign;
} sm_signer;

/* A P-256 private key held by OpenSSL in memory: for tests and platforms without secure storage. */
typedef struct sm_key sm_key;

/* Generates a new P-256 key pair. */
sm_status sm_key_generate(sm_key** key);
/* Loads a PKCS#8 PEM private key; refuses anything but P-256 (SM_ERR_CRYPTO). */
sm_status sm_key_load_pem(const char* path, sm_key** key);
/* Writes the key as unencrypted PKCS#8 PEM, mode 0600, atomically: a temporary file in the same
   folder, synced, then renamed over `path`. A failure leaves an earlier file as it was. */
sm_status sm_key_save_pem(const sm_key* key, const char* path);
/* The public key as DER SubjectPublicKeyInfo, what enrolment sends. */
sm_status sm_key_public_der(const sm_key* key, uint8_t** der, size_t* der_len);
/* Signs `message` with ECDSA / SHA-256; the raw r||s signature. */
sm_status sm_key_sign(const sm_key* key, const uint8_t* message, size_t message_len, uint8_t signature[64]);
/* A signer borrowing `key`; the key must outlive every client using it. */
sm_signer sm_key_signer(sm_key* key);
void sm_key_free(sm_key* key);

/* DER ECDSA-Sig-Value (what most libraries return) -> raw r||s for P-256. */
sm_status sm_ecdsa_der_to_raw(const uint8_t* der, size_t der_len, uint8_t raw[64]);
/* Raw r||s -> DER ECDSA-Sig-Value (what `openssl dgst -verify` reads). */
sm_status sm_ecdsa_raw_to_der(const uint8_t raw[64], uint8_t** der, size_t* der_len);

/* ---- Canonical texts ----------------------------------------------------- */

/*
 * The approval challenge for `decision` ("approve" or "reject") rebuilt from a
 * request as GET /api/v1/device/signature-requests/{id} returns it (JSON text):
 * id, signer, expiresAt, nonce and each document's index, digestAlgorithm,
 * digest and sha256. Malformed fields (a line break in an id, upper-case or
 * odd-length hex, indexes that are not 0..n-1, a time not YYYY-MM-DDTHH:MM:SSZ)
 * are SM_ERR_INVALID_ARGUMENT. `text` is NUL-terminated UTF-8.
 */
sm_status sm_approval_challenge(const char* request_json, const char* decision, char** text);
/* The text a device signs for its Authorization header (contract "Device authentication"). */
sm_status sm_device_auth_text(const char* device_id, int64_t unix_ms, const char* method,
                              const char* path_and_query, char** text);
/* base64url without padding. */
sm_status sm_base64url_encode(const uint8_t* data, size_t data_len, char** text);
/* base64url, padding optional; any other character is SM_ERR_INVALID_ARGUMENT. */
sm_status sm_base64url_decode(const char* text, uint8_t** data, size_t* data_len);

/* ---- Client ---------------------------------------------------------------- */

typedef struct sm_client sm_client;

/* A client of the signd at `base_url` (https only, e.g. "https://sign.city.example"), verifying its
   TLS certificate and host name against the PEM certificates in `ca_file` alone. */
sm_status sm_client_new(const char* base_url, const char* ca_file, sm_client** client);
void sm_client_free(sm_client* client);
/* The device the client speaks for after enrolment: its id and key. */
sm_status sm_client_set_device(sm_client* client, const char* device_id, sm_signer signer);

/*
 * Enrols this phone: POST /api/v1/devices with the activation code, either as
 * typed or as the QR code's text "signd-activation:<code>" (the prefix, in any
 * case, and surrounding blanks are dropped; an empty code is SM_ERR_INVALID_ARGUMENT),
 * the device's public key (DER SPKI), the PIN it chose and a name for the
 * device. `device_id` receives the new id; `response_json`, when not NULL, the
 * whole answer (with the signer's id and name). The client then speaks for
 * that device if a signer was set with sm_client_set_device() before.
 */
sm_status sm_enrol(sm_client* client, const char* activation_code, const char* pin, const char* name,
                   const uint8_t* public_key_der, size_t public_key_len, char** device_id, char** response_json);

/* The signer's pending requests, newest first: {"requests": [...]}. With wait_seconds (1 to 25) an
   empty answer waits up to that long for one to arrive; 0 does not wait. */
sm_status sm_requests_list(sm_client* client, int wait_seconds, char** json);
/* One request with clientName, nonce and approvalChallenge. The challenge is rebuilt from the
   fields and compared: SM_ERR_CHALLENGE_MISMATCH when the server's differs. */
sm_status sm_request_get(sm_client* client, const char* request_id, char** json);
/* The PNG preview of a PDF document's first page. */
sm_status sm_request_preview(sm_client* client, const char* request_id, int document_index, uint8_t** png,
                             size_t* png_len);
/*
 * Approves the request the user was shown: `request_json` is what
 * sm_request_get() returned, so the signature covers exactly the documents
 * displayed (a server cannot swap them between showing and approving). Signs
 * the approve challenge and sends it with the PIN. `result_json` (optional)
 * receives the request in its final state: "approved", or "failed" when the
 * signing itself failed.
 */
sm_status sm_request_approve(sm_client* client, const char* request_json, const char* pin, char** result_json);
/* Rejects the request shown (as for approve); no PIN. `result_json` (optional): the rejected request. */
sm_status sm_request_reject(sm_client* client, const char* request_json, char** result_json);

#ifdef __cplusplus
}
#endif

#endif /* SIGNMOBILE_H */
