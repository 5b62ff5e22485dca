#pragma once
// The signing services over the shared test PKI's data folder, opened in-process
// as signd opens them: the folder's token, database, local TSA and key cache.

#include "sign/clock.h"
#include "sign/data_folder/data_folder.h"
#include "sign/data_folder/local_timestamps.h"
#include "sign/signing/hash_signer.h"
#include "sign/signing/key_cache.h"
#include "sign/signing/seal_service.h"
#include "sign/signing/signer_directory.h"
#include "token_pki.h"

namespace sign::test {

struct SigningServices {
    SystemClock clock;
    data_folder::DataFolder data{TokenPki::shared().folder().path("")};
    data_folder::LocalTimestamps timestamps{data.token(), data.database().certificates(), data.ca(), clock};
    signing::KeyCache keys{data.token()};
    signing::SignerDirectory signers{data.database().certificates(), data.ca(), keys, data.settings().digest};
    signing::SealService seals{signers, timestamps.client(), data.path("images"), clock};
    signing::HashSigner hashes{signers};

    /// One set per program: opening the token and the TSA key once is enough.
    static SigningServices& shared() {
        static SigningServices services;
        return services;
    }
};

}  // namespace sign::test
