#include "sign/store/client_store.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "row_values.h"
#include "secret_token.h"
#include "sign/error.h"
#include "sign/serial_number.h"
#include "sign/url.h"
#include "sign/utc_time.h"

namespace sign::store {

namespace {

const char* const columns =
    "id, name, seals, signers, verify_only, certificate_serial, created_at, revoked_at, callback_urls";

bool grants(const std::vector<std::string>& list, const std::string& wanted) {
    return std::any_of(list.begin(), list.end(), [&](const std::string& item) { return item == "*" || item == wanted; });
}

ClientRecord read_client(const Statement& row) {
    ClientRecord record;
    record.id = row.text(0);
    record.name = row.text(1);
    record.scopes.seals = nlohmann::json::parse(row.text(2)).get<std::vector<std::string>>();
    record.scopes.signers = nlohmann::json::parse(row.text(3)).get<std::vector<std::string>>();
    record.scopes.verify_only = row.integer(4) != 0;
    if (!row.is_null(5)) record.certificate_serial = row.text(5);
    record.created_at = parse_utc(row.text(6));
    if (!row.is_null(7)) record.revoked_at = parse_utc(row.text(7));
    record.scopes.callback_urls = nlohmann::json::parse(row.text(8)).get<std::vector<std::string>>();
    return record;
}

std::optional<ClientRecord> find_on(const Connection& database, const std::string& id) {
    auto query = database.prepare(std::string("SELECT ") + columns + " FROM clients WHERE id = ?");
    query.bind(1, id);
    if (!query.step()) return std::nullopt;
    return read_client(query);
}

}  // namespace

bool ClientScopes::may_seal(const std::string& seal) const { return !verify_only && grants(seals, seal); }

bool ClientScopes::may_ask(const std::string& signer) const { return !verify_only && grants(signers, signer); }

bool ClientScopes::may_call_back(const std::string& url) const {
    // Compared in RFC 3986 normal form only: a text prefix would let "/cb/../admin" pass as below "/cb/".
    auto parsed = HttpUrl::try_parse(url);
    return parsed && parsed->is_allowed_by_any(callback_urls);
}

bool valid_callback_url(const std::string& url) {
    std::string scheme = url.substr(0, 8);
    std::transform(scheme.begin(), scheme.end(), scheme.begin(), [](unsigned char c) { return std::tolower(c); });
    std::size_t start = scheme.starts_with("https://") ? 8 : scheme.starts_with("http://") ? 7 : 0;
    if (start == 0 || url.size() > 2048) return false;
    for (unsigned char c : url)
        if (c <= 0x20 || c >= 0x7f) return false;
    std::size_t end = url.find_first_of("/?#", start);
    std::string authority = url.substr(start, end == std::string::npos ? std::string::npos : end - start);
    return !authority.empty() && authority.find('@') == std::string::npos && authority.front() != ':';
}

NewClient ClientStore::add(const std::string& id, const std::string& name, const ClientScopes& scopes,
                           const std::optional<std::string>& certificate_serial,
                           std::chrono::system_clock::time_point now) {
    if (!valid_id(id))
        throw Error(ErrorKind::invalid_input, "invalid_client_id",
                    "a client id is 1 to 64 of a-z, 0-9 and '-', not '" + id + "'");
    if (name.empty()) throw Error(ErrorKind::invalid_input, "invalid_client_name", "a client needs a name");
    for (const auto& url : scopes.callback_urls)
        if (!valid_callback_url(url))
            throw Error(ErrorKind::invalid_input, "invalid_callback_url",
                        "a callback URL is an absolute http or https URL without user information, not '" + url + "'");
    NewClient added;
    added.record.id = id;
    added.record.name = name;
    added.record.scopes = scopes;
    if (certificate_serial) added.record.certificate_serial = normalize_serial_hex(*certificate_serial);
    added.record.created_at = std::chrono::time_point_cast<std::chrono::seconds>(now);
    added.api_key = id + "." + new_secret_token();
    queue_.run([&](const Connection& database) {
        if (find_on(database, id))
            throw Error(ErrorKind::conflict, "client_exists", "a client with id '" + id + "' exists already");
        if (added.record.certificate_serial) {
            auto holder = database.prepare("SELECT id FROM clients WHERE certificate_serial = ?");
            holder.bind(1, *added.record.certificate_serial);
            if (holder.step())
                throw Error(ErrorKind::conflict, "certificate_in_use",
                            "certificate " + *added.record.certificate_serial + " already authenticates client '" +
                                holder.text(0) + "'");
        }
        database.prepare(std::string("INSERT INTO clients (") + columns + ", api_key_sha256) VALUES (?,?,?,?,?,?,?,?,?,?)")
            .bind(1, id)
            .bind(2, name)
            .bind(3, nlohmann::json(scopes.seals).dump())
            .bind(4, nlohmann::json(scopes.signers).dump())
            .bind(5, int64_t{scopes.verify_only ? 1 : 0})
            .bind(6, added.record.certificate_serial)
            .bind(7, format_utc(added.record.created_at))
            .bind_null(8)
            .bind(9, nlohmann::json(scopes.callback_urls).dump())
            .bind(10, sha256_of(added.api_key))
            .run();
    });
    return added;
}

std::optional<ClientRecord> ClientStore::authenticate(const std::string& api_key) const {
    auto dot = api_key.find('.');
    if (dot == std::string::npos) return std::nullopt;
    const Connection& database = queue_.reader();
    auto query = database.prepare(std::string("SELECT ") + columns + ", api_key_sha256 FROM clients WHERE id = ?");
    query.bind(1, api_key.substr(0, dot));
    if (!query.step()) return std::nullopt;
    if (!equal_in_constant_time(sha256_of(api_key), query.blob(9))) return std::nullopt;
    auto record = read_client(query);
    if (record.revoked()) return std::nullopt;
    return record;
}

std::optional<ClientRecord> ClientStore::find_by_certificate(const std::string& serial_hex) const {
    auto query =
        queue_.reader().prepare(std::string("SELECT ") + columns + " FROM clients WHERE certificate_serial = ?");
    query.bind(1, normalize_serial_hex(serial_hex));
    if (!query.step()) return std::nullopt;
    auto record = read_client(query);
    if (record.revoked()) return std::nullopt;
    return record;
}

std::optional<ClientRecord> ClientStore::find(const std::string& id) const { return find_on(queue_.reader(), id); }

std::vector<ClientRecord> ClientStore::list() const {
    auto query = queue_.reader().prepare(std::string("SELECT ") + columns + " FROM clients ORDER BY created_at, id");
    std::vector<ClientRecord> records;
    while (query.step()) records.push_back(read_client(query));
    return records;
}

ClientRecord ClientStore::revoke(const std::string& id, std::chrono::system_clock::time_point now) {
    ClientRecord revoked;
    queue_.run([&](const Connection& database) {
        auto existing = find_on(database, id);
        if (!existing) throw Error(ErrorKind::not_found, "unknown_client", "no client with id '" + id + "'");
        if (existing->revoked())
            throw Error(ErrorKind::conflict, "client_already_revoked",
                        "client '" + id + "' was already revoked at " + format_utc(*existing->revoked_at));
        database.prepare("UPDATE clients SET revoked_at = ? WHERE id = ?").bind(1, format_utc(now)).bind(2, id).run();
        revoked = *find_on(database, id);
    });
    return revoked;
}

}  // namespace sign::store
