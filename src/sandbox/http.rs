//! The sandbox's HTTP layer: hyper (HTTP/1.1, keep-alive) on tokio, and the plain request and
//! response the routes work with.
//!
//! hyper parses and writes HTTP; what a real server would never do is done here, around it:
//! a connection reset (SO_LINGER 0, then the connection is dropped mid-exchange) and a body
//! trickled out slowly ([`Body::slow`]).

use hyper::body::{Bytes, Frame, SizeHint};
use std::collections::VecDeque;
use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

/// Largest request body accepted.
pub(crate) const MAX_BODY: usize = 16 * 1024 * 1024;

/// A parsed request.
#[derive(Debug, Clone)]
pub(crate) struct Request {
    pub method: String,
    /// The path, percent-decoded, without the query.
    pub path: String,
    /// The target as received (path and query), for the log.
    pub target: String,
    pub query: Vec<(String, String)>,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn query(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The request hyper parsed, its body already read.
    pub fn from_parts(parts: &hyper::http::request::Parts, body: Vec<u8>) -> Request {
        let target = parts
            .uri
            .path_and_query()
            .map_or_else(|| parts.uri.path().to_owned(), |pq| pq.as_str().to_owned());
        let (raw_path, raw_query) = target.split_once('?').unwrap_or((&target, ""));
        let query = raw_query
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|p| {
                let (k, v) = p.split_once('=').unwrap_or((p, ""));
                (decode(k, true), decode(v, true))
            })
            .collect();
        Request {
            method: parts.method.as_str().to_ascii_uppercase(),
            path: decode(raw_path, false),
            target: target.clone(),
            query,
            headers: parts
                .headers
                .iter()
                .map(|(k, v)| {
                    (
                        k.as_str().to_owned(),
                        String::from_utf8_lossy(v.as_bytes()).trim().to_owned(),
                    )
                })
                .collect(),
            body,
        }
    }
}

/// A response to write.
#[derive(Debug, Clone)]
pub(crate) struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn json(status: u16, value: &serde_json::Value) -> Response {
        Response::raw_json(status, serde_json::to_vec(value).unwrap_or_default())
    }

    /// A JSON body given as bytes (which may be deliberately broken).
    pub fn raw_json(status: u16, body: Vec<u8>) -> Response {
        Response {
            status,
            headers: vec![("Content-Type".into(), "application/json".into())],
            body,
        }
    }

    pub fn with_header(mut self, name: &str, value: impl Into<String>) -> Response {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// The hyper response, its body sent at once or trickled over `slow`.
    pub fn into_hyper(self, slow: Option<Duration>) -> hyper::Response<Body> {
        let body = match slow {
            Some(over) => Body::slow(self.body, over),
            None => Body::full(self.body),
        };
        let mut response = hyper::Response::new(body);
        *response.status_mut() = hyper::StatusCode::from_u16(self.status)
            .unwrap_or(hyper::StatusCode::INTERNAL_SERVER_ERROR);
        for (name, value) in self.headers {
            if let (Ok(name), Ok(value)) = (
                hyper::header::HeaderName::from_bytes(name.as_bytes()),
                hyper::header::HeaderValue::from_str(&value),
            ) {
                response.headers_mut().append(name, value);
            }
        }
        response
    }
}

/// Pieces a slow body is cut into.
const SLOW_PIECES: usize = 10;

/// A response body with a known length, sent whole or in pieces spaced out in time (the head
/// and its `Content-Length` go first, so a client sees a slow body, not a slow server).
pub(crate) struct Body {
    pieces: VecDeque<Bytes>,
    length: u64,
    pause: Duration,
    timer: Option<Pin<Box<tokio::time::Sleep>>>,
}

impl Body {
    pub fn full(bytes: Vec<u8>) -> Body {
        Body {
            length: bytes.len() as u64,
            pieces: VecDeque::from([Bytes::from(bytes)]),
            pause: Duration::ZERO,
            timer: None,
        }
    }

    /// The body in [`SLOW_PIECES`] pieces, the last one sent `over` after the head.
    pub fn slow(bytes: Vec<u8>, over: Duration) -> Body {
        let bytes = Bytes::from(bytes);
        let size = bytes.len().div_ceil(SLOW_PIECES).max(1);
        let pieces: VecDeque<Bytes> = (0..bytes.len())
            .step_by(size)
            .map(|at| bytes.slice(at..(at + size).min(bytes.len())))
            .collect();
        Body {
            length: bytes.len() as u64,
            pause: over / pieces.len().max(1) as u32,
            pieces,
            timer: None,
        }
    }
}

impl hyper::body::Body for Body {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        if self.pieces.is_empty() {
            return Poll::Ready(None);
        }
        if !self.pause.is_zero() {
            let pause = self.pause;
            let timer = self
                .timer
                .get_or_insert_with(|| Box::pin(tokio::time::sleep(pause)));
            if timer.as_mut().poll(cx).is_pending() {
                return Poll::Pending;
            }
            self.timer = None;
        }
        let piece = self.pieces.pop_front().unwrap_or_default();
        Poll::Ready(Some(Ok(Frame::data(piece))))
    }

    fn is_end_stream(&self) -> bool {
        self.pieces.is_empty()
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(self.length)
    }
}

/// Percent-decoding; in a query a `+` is a space (so a client that forgets to encode a `+` in a
/// phone number is caught).
fn decode(text: &str, plus_is_space: bool) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
                match u8::from_str_radix(hex, 16) {
                    Ok(b) => {
                        out.push(b);
                        i += 3;
                        continue;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            b'+' if plus_is_space => out.push(b' '),
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Makes the next close of `fd` a TCP reset (SO_LINGER 0), the way a crashed proxy drops a
/// connection; the caller then drops the connection.
pub(crate) fn arm_reset(fd: std::os::fd::RawFd) {
    #[cfg(target_os = "linux")]
    {
        #[repr(C)]
        struct Linger {
            l_onoff: i32,
            l_linger: i32,
        }
        extern "C" {
            fn setsockopt(
                fd: i32,
                level: i32,
                name: i32,
                value: *const std::ffi::c_void,
                len: u32,
            ) -> i32;
        }
        const SOL_SOCKET: i32 = 1;
        const SO_LINGER: i32 = 13;
        let linger = Linger {
            l_onoff: 1,
            l_linger: 0,
        };
        // SAFETY: a valid open socket descriptor (the connection is alive while its request is
        // being handled) and a correctly sized `struct linger`.
        unsafe {
            setsockopt(
                fd,
                SOL_SOCKET,
                SO_LINGER,
                &linger as *const Linger as *const std::ffi::c_void,
                std::mem::size_of::<Linger>() as u32,
            );
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = fd;
}

#[cfg(test)]
mod tests {
    use super::decode;

    #[test]
    fn decodes_percent_and_plus() {
        assert_eq!(decode("a%2Bb%40x.fr", true), "a+b@x.fr");
        assert_eq!(decode("+33", true), " 33");
        assert_eq!(decode("%E9t%C3%A9", false), "\u{FFFD}t\u{e9}");
        assert_eq!(decode("100%", false), "100%");
    }

    #[test]
    fn a_slow_body_keeps_every_byte_and_its_length() {
        use hyper::body::Body as _;
        let body = super::Body::slow(b"0123456789abcdefghij-".to_vec(), super::Duration::ZERO);
        assert_eq!(body.size_hint().exact(), Some(21));
        let joined: Vec<u8> = body.pieces.iter().flat_map(|p| p.to_vec()).collect();
        assert_eq!(joined, b"0123456789abcdefghij-");
        assert!(body.pieces.len() > 1);
    }
}
