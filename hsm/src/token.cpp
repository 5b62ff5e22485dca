#include "sign/hsm/token.h"

#include <openssl/objects.h>
#include <openssl/rand.h>

#include <mutex>
#include <span>

#include "connection.h"
#include "raw_session.h"
#include "sign/hsm/errors.h"

namespace sign::hsm {

namespace {

CK_BBOOL yes = CK_TRUE;
CK_BBOOL no = CK_FALSE;

CK_ATTRIBUTE attr(CK_ATTRIBUTE_TYPE type, const void* value, size_t size) {
    return CK_ATTRIBUTE{type, const_cast<void*>(value), static_cast<CK_ULONG>(size)};
}

template <typename T>
CK_ATTRIBUTE attr(CK_ATTRIBUTE_TYPE type, const T& value) {
    return attr(type, &value, sizeof value);
}

// DER of the named curve's OID, the form CKA_EC_PARAMS takes.
std::vector<uint8_t> ec_params_for(const std::string& curve) {
    int nid = OBJ_sn2nid(curve.c_str());
    Asn1ObjectPtr oid(OBJ_nid2obj(nid));
    int length = i2d_ASN1_OBJECT(oid.get(), nullptr);
    std::vector<uint8_t> der(static_cast<size_t>(length));
    unsigned char* out = der.data();
    i2d_ASN1_OBJECT(oid.get(), &out);
    return der;
}

std::string key_type_name(const detail::RawSession& session, CK_OBJECT_HANDLE object) {
    CK_ULONG type = session.ulong_attribute(object, CKA_KEY_TYPE);
    if (type == CKK_GENERIC_SECRET) return "secret-" + std::to_string(session.ulong_attribute(object, CKA_VALUE_LEN) * 8);
    if (type == CKK_RSA) return "rsa-" + std::to_string(session.attribute(object, CKA_MODULUS).size() * 8);
    if (type == CKK_EC) {
        auto params = session.attribute(object, CKA_EC_PARAMS);
        const unsigned char* in = params.data();
        Asn1ObjectPtr oid(d2i_ASN1_OBJECT(nullptr, &in, static_cast<long>(params.size())));
        int nid = oid ? OBJ_obj2nid(oid.get()) : NID_undef;
        if (nid == NID_X9_62_prime256v1) return "ec-p256";
        if (nid == NID_secp384r1) return "ec-p384";
        if (nid == NID_secp521r1) return "ec-p521";
        return "ec";
    }
    return "other";
}

EvpPkeyPtr public_half(EVP_PKEY* key) {
    unsigned char* der = nullptr;
    int length = i2d_PUBKEY(key, &der);
    if (length <= 0) throw TokenError("token_failure", "cannot read the public half of a token key: " + drain_openssl_errors());
    const unsigned char* in = der;
    EvpPkeyPtr copy(d2i_PUBKEY(nullptr, &in, length));
    OPENSSL_free(der);
    return copy;
}

Uri key_uri(const std::string& token, const std::optional<std::string>& label, const std::optional<std::vector<uint8_t>>& id) {
    Uri uri;
    uri.token = token;
    uri.object = label;
    uri.id = id;
    uri.type = ObjectType::private_key;
    return uri;
}

struct UsageAttribute {
    CK_ATTRIBUTE_TYPE type;
    const char* name;
};

// What a signing key must not do besides signing, and a verification key besides verifying.
const UsageAttribute private_key_excess[] = {
    {CKA_DECRYPT, "CKA_DECRYPT"}, {CKA_UNWRAP, "CKA_UNWRAP"}, {CKA_SIGN_RECOVER, "CKA_SIGN_RECOVER"},
    {CKA_DERIVE, "CKA_DERIVE"},
};
const UsageAttribute public_key_excess[] = {
    {CKA_ENCRYPT, "CKA_ENCRYPT"}, {CKA_WRAP, "CKA_WRAP"}, {CKA_VERIFY_RECOVER, "CKA_VERIFY_RECOVER"},
    {CKA_DERIVE, "CKA_DERIVE"},
};
// A MAC key (the PIN verifier key) only makes MACs: one that also decrypted or unwrapped could
// be turned against what it protects.
const UsageAttribute secret_key_excess[] = {
    {CKA_ENCRYPT, "CKA_ENCRYPT"}, {CKA_DECRYPT, "CKA_DECRYPT"}, {CKA_WRAP, "CKA_WRAP"},
    {CKA_UNWRAP, "CKA_UNWRAP"},   {CKA_DERIVE, "CKA_DERIVE"},
};

// True only when the module says the attribute is there and true; a key type without the
// attribute (CKR_ATTRIBUTE_TYPE_INVALID) cannot use it.
bool permits(const detail::RawSession& session, CK_OBJECT_HANDLE object, CK_ATTRIBUTE_TYPE type) {
    CK_BBOOL value = CK_FALSE;
    CK_ATTRIBUTE query{type, &value, sizeof value};
    CK_RV rv = session.functions()->C_GetAttributeValue(session.handle(), object, &query, 1);
    if (rv == CKR_ATTRIBUTE_TYPE_INVALID || rv == CKR_ATTRIBUTE_SENSITIVE) return false;
    if (rv != CKR_OK) throw_for_ckr(rv, "reading a key's usage attributes");
    return query.ulValueLen == sizeof value && value == CK_TRUE;
}

}  // namespace

Token::Token(const std::string& module_path, const std::string& label, Pin pin)
    : connection_(std::make_shared<detail::Connection>(module_path, label, std::move(pin))) {}

const std::string& Token::label() const { return connection_->label(); }

const Module& Token::module() const { return connection_->module(); }

CK_SLOT_ID Token::slot_id() const {
    std::shared_lock lock(connection_->mutex());
    return connection_->slot_id();
}

void Token::reconnect() {
    uint64_t generation;
    {
        std::shared_lock lock(connection_->mutex());
        generation = connection_->generation();
    }
    connection_->reconnect(generation);
}

PrivateKey Token::generate_key_pair(const KeySpec& spec, const std::string& object_label, std::vector<uint8_t> id) {
    if (object_label.empty())
        throw sign::Error(ErrorKind::invalid_input, "invalid_label", "a key needs a non-empty label");
    if (id.empty()) {
        id.resize(16);
        RAND_bytes(id.data(), static_cast<int>(id.size()));
    }

    std::unique_lock lock(connection_->mutex());
    detail::RawSession session(module().functions(), connection_->slot_id());
    if (!session.find({attr(CKA_LABEL, object_label.data(), object_label.size())}).empty())
        throw sign::Error(ErrorKind::conflict, "duplicate_label",
                          "token '" + label() + "' already holds an object labelled '" + object_label + "'");

    std::vector<CK_ATTRIBUTE> public_template = {
        attr(CKA_TOKEN, yes), attr(CKA_PRIVATE, no), attr(CKA_VERIFY, yes), attr(CKA_ENCRYPT, no),
        attr(CKA_WRAP, no), attr(CKA_VERIFY_RECOVER, no), attr(CKA_DERIVE, no),
        attr(CKA_LABEL, object_label.data(), object_label.size()), attr(CKA_ID, id.data(), id.size()),
    };
    std::vector<CK_ATTRIBUTE> private_template = {
        attr(CKA_TOKEN, yes), attr(CKA_PRIVATE, yes), attr(CKA_SENSITIVE, yes), attr(CKA_EXTRACTABLE, no),
        attr(CKA_SIGN, yes), attr(CKA_DECRYPT, no), attr(CKA_UNWRAP, no), attr(CKA_SIGN_RECOVER, no),
        attr(CKA_DERIVE, no),
        attr(CKA_LABEL, object_label.data(), object_label.size()), attr(CKA_ID, id.data(), id.size()),
    };
    CK_MECHANISM mechanism{};
    CK_ULONG modulus_bits = spec.bits;
    const uint8_t exponent[] = {0x01, 0x00, 0x01};
    std::vector<uint8_t> ec_params;
    if (spec.algorithm == KeyAlgorithm::rsa) {
        mechanism.mechanism = CKM_RSA_PKCS_KEY_PAIR_GEN;
        public_template.push_back(attr(CKA_MODULUS_BITS, modulus_bits));
        public_template.push_back(attr(CKA_PUBLIC_EXPONENT, exponent, sizeof exponent));
    } else {
        mechanism.mechanism = CKM_EC_KEY_PAIR_GEN;
        ec_params = ec_params_for(spec.curve);
        public_template.push_back(attr(CKA_EC_PARAMS, ec_params.data(), ec_params.size()));
    }

    CK_OBJECT_HANDLE public_key = CK_INVALID_HANDLE;
    CK_OBJECT_HANDLE private_key = CK_INVALID_HANDLE;
    CK_RV rv = module().functions()->C_GenerateKeyPair(
        session.handle(), &mechanism, public_template.data(), public_template.size(), private_template.data(),
        private_template.size(), &public_key, &private_key);
    if (rv != CKR_OK) throw_for_ckr(rv, "generating a " + spec.name() + " key on token '" + label() + "'");

    Uri uri = key_uri(label(), object_label, id);
    return PrivateKey(connection_, uri, public_half(connection_->load_key(uri)));
}

SecretKey Token::generate_secret_key(const std::string& object_label) {
    if (object_label.empty())
        throw sign::Error(ErrorKind::invalid_input, "invalid_label", "a key needs a non-empty label");
    std::unique_lock lock(connection_->mutex());
    detail::RawSession session(module().functions(), connection_->slot_id());
    if (!session.find({attr(CKA_LABEL, object_label.data(), object_label.size())}).empty())
        throw sign::Error(ErrorKind::conflict, "duplicate_label",
                          "token '" + label() + "' already holds an object labelled '" + object_label + "'");
    CK_OBJECT_CLASS secret_class = CKO_SECRET_KEY;
    CK_KEY_TYPE generic = CKK_GENERIC_SECRET;
    CK_ULONG length = 32;
    std::vector<uint8_t> id(16);
    RAND_bytes(id.data(), static_cast<int>(id.size()));
    std::vector<CK_ATTRIBUTE> key_template = {
        attr(CKA_CLASS, secret_class), attr(CKA_KEY_TYPE, generic), attr(CKA_VALUE_LEN, length),
        attr(CKA_TOKEN, yes), attr(CKA_PRIVATE, yes), attr(CKA_SENSITIVE, yes), attr(CKA_EXTRACTABLE, no),
        attr(CKA_SIGN, yes), attr(CKA_VERIFY, no), attr(CKA_ENCRYPT, no), attr(CKA_DECRYPT, no), attr(CKA_WRAP, no),
        attr(CKA_UNWRAP, no), attr(CKA_DERIVE, no),
        attr(CKA_LABEL, object_label.data(), object_label.size()), attr(CKA_ID, id.data(), id.size()),
    };
    CK_MECHANISM mechanism{CKM_GENERIC_SECRET_KEY_GEN, nullptr, 0};
    CK_OBJECT_HANDLE key = CK_INVALID_HANDLE;
    CK_RV rv = module().functions()->C_GenerateKey(session.handle(), &mechanism, key_template.data(), key_template.size(), &key);
    if (rv != CKR_OK) throw_for_ckr(rv, "generating the secret key '" + object_label + "' on token '" + label() + "'");
    return SecretKey(connection_, object_label);
}

std::optional<SecretKey> Token::secret_key(const std::string& object_label) const {
    std::shared_lock lock(connection_->mutex());
    detail::RawSession session(module().functions(), connection_->slot_id());
    CK_OBJECT_CLASS secret_class = CKO_SECRET_KEY;
    if (session.find({attr(CKA_CLASS, secret_class), attr(CKA_LABEL, object_label.data(), object_label.size())}).empty())
        return std::nullopt;
    return SecretKey(connection_, object_label);
}

PrivateKey Token::private_key(const Uri& requested) const {
    if (requested.token && *requested.token != label())
        throw KeyNotFound("the key " + requested.to_string() + " is not on token '" + label() + "'");
    if (requested.type && *requested.type != ObjectType::private_key)
        throw sign::Error(ErrorKind::invalid_input, "invalid_pkcs11_uri", "the URI must name a private key (type=private)");
    if (!requested.object && !requested.id)
        throw sign::Error(ErrorKind::invalid_input, "invalid_pkcs11_uri", "the URI must name the key by object= or id=");
    Uri uri = key_uri(label(), requested.object, requested.id);
    std::unique_lock lock(connection_->mutex());
    return PrivateKey(connection_, uri, public_half(connection_->load_key(uri)));
}

void Token::store_certificate(X509* certificate, const std::string& object_label, const std::vector<uint8_t>& id) {
    auto der_of = [](auto* object, auto encoder) {
        unsigned char* buffer = nullptr;
        int length = encoder(object, &buffer);
        std::vector<uint8_t> der(buffer, buffer + (length > 0 ? length : 0));
        OPENSSL_free(buffer);
        return der;
    };
    auto value = der_of(certificate, i2d_X509);
    auto subject = der_of(X509_get_subject_name(certificate), i2d_X509_NAME);
    auto issuer = der_of(X509_get_issuer_name(certificate), i2d_X509_NAME);
    auto serial = der_of(X509_get_serialNumber(certificate), i2d_ASN1_INTEGER);

    std::unique_lock lock(connection_->mutex());
    detail::RawSession session(module().functions(), connection_->slot_id());
    CK_OBJECT_CLASS certificate_class = CKO_CERTIFICATE;
    if (!session.find({attr(CKA_CLASS, certificate_class), attr(CKA_LABEL, object_label.data(), object_label.size())}).empty())
        throw sign::Error(ErrorKind::conflict, "duplicate_label",
                          "token '" + label() + "' already holds a certificate labelled '" + object_label + "'");
    CK_CERTIFICATE_TYPE x509_type = CKC_X_509;
    std::vector<CK_ATTRIBUTE> object = {
        attr(CKA_CLASS, certificate_class), attr(CKA_CERTIFICATE_TYPE, x509_type), attr(CKA_TOKEN, yes),
        attr(CKA_PRIVATE, no), attr(CKA_LABEL, object_label.data(), object_label.size()),
        attr(CKA_ID, id.data(), id.size()), attr(CKA_SUBJECT, subject.data(), subject.size()),
        attr(CKA_ISSUER, issuer.data(), issuer.size()), attr(CKA_SERIAL_NUMBER, serial.data(), serial.size()),
        attr(CKA_VALUE, value.data(), value.size()),
    };
    CK_OBJECT_HANDLE handle = CK_INVALID_HANDLE;
    CK_RV rv = module().functions()->C_CreateObject(session.handle(), object.data(), object.size(), &handle);
    if (rv != CKR_OK) throw_for_ckr(rv, "storing certificate '" + object_label + "' on token '" + label() + "'");
}

X509Ptr Token::certificate(const Uri& uri) const {
    std::shared_lock lock(connection_->mutex());
    detail::RawSession session(module().functions(), connection_->slot_id());
    CK_OBJECT_CLASS certificate_class = CKO_CERTIFICATE;
    std::vector<CK_ATTRIBUTE> search = {attr(CKA_CLASS, certificate_class)};
    if (uri.object) search.push_back(attr(CKA_LABEL, uri.object->data(), uri.object->size()));
    if (uri.id) search.push_back(attr(CKA_ID, uri.id->data(), uri.id->size()));
    auto found = session.find(search);
    if (found.empty()) throw KeyNotFound("no certificate matches " + uri.to_string() + " on token '" + label() + "'");
    auto der = session.attribute(found.front(), CKA_VALUE);
    const unsigned char* in = der.data();
    X509Ptr certificate(d2i_X509(nullptr, &in, static_cast<long>(der.size())));
    if (!certificate) throw TokenError("token_failure", "the certificate object " + uri.to_string() + " holds no valid X.509 data");
    return certificate;
}

size_t Token::destroy_objects(const std::string& object_label) {
    size_t destroyed = 0;
    {
        std::unique_lock lock(connection_->mutex());
        detail::RawSession session(module().functions(), connection_->slot_id());
        for (CK_OBJECT_HANDLE handle : session.find({attr(CKA_LABEL, object_label.data(), object_label.size())})) {
            CK_RV rv = module().functions()->C_DestroyObject(session.handle(), handle);
            if (rv != CKR_OK) throw_for_ckr(rv, "removing '" + object_label + "' from token '" + label() + "'");
            ++destroyed;
        }
    }
    // libp11 keeps its own list of the token's keys; a fresh connection drops the destroyed ones.
    if (destroyed > 0) reconnect();
    return destroyed;
}

std::vector<ObjectInfo> Token::objects() const {
    std::shared_lock lock(connection_->mutex());
    detail::RawSession session(module().functions(), connection_->slot_id());
    std::vector<ObjectInfo> result;
    const std::pair<CK_OBJECT_CLASS, ObjectType> classes[] = {
        {CKO_PRIVATE_KEY, ObjectType::private_key},
        {CKO_PUBLIC_KEY, ObjectType::public_key},
        {CKO_CERTIFICATE, ObjectType::certificate},
        {CKO_SECRET_KEY, ObjectType::secret_key},
    };
    for (auto [object_class, type] : classes) {
        for (CK_OBJECT_HANDLE handle : session.find({attr(CKA_CLASS, object_class)})) {
            ObjectInfo info;
            info.type = type;
            auto label_bytes = session.attribute(handle, CKA_LABEL);
            info.label.assign(label_bytes.begin(), label_bytes.end());
            info.id = session.attribute(handle, CKA_ID);
            if (type != ObjectType::certificate) info.key_type = key_type_name(session, handle);
            Uri uri;
            uri.token = label();
            uri.object = info.label;
            uri.id = info.id;
            uri.type = type;
            info.uri = uri.to_string();
            result.push_back(std::move(info));
        }
    }
    return result;
}

}  // namespace sign::hsm

