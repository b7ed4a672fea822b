//! Records which PHP the extension is built against, so `diagnostics()` can say it and the
//! plugin can explain a library built for another PHP instead of loading it blindly.
//! The FFI library (built without the `ext` feature) is tied to no PHP and records nothing.

use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=PHP");
    if std::env::var_os("CARGO_FEATURE_EXT").is_none() {
        return;
    }
    let php = std::env::var("PHP").unwrap_or_else(|_| "php".to_owned());
    let probe = "echo PHP_VERSION, '|', PHP_ZTS, '|', PHP_DEBUG, '|', PHP_OS_FAMILY;";
    let output = Command::new(&php).args(["-n", "-r", probe]).output();
    let text = match output {
        Ok(out) if out.status.success() => String::from_utf8_lossy(&out.stdout).into_owned(),
        _ => return,
    };
    let mut parts = text.trim().split('|');
    let mut next = || parts.next().unwrap_or("").to_owned();
    println!("cargo:rustc-env=SCS_BUILT_FOR_PHP={}", next());
    println!("cargo:rustc-env=SCS_BUILT_FOR_ZTS={}", next());
    println!("cargo:rustc-env=SCS_BUILT_FOR_DEBUG={}", next());
}
