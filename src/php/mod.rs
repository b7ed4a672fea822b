//! The PHP extension: registers `ShopcaisseSync\Engine` and the exception hierarchy natively.
//!
//! A thin adapter: each PHP method converts its arguments to JSON values, calls the engine's one
//! dispatch table (the same one the FFI library uses), and converts the answer back. Nothing here
//! starts a thread or opens a socket at module start: PHP-FPM forks after that.

mod convert;
mod engine;
mod exceptions;

use ext_php_rs::prelude::*;

#[php_module]
pub fn get_module(module: ModuleBuilder) -> ModuleBuilder {
    let module = exceptions::register(module);
    module.class::<engine::PhpEngine>()
}
