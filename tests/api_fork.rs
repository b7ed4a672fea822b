//! A process forked after the client was used (a PHP-FPM worker whose master used it) builds
//! its own runtime and connections, and leaves the parent's alone. Alone in its test binary:
//! a fork copies only the calling thread, so no other test may run beside it.

#![cfg(all(feature = "sandbox", target_os = "linux"))]

use shopcaisse_sync::api::{Client, ClientConfig};
use shopcaisse_sync::model::AppToken;
use shopcaisse_sync::sandbox::{Sandbox, SandboxConfig};

extern "C" {
    fn fork() -> i32;
    fn waitpid(pid: i32, status: *mut i32, options: i32) -> i32;
    fn _exit(code: i32) -> !;
}

#[test]
fn a_forked_child_builds_its_own_client_and_the_parent_keeps_its_own() {
    let sandbox = Sandbox::start(SandboxConfig::default()).unwrap();
    let config = ClientConfig::new(sandbox.base_url(), AppToken::new(&sandbox.token()).unwrap());
    let client = Client::new(config.clone()).unwrap();
    assert_eq!(client.companies().unwrap().items().len(), 1);
    assert!(client.agent_started());

    // SAFETY: fork and _exit as documented; the child only makes requests and exits without
    // running destructors or the test harness.
    let pid = unsafe { fork() };
    assert!(pid >= 0, "fork failed");
    if pid == 0 {
        let code = (|| {
            if client.agent_started() {
                return Some(2); // the parent's connections must not count as this process's
            }
            if client.companies().ok()?.items().len() != 1 {
                return Some(3);
            }
            // The inherited client dropped in the child: the parent's sockets stay untouched.
            drop(client);
            let own = Client::new(config).ok()?;
            Some(if own.stores().is_ok() { 0 } else { 4 })
        })()
        .unwrap_or(5);
        unsafe { _exit(code) }
    }
    let mut status = 0;
    // SAFETY: waiting for the child just forked.
    assert_eq!(unsafe { waitpid(pid, &mut status, 0) }, pid);
    assert_eq!(status, 0, "the child exited with {}", status >> 8);
    // The parent's pool still works after the child came and went.
    assert_eq!(client.companies().unwrap().items().len(), 1);
    assert_eq!(sandbox.log().iter().filter(|e| e.status == 200).count(), 4);
}
