#include "pin_attempts.h"

#include "sign/store/signer_store.h"
#include "sign/store/wrong_pin.h"
#include "sign/utc_time.h"

namespace sign::store {

Error signer_locked_error(const std::string& signer_id) {
    return Error(ErrorKind::authentication, "signer_locked",
                 "signer '" + signer_id + "' is locked after " + std::to_string(SignerStore::max_failed_pins) +
                     " wrong PINs; an administrator must unlock it (signctl signer unlock)");
}

int count_pin_attempt(const Connection& database, const std::string& signer_id, bool right,
                      std::chrono::system_clock::time_point now) {
    auto query = database.prepare("SELECT locked_at IS NOT NULL, failed_pins FROM signers WHERE id = ?");
    query.bind(1, signer_id);
    if (!query.step()) throw Error(ErrorKind::not_found, "unknown_signer", "no signer with id '" + signer_id + "'");
    if (query.integer(0) != 0) throw signer_locked_error(signer_id);
    if (right) {
        database.prepare("UPDATE signers SET failed_pins = 0 WHERE id = ?").bind(1, signer_id).run();
        return 0;
    }
    int failed = static_cast<int>(query.integer(1)) + 1;
    database
        .prepare("UPDATE signers SET failed_pins = ?, locked_at = ? WHERE id = ?")
        .bind(1, int64_t{failed})
        .bind(2, failed >= SignerStore::max_failed_pins ? std::optional(format_utc(now)) : std::nullopt)
        .bind(3, signer_id)
        .run();
    return failed;
}

namespace {

std::string wrong_pin_message(const std::string& signer_id, int failed, int limit) {
    if (failed >= limit)
        return "the PIN is wrong; signer '" + signer_id + "' is now locked until an administrator unlocks it";
    int remaining = limit - failed;
    return "the PIN is wrong; " + std::to_string(remaining) + (remaining == 1 ? " attempt remains" : " attempts remain") +
           " before signer '" + signer_id + "' is locked";
}

}  // namespace

WrongPin::WrongPin(const std::string& signer_id, int failed, int limit)
    : Error(ErrorKind::authentication, "wrong_pin", wrong_pin_message(signer_id, failed, limit)),
      attempts_left_(failed >= limit ? 0 : limit - failed) {}

}  // namespace sign::store
