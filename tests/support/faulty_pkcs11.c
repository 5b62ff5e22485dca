/*
 * A PKCS#11 module for tests: it forwards every call to SoftHSM2 and, on
 * request, makes the next calls of one function fail with a chosen CKR value.
 * It lets the tests meet what a real HSM does and SoftHSM2 never does
 * (a removed device, a locked PIN, a refused mechanism) through the real code
 * paths, with a real token underneath.
 *
 * Tests load it by path like any module and steer it through
 * faulty_pkcs11_fail_next(), found with dlsym() on the same library;
 * faulty_pkcs11_sign_calls() counts the C_Sign calls made so far.
 */

#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

#include <p11-kit/pkcs11.h>

#ifndef SOFTHSM_MODULE
#define SOFTHSM_MODULE "/usr/lib/softhsm/libsofthsm2.so"
#endif

static CK_FUNCTION_LIST *real;
static CK_FUNCTION_LIST wrapped;

/* Which function fails, how, and how many more times. */
static char failing_function[32];
static CK_RV failure;
static int failures_left;

/* Makes the next `count` calls of `function` ("C_Login", "C_SignInit", ...) return `rv`. */
__attribute__((visibility("default"))) void faulty_pkcs11_fail_next(const char *function, CK_RV rv, int count)
{
	strncpy(failing_function, function, sizeof failing_function - 1);
	failure = rv;
	__atomic_store_n(&failures_left, count, __ATOMIC_SEQ_CST);
}

/* How many times C_Sign reached the token, so tests can prove a refused request never signed. */
static long sign_calls;

__attribute__((visibility("default"))) long faulty_pkcs11_sign_calls(void)
{
	return __atomic_load_n(&sign_calls, __ATOMIC_SEQ_CST);
}

static int should_fail(const char *function)
{
	if (strcmp(function, failing_function) != 0)
		return 0;
	int left = __atomic_load_n(&failures_left, __ATOMIC_SEQ_CST);
	while (left > 0) {
		if (__atomic_compare_exchange_n(&failures_left, &left, left - 1, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
			return 1;
	}
	return 0;
}

static CK_RV faulty_login(CK_SESSION_HANDLE session, CK_USER_TYPE user, CK_UTF8CHAR_PTR pin, CK_ULONG length)
{
	return should_fail("C_Login") ? failure : real->C_Login(session, user, pin, length);
}

static CK_RV faulty_sign_init(CK_SESSION_HANDLE session, CK_MECHANISM_PTR mechanism, CK_OBJECT_HANDLE key)
{
	return should_fail("C_SignInit") ? failure : real->C_SignInit(session, mechanism, key);
}

static CK_RV faulty_sign(CK_SESSION_HANDLE session, CK_BYTE_PTR data, CK_ULONG length, CK_BYTE_PTR signature,
                         CK_ULONG_PTR signature_length)
{
	__atomic_add_fetch(&sign_calls, 1, __ATOMIC_SEQ_CST);
	return should_fail("C_Sign") ? failure : real->C_Sign(session, data, length, signature, signature_length);
}

static CK_RV faulty_generate_key_pair(CK_SESSION_HANDLE session, CK_MECHANISM_PTR mechanism,
                                      CK_ATTRIBUTE_PTR public_template, CK_ULONG public_count,
                                      CK_ATTRIBUTE_PTR private_template, CK_ULONG private_count,
                                      CK_OBJECT_HANDLE_PTR public_key, CK_OBJECT_HANDLE_PTR private_key)
{
	if (should_fail("C_GenerateKeyPair"))
		return failure;
	return real->C_GenerateKeyPair(session, mechanism, public_template, public_count, private_template,
	                               private_count, public_key, private_key);
}

__attribute__((visibility("default"))) CK_RV C_GetFunctionList(CK_FUNCTION_LIST_PTR_PTR list)
{
	if (real == NULL) {
		void *softhsm = dlopen(SOFTHSM_MODULE, RTLD_NOW | RTLD_LOCAL);
		if (softhsm == NULL)
			return CKR_GENERAL_ERROR;
		CK_C_GetFunctionList get = (CK_C_GetFunctionList)dlsym(softhsm, "C_GetFunctionList");
		if (get == NULL || get(&real) != CKR_OK)
			return CKR_GENERAL_ERROR;
		wrapped = *real;
		wrapped.C_Login = faulty_login;
		wrapped.C_SignInit = faulty_sign_init;
		wrapped.C_Sign = faulty_sign;
		wrapped.C_GenerateKeyPair = faulty_generate_key_pair;
	}
	*list = &wrapped;
	return CKR_OK;
}
