#pragma once
// Messages built at run time, as templates: "{}" stands for the name, path or detail that varies.
// translate_message() finds the one an English message matches and translates it; each part is
// translated again when it is itself a known message. Each line is the text of a throw site
// elsewhere, character for character: when one changes, change it here (and in po/).

namespace sign::i18n {

inline constexpr const char* message_templates[] = {
    // data folder, token, PIN (service/data_folder, hsm)
    N_("no data folder at {}: run `signctl init` first (or pass --data DIR)"),
    N_("the data folder {} is already initialised"),
    N_("the PIN of token '{}' is needed: give --pin-file or set pin_file in signctl.toml"),
    N_("cannot read the PIN file {}"),
    N_("the PIN file {} is empty"),
    N_("{} failed: {} ({})"),
    N_("logging in to token '{}'"),
    N_("signing with {}"),
    N_("the user PIN of token '{}' is locked"),
    N_("no token labelled '{}' is present in {}"),
    N_("cannot load the PKCS#11 module {}: {}"),
    N_("libp11 cannot load the PKCS#11 module {}"),
    N_("no private key matches {} on token '{}'"),
    N_("the key {} is not on token '{}'"),
    N_("more than one private key matches {}; add id= to the URI"),
    N_("invalid PKCS#11 URI: {}"),
    N_("token '{}' already holds an object labelled '{}'"),
    N_("this data folder has no valid TSA certificate with the token key 'tsa': issue one with "
       "`signctl cert issue --profile tsa --label tsa ...`"),
    // certificates, CA, profiles (service/ca, service/store, libsign)
    N_("no certificate with serial {}"),
    N_("certificate {} is revoked"),
    N_("certificate {} has expired"),
    N_("certificate {} was already revoked at {}"),
    N_("certificate {} is not valid now (valid {} to {})"),
    N_("unknown profile '{}'; known: {}"),
    N_("profile '{}' is only for `signctl ca init`"),
    N_("profile '{}' needs at least one DNS name (--dns)"),
    N_("a CA hierarchy already exists (root {})"),
    N_("unknown CA '{}': use issuing-ca or root-ca"),
    N_("not an X.509 certificate: {}"),
    // signing (libsign/src/cms, service/signctl)
    N_("the key {} does not belong to the certificate of {}"),
    N_("the signer's certificate is valid only from {}"),
    N_("the signer's certificate expired on {}"),
    N_("the signer's certificate (serial {}) was revoked on {}"),
    N_("the signer's certificate (serial {}) was revoked"),
    N_("{} cannot be used with an RSA key"),
    N_("{} cannot be used with an EC key"),
    N_("unknown signature level '{}': use b-b or b-t"),
    N_("{} of {} files could not be signed"),
    N_("--rect must be LEFT,BOTTOM,WIDTH,HEIGHT in millimetres with a positive size (got '{}')"),
    N_("--set takes NAME=VALUE (got '{}')"),
    // remote signers and clients (service/signctl)
    N_("no signer with id '{}' (see `signctl signer list`)"),
    N_("no signer with id '{}'"),
    // signmobile (bindings/mobile/cli)
    N_("no device profile at {} (run `signmobile enrol` first, or pass --profile)"),
    N_("{} holds an enrolled device already; choose another --profile"),
    N_("cannot read the CA file {}"),
    N_("{} holds no PEM certificate"),
    N_("cannot create {}: {}"),
    N_("request {} has no PDF to preview"),
    N_("request {} was approved but signing failed: {}"),
    N_("cannot get request {}: {}"),
    N_("cannot approve request {}: {}"),
    N_("cannot reject request {}: {}"),
    N_("cannot list the requests: {}"),
    N_("cannot get the preview: {}"),
    N_("cannot load the device key: {}"),
    N_("cannot set up the connection: {}"),
    N_("enrolment failed: {}"),
    // the token's own words (hsm/src/errors.cpp), which the templates above put in their "{}"
    N_("the PIN is wrong"),
    N_("the PIN is locked after too many wrong attempts"),
    N_("the token is not present"),
    N_("the module could not complete the request"),
    // files; after the more specific "cannot read the ... file {}" above
    N_("cannot read file '{}'"),
    N_("cannot read {}"),
    // CLI11's usage errors
    N_("{} is required"),
    N_("A subcommand is required"),
    N_("The following argument was not expected: {}"),
    N_("The following arguments were not expected: {}"),
    N_("{}: File does not exist: {}"),
    N_("{}: Path does not exist: {}"),
    N_("{} excludes {}"),
    N_("{} requires {}"),
    N_("{}: {} not in {}"),
};

}  // namespace sign::i18n
