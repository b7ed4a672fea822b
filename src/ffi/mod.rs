//! The C ABI that `php-shim/` drives through PHP's FFI (header: `php-shim/shopcaisse_sync.h`).
//!
//! Everything crosses as NUL-terminated UTF-8 JSON. Every export catches panics itself (unwinding
//! into C is undefined behaviour) and reports them as an `internal` error, so a bug in the core
//! never takes the PHP worker down. Strings this library returns are freed with
//! [`scs_string_free`]; engines with [`scs_engine_free`].

use crate::engine::{Backend, Engine, ABI_VERSION};
use crate::{Error, ErrorKind};
use serde_json::Value;
use std::ffi::{c_char, CStr, CString};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr;

/// An engine handle, opaque to C.
pub struct ScsEngine(Engine);

/// The library version, a static string: never free it.
#[no_mangle]
pub extern "C" fn scs_version() -> *const c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
}

/// The ABI version the shim checks before using anything else.
#[no_mangle]
pub extern "C" fn scs_abi_version() -> u32 {
    ABI_VERSION
}

/// Creates an engine. Returns 0 and sets `*out`, or an error code and sets `*error_json`.
///
/// # Safety
/// `settings_json` and `state_dir` must be NUL-terminated strings or NULL; `out` and
/// `error_json` must be valid pointers to writable pointers.
#[no_mangle]
pub unsafe extern "C" fn scs_engine_new(
    settings_json: *const c_char,
    state_dir: *const c_char,
    out: *mut *mut ScsEngine,
    error_json: *mut *mut c_char,
) -> i32 {
    if out.is_null() || error_json.is_null() {
        return ErrorKind::InvalidInput.code();
    }
    *out = ptr::null_mut();
    *error_json = ptr::null_mut();
    crate::engine::install_panic_hook();
    let result = guard(|| {
        let settings = parse_json(read_str(settings_json, "settings")?)?;
        let dir = read_str(state_dir, "state directory")?;
        Engine::new(&settings, dir, Backend::Ffi)
    });
    match result {
        Ok(engine) => {
            *out = Box::into_raw(Box::new(ScsEngine(engine)));
            0
        }
        Err(error) => {
            *error_json = to_c_string(&error.to_json().to_string());
            error.kind().code()
        }
    }
}

/// Calls an engine method. Returns 0 and sets `*result_json` to the result, or an error code
/// and sets `*result_json` to the error (`{kind, code, class, message, …}`).
///
/// # Safety
/// `engine` must come from [`scs_engine_new`] and not be used by two threads at once;
/// `method` and `args_json` must be NUL-terminated strings; `result_json` must be writable.
#[no_mangle]
pub unsafe extern "C" fn scs_engine_call(
    engine: *mut ScsEngine,
    method: *const c_char,
    args_json: *const c_char,
    result_json: *mut *mut c_char,
) -> i32 {
    if result_json.is_null() {
        return ErrorKind::InvalidInput.code();
    }
    *result_json = ptr::null_mut();
    let result = guard(|| {
        let engine = engine
            .as_mut()
            .ok_or_else(|| Error::invalid_input("the engine handle is NULL"))?;
        let method = read_str(method, "method")?;
        let args = parse_json(read_str(args_json, "arguments")?)?;
        engine.0.call_guarded(method, &args)
    });
    let (code, text) = match result {
        Ok(value) => (0, value.to_string()),
        Err(error) => (error.kind().code(), error.to_json().to_string()),
    };
    *result_json = to_c_string(&text);
    code
}

/// Frees an engine. NULL is allowed.
///
/// # Safety
/// `engine` must come from [`scs_engine_new`] and not be freed twice.
#[no_mangle]
pub unsafe extern "C" fn scs_engine_free(engine: *mut ScsEngine) {
    if !engine.is_null() {
        let _ = catch_unwind(AssertUnwindSafe(|| drop(Box::from_raw(engine))));
    }
}

