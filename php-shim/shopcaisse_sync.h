/*
 * Shopcaisse Sync portable library: the C ABI that php-shim drives through PHP's FFI.
 * This text is given to FFI::cdef() as is, so it holds declarations only (no #include, no macro).
 *
 * Encoding: every string is NUL-terminated UTF-8; every argument and result is JSON text.
 * Ownership: strings returned through an out-pointer belong to the caller, who frees each one
 *   exactly once with scs_string_free(). scs_version() returns a static string: never free it.
 *   An engine belongs to the caller, who frees it once with scs_engine_free().
 * Errors: functions returning int32_t return 0 on success, else the error code of the kind
 *   (10 invalid token, 11 order module missing, 12 permission, 13 not found, 20 rate limited,
 *   21 server, 22 network, 23 timeout, 24 unexpected payload, 30 conflict, 40 invalid input,
 *   50 state, 51 busy, 60 not configured, 99 internal); the out string then holds
 *   {"kind","code","class","message","http_status","retry_after"}.
 * NULL: a NULL input string is an invalid-input error; scs_*_free accept NULL.
 * Panics: caught inside the library and returned as code 99; they never reach the caller.
 * Threads: an engine may move between threads but must not be used by two at once.
 */

typedef struct ScsEngine ScsEngine;

const char *scs_version(void);
uint32_t scs_abi_version(void);

int32_t scs_engine_new(const char *settings_json, const char *state_dir,
                       ScsEngine **out, char **error_json);
int32_t scs_engine_call(ScsEngine *engine, const char *method, const char *args_json,
                        char **result_json);
void scs_engine_free(ScsEngine *engine);
void scs_string_free(char *text);