namespace sign::hsm {

std::vector<KeyUsageFinding> Token::check_key_usage(bool fix) {
    std::unique_lock lock(connection_->mutex());
    detail::RawSession session(module().functions(), connection_->slot_id());
    std::vector<KeyUsageFinding> findings;
    struct Role {
        CK_OBJECT_CLASS object_class;
        ObjectType type;
        std::span<const UsageAttribute> excess;
    };
    const Role roles[] = {{CKO_PRIVATE_KEY, ObjectType::private_key, private_key_excess},
                          {CKO_PUBLIC_KEY, ObjectType::public_key, public_key_excess},
                          {CKO_SECRET_KEY, ObjectType::secret_key, secret_key_excess}};
    for (const Role& role : roles) {
        for (CK_OBJECT_HANDLE handle : session.find({attr(CKA_CLASS, role.object_class)})) {
            KeyUsageFinding finding;
            for (const UsageAttribute& usage : role.excess) {
                if (!permits(session, handle, usage.type)) continue;
                finding.excess.push_back(usage.name);
                if (!fix) continue;
                CK_ATTRIBUTE change = attr(usage.type, no);
                CK_RV rv = module().functions()->C_SetAttributeValue(session.handle(), handle, &change, 1);
                // Believe the token only after reading the value back.
                if (rv == CKR_OK && !permits(session, handle, usage.type))
                    finding.corrected.push_back(usage.name);
                else
                    finding.refused.push_back(std::string(usage.name) + ": " + (rv == CKR_OK ? "unchanged" : ckr_name(rv)));
            }
            if (finding.excess.empty()) continue;
            finding.key.type = role.type;
            auto label_bytes = session.attribute(handle, CKA_LABEL);
            finding.key.label.assign(label_bytes.begin(), label_bytes.end());
            finding.key.id = session.attribute(handle, CKA_ID);
            finding.key.key_type = key_type_name(session, handle);
            Uri uri;
            uri.token = label();
            uri.object = finding.key.label;
            // Keys made by other tools may have no CKA_ID; the URI then names them by label only.
            if (!finding.key.id.empty()) uri.id = finding.key.id;
            uri.type = role.type;
            finding.key.uri = uri.to_string();
            findings.push_back(std::move(finding));
        }
    }
    return findings;
}

}  // namespace sign::hsm