/// Frees a string this library returned. NULL is allowed.
///
/// # Safety
/// `text` must come from this library and not be freed twice.
#[no_mangle]
pub unsafe extern "C" fn scs_string_free(text: *mut c_char) {
    if !text.is_null() {
        drop(CString::from_raw(text));
    }
}

fn guard<T>(body: impl FnOnce() -> Result<T, Error>) -> Result<T, Error> {
    catch_unwind(AssertUnwindSafe(body)).unwrap_or_else(|_| {
        Err(Error::internal(
            "internal error: a panic was caught at the FFI boundary",
        ))
    })
}

unsafe fn read_str<'a>(text: *const c_char, what: &str) -> Result<&'a str, Error> {
    if text.is_null() {
        return Err(Error::invalid_input(format!("the {what} is NULL")));
    }
    CStr::from_ptr(text)
        .to_str()
        .map_err(|_| Error::invalid_input(format!("the {what} is not valid UTF-8")))
}

fn parse_json(text: &str) -> Result<Value, Error> {
    serde_json::from_str(text)
        .map_err(|e| Error::invalid_input(format!("arguments are not valid JSON: {e}")))
}

fn to_c_string(text: &str) -> *mut c_char {
    // serde_json escapes NUL as \u0000, so this cannot fail; stay total anyway.
    CString::new(text)
        .unwrap_or_else(|_| CString::from(c"{}"))
        .into_raw()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(engine: *mut ScsEngine, method: &str, args: &str) -> (i32, Value) {
        let method = CString::new(method).unwrap();
        let args = CString::new(args).unwrap();
        let mut out = ptr::null_mut();
        unsafe {
            let code = scs_engine_call(engine, method.as_ptr(), args.as_ptr(), &mut out);
            let text = CStr::from_ptr(out).to_str().unwrap().to_owned();
            scs_string_free(out);
            (code, serde_json::from_str(&text).unwrap())
        }
    }

    fn new_engine(settings: &str) -> *mut ScsEngine {
        let settings = CString::new(settings).unwrap();
        let dir = CString::new("/tmp/scs-ffi-test").unwrap();
        let mut engine = ptr::null_mut();
        let mut error = ptr::null_mut();
        let code =
            unsafe { scs_engine_new(settings.as_ptr(), dir.as_ptr(), &mut engine, &mut error) };
        assert_eq!(code, 0);
        engine
    }

    #[test]
    fn calls_return_json_and_panics_return_internal_errors() {
        let engine = new_engine(r#"{"test_hooks": true}"#);
        assert_eq!(
            call(engine, "version", "{}"),
            (0, Value::from(env!("CARGO_PKG_VERSION")))
        );
        let (code, error) = call(engine, "triggerPanicForTest", r#"{"message":"boom"}"#);
        assert_eq!(code, ErrorKind::Internal.code());
        assert_eq!(error["class"], "InternalException");
        assert_eq!(call(engine, "diagnostics", "{}").1["backend"], "ffi");
        unsafe { scs_engine_free(engine) };
    }

    #[test]
    fn bad_json_and_null_handles_are_invalid_input() {
        let engine = new_engine("{}");
        assert_eq!(
            call(engine, "version", "{not json").0,
            ErrorKind::InvalidInput.code()
        );
        assert_eq!(
            call(ptr::null_mut(), "version", "{}").0,
            ErrorKind::InvalidInput.code()
        );
        unsafe { scs_engine_free(engine) };
    }

    #[test]
    fn bad_settings_fail_creation_with_an_error() {
        let settings = CString::new(r#"{"page_size": -1}"#).unwrap();
        let dir = CString::new("/tmp").unwrap();
        let (mut engine, mut error) = (ptr::null_mut(), ptr::null_mut());
        let code =
            unsafe { scs_engine_new(settings.as_ptr(), dir.as_ptr(), &mut engine, &mut error) };
        assert_eq!(code, ErrorKind::InvalidInput.code());
        assert!(engine.is_null());
        let text = unsafe { CStr::from_ptr(error).to_str().unwrap().to_owned() };
        assert!(text.contains("page_size"));
        unsafe { scs_string_free(error) };
    }
}
