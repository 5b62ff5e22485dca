/* Compiled as C11: the header is plain C, and a C program can use the SDK end to end offline. */
#include "c_api_check.h"

#include <stdio.h>
#include <string.h>

#include "signmobile.h"

int signmobile_c_sign_and_convert(char* message, size_t message_size) {
    sm_key* key = NULL;
    uint8_t raw[64];
    uint8_t back[64];
    uint8_t* der = NULL;
    size_t der_len = 0;
    const char text[] = "signd-device-auth-v1\n";
    int ok = 0;

    if (sm_key_generate(&key) != SM_OK) goto done;
    sm_signer signer = sm_key_signer(key);
    if (signer.sign(signer.context, (const uint8_t*)text, strlen(text), raw) != SM_OK) goto done;
    if (sm_ecdsa_raw_to_der(raw, &der, &der_len) != SM_OK) goto done;
    if (sm_ecdsa_der_to_raw(der, der_len, back) != SM_OK) goto done;
    ok = memcmp(raw, back, sizeof raw) == 0;
done:
    snprintf(message, message_size, "%s", ok ? "" : sm_last_error());
    sm_free(der);
    sm_key_free(key);
    return ok;
}
