#pragma once
/* A C translation unit using the SDK, called from the Boost tests. */
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Generates a key, signs through its sm_signer, converts raw -> DER -> raw; 1 when all agree. */
int signmobile_c_sign_and_convert(char* message, size_t message_size);

#ifdef __cplusplus
}
#endif
