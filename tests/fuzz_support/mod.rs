//! The fuzzing harness's parts: a seeded generator, JSON and byte mutators, and a loopback HTTP
//! server that first records the sandbox's real answers (as a proxy) and then answers every
//! request with a mutation of a recorded answer for the same endpoint.

#![allow(dead_code)]

use serde_json::{json, Map, Value};
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How many inputs a run feeds each family: `SCS_FUZZ_INPUTS`, or a smoke run's `smoke`.
pub fn budget(smoke: u64) -> u64 {
    std::env::var("SCS_FUZZ_INPUTS")
        .ok()
        .and_then(|v| v.replace('_', "").parse().ok())
        .unwrap_or(smoke)
}

/// The run's seed: `SCS_FUZZ_SEED`, or one drawn from the clock (printed, so a failure can be
/// replayed).
pub fn seed() -> u64 {
    std::env::var("SCS_FUZZ_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos() as u64)
                .unwrap_or(1)
        })
}

/// SplitMix64: small, fast, reproducible from its seed.
#[derive(Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    /// True once in `n` draws.
    pub fn one_in(&mut self, n: usize) -> bool {
        self.below(n) == 0
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

// ---------------------------------------------------------------------------------------------
// Generated values
// ---------------------------------------------------------------------------------------------

/// Texts that have broken decoders elsewhere: numbers in text, odd Unicode, separators.
const TEXTS: &[&str] = &[
    "",
    " ",
    "???",
    "0",
    "-0",
    "12.5",
    "1,5",
    "3.7500",
    "-12.345",
    "1e3",
    "1e400",
    "-1e-400",
    "NaN",
    "inf",
    "0x10",
    "999999999999999999999999999",
    "0.0000000001",
    "18446744073709551616",
    "-9223372036854775809",
    "true",
    "null",
    "PENDING",
    "CANCELLED",
    "canceled",
    "Annulée",
    "DONE",
    "DEFAULT",
    "WEIGHT",
    "KG",
    "g",
    "PIECE",
    "SIMPLE",
    "DECLINATION",
    "PACK",
    "VARIATION",
    "6e7de1b3-0f22-4414-ab93-a439a3b9f824",
    "../../etc/passwd",
    "a/b?c#d%e f",
    "é\u{301}",
    "\u{FEFF}",
    "\u{202E}abc",
    "\u{0}",
    "😀",
    "\u{FFFF}",
    "2026-13-45T25:61:61Z",
    "2026-01-01T00:00:00.000Z",
    "+33600000000",
    "jeanne@example.fr",
];

/// Numbers at the edges of every integer and float width.
fn number(rng: &mut Rng) -> Value {
    match rng.below(12) {
        0 => json!(0),
        1 => json!(-1),
        2 => json!(i64::MAX),
        3 => json!(i64::MIN),
        4 => json!(u64::MAX),
        5 => json!(f64::MAX),
        6 => json!(-f64::MIN_POSITIVE),
        7 => json!(0.1 + 0.2),
        8 => json!(u32::MAX as u64 + 1),
        9 => json!(rng.below(1000) as f64 / 7.0),
        10 => json!(-(rng.below(100_000) as i64)),
        _ => json!(rng.below(1_000_000)),
    }
}

fn text(rng: &mut Rng) -> String {
    match rng.below(6) {
        0 => {
            let unit = rng.pick(TEXTS).to_string();
            let most = if rng.one_in(50) { 2_000 } else { 8 };
            unit.repeat(1 + rng.below(most))
        }
        1 => (0..rng.below(40))
            .map(|_| char::from_u32(rng.below(0x3000) as u32).unwrap_or('?'))
            .collect(),
        _ => rng.pick(TEXTS).to_string(),
    }
}

/// Any JSON value, at most `depth` deep.
pub fn any_value(rng: &mut Rng, depth: usize) -> Value {
    let kinds = if depth == 0 { 4 } else { 6 };
    match rng.below(kinds) {
        0 => Value::Null,
        1 => Value::Bool(rng.one_in(2)),
        2 => number(rng),
        3 => Value::String(text(rng)),
        4 => Value::Array(
            (0..rng.below(5))
                .map(|_| any_value(rng, depth - 1))
                .collect(),
        ),
        _ => Value::Object(
            (0..rng.below(5))
                .map(|_| (text(rng), any_value(rng, depth - 1)))
                .collect(),
        ),
    }
}

/// A list or map nested `depth` deep.
pub fn nested(depth: usize, rng: &mut Rng) -> Value {
    let mut value = Value::Null;
    for _ in 0..depth {
        value = if rng.one_in(2) {
            json!([value])
        } else {
            json!({ "items": value })
        };
    }
    value
}

// ---------------------------------------------------------------------------------------------
// Structural mutations
// ---------------------------------------------------------------------------------------------

/// Applies one to four structural changes at random places in `value`: a field dropped, added,
/// retyped or replaced by a value at the edges; a list emptied, grown, truncated or wrapped.
pub fn mutate_value(value: &mut Value, rng: &mut Rng) {
    for _ in 0..1 + rng.below(4) {
        let count = count_nodes(value);
        let target = rng.below(count);
        let mut seen = 0;
        mutate_at(value, target, &mut seen, rng);
    }
}

fn count_nodes(value: &Value) -> usize {
    1 + match value {
        Value::Array(list) => list.iter().map(count_nodes).sum(),
        Value::Object(map) => map.values().map(count_nodes).sum(),
        _ => 0,
    }
}

fn mutate_at(value: &mut Value, target: usize, seen: &mut usize, rng: &mut Rng) -> bool {
    if *seen == target {
        mutate_node(value, rng);
        return true;
    }
    *seen += 1;
    match value {
        Value::Array(list) => list
            .iter_mut()
            .any(|child| mutate_at(child, target, seen, rng)),
        Value::Object(map) => map
            .values_mut()
            .any(|child| mutate_at(child, target, seen, rng)),
        _ => false,
    }
}

fn mutate_node(value: &mut Value, rng: &mut Rng) {
    match (rng.below(10), &mut *value) {
        (0, _) => *value = any_value(rng, 2),
        (1, Value::Object(map)) if !map.is_empty() => {
            let key = map.keys().nth(rng.below(map.len())).cloned().unwrap();
            map.shift_remove(&key);
        }
        (2, Value::Object(map)) if !map.is_empty() => {
            let key = map.keys().nth(rng.below(map.len())).cloned().unwrap();
            map.insert(key, any_value(rng, 1));
        }
        (3, Value::Object(map)) => {
            map.insert(text(rng), any_value(rng, 2));
        }
        (4, Value::Array(list)) if !list.is_empty() => {
            let copy = list[rng.below(list.len())].clone();
            let most = if rng.one_in(10) { 300 } else { 3 };
            for _ in 0..1 + rng.below(most) {
                list.push(copy.clone());
            }
        }
        (5, Value::Array(list)) => list.truncate(rng.below(list.len() + 1)),
        (6, Value::String(s)) => *value = retyped_text(s, rng),
        (6, Value::Number(n)) => *value = Value::String(n.to_string()),
        (7, _) => *value = json!([value.take()]),
        (8, _) => *value = nested(1 + rng.below(200), rng),
        (_, Value::Number(_)) => *value = number(rng),
        (_, Value::String(_)) => *value = Value::String(text(rng)),
        (_, Value::Bool(b)) => *b = !*b,
        _ => *value = any_value(rng, 1),
    }
}

/// A text read as another type: its number, its boolean, or cut or doubled.
fn retyped_text(s: &str, rng: &mut Rng) -> Value {
    match rng.below(4) {
        0 => s
            .parse::<f64>()
            .ok()
            .and_then(|f| serde_json::Number::from_f64(f).map(Value::Number))
            .unwrap_or(Value::Null),
        1 => Value::Bool(!s.is_empty()),
        2 => Value::String(s.chars().take(rng.below(s.chars().count() + 1)).collect()),
        _ => Value::String(s.repeat(2)),
    }
}

// ---------------------------------------------------------------------------------------------
// Byte mutations
// ---------------------------------------------------------------------------------------------

/// Tokens spliced into a body: structure, escapes, numbers JSON cannot hold.
const TOKENS: &[&[u8]] = &[
    b"{",
    b"}",
    b"[",
    b"]",
    b"\"",
    b",",
    b":",
    b"\\",
    b"\\u0000",
    b"\\ud800",
    b"\\udfff\\ud800",
    b"1e999",
    b"-",
    b"null",
    b"true",
    b"0.",
    b"\xff\xfe",
    b"\xc3",
    b"\xed\xa0\x80",
    b"\x00",
];

/// One to eight byte-level edits: flips, insertions, deletions, splices, a cut.
pub fn mutate_bytes(bytes: &mut Vec<u8>, rng: &mut Rng) {
    for _ in 0..1 + rng.below(8) {
        let len = bytes.len();
        match rng.below(7) {
            0 if len > 0 => {
                let at = rng.below(len);
                bytes[at] ^= 1 << rng.below(8);
            }
            1 => {
                let at = rng.below(len + 1);
                let token = rng.pick(TOKENS);
                bytes.splice(at..at, token.iter().copied());
            }
            2 if len > 0 => {
                let at = rng.below(len);
                let end = (at + 1 + rng.below(16)).min(len);
                bytes.drain(at..end);
            }
            3 if len > 0 => {
                let at = rng.below(len);
                let end = (at + 1 + rng.below(64)).min(len);
                let copy = bytes[at..end].to_vec();
                let to = rng.below(len + 1);
                bytes.splice(to..to, copy);
            }
            4 => bytes.truncate(rng.below(len + 1)),
            5 if len > 0 => {
                let at = rng.below(len);
                bytes[at] = rng.below(256) as u8;
            }
            _ => {
                let at = rng.below(len + 1);
                let digits = rng.next().to_string();
                bytes.splice(at..at, digits.bytes());
            }
        }
    }
}

/// A body made from `seed`: mostly a structural mutation, often a byte mutation, sometimes
/// something else entirely (a generated value, deep nesting, no body at all).
pub fn body_from(seed: &[u8], rng: &mut Rng) -> Vec<u8> {
    match rng.below(20) {
        0..=10 => match serde_json::from_slice::<Value>(seed) {
            Ok(mut value) => {
                mutate_value(&mut value, rng);
                serde_json::to_vec(&value).unwrap()
            }
            Err(_) => seed.to_vec(),
        },
        11..=16 => {
            let mut bytes = seed.to_vec();
            mutate_bytes(&mut bytes, rng);
            bytes
        }
        17 => serde_json::to_vec(&any_value(rng, 4)).unwrap(),
        18 => {
            let depth = *rng.pick(&[64, 127, 128, 129, 1_000, 100_000]);
            let open = if rng.one_in(2) { b'[' } else { b'{' };
            let mut bytes = Vec::with_capacity(depth * 2);
            for _ in 0..depth {
                if open == b'{' {
                    bytes.extend_from_slice(b"{\"items\":");
                } else {
                    bytes.push(b'[');
                }
            }
            bytes
        }
        _ => Vec::new(),
    }
}

// ---------------------------------------------------------------------------------------------
// The server
// ---------------------------------------------------------------------------------------------

/// One answer served: status, extra headers, body.
#[derive(Clone, Debug)]
pub struct Served {
    pub request: String,
    pub status: u16,
    pub retry_after: Option<String>,
    pub body: Vec<u8>,
}

enum Mode {
    /// Forward to the sandbox and keep its answers as seeds, by endpoint.
    Record { upstream: String },
    /// Answer with mutations of the seeds.
    Fuzz { rng: Rng },
}

struct Shared {
    mode: Mutex<Mode>,
    seeds: Mutex<HashMap<String, Vec<Vec<u8>>>>,
    served: AtomicU64,
    /// The answers served since the last `clear_trail` (the last [`TRAIL`]), to show what a
    /// failing call read.
    trail: Mutex<Vec<Served>>,
}

/// A loopback HTTP/1.1 server, keep-alive, one thread per connection.
pub struct FuzzServer {
    port: u16,
    shared: Arc<Shared>,
}

/// An endpoint's key: the method and the path with its ids replaced by `*`, no query.
fn endpoint(method: &str, target: &str) -> String {
    let path = target.split('?').next().unwrap_or("");
    let segments: Vec<&str> = path
        .split('/')
        .map(|s| {
            if s.chars().any(|c| c.is_ascii_digit()) && s != "v1" {
                "*"
            } else {
                s
            }
        })
        .collect();
    format!("{method} {}", segments.join("/"))
}

impl FuzzServer {
    /// A server that forwards to `upstream` (a base URL such as `http://127.0.0.1:1234`) and
    /// records what it answers.
    pub fn recording(upstream: &str) -> FuzzServer {
        let shared = Arc::new(Shared {
            mode: Mutex::new(Mode::Record {
                upstream: upstream.trim_end_matches('/').to_owned(),
            }),
            seeds: Mutex::new(HashMap::new()),
            served: AtomicU64::new(0),
            trail: Mutex::new(Vec::new()),
        });
        let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback port");
        let port = listener.local_addr().unwrap().port();
        let accepted = Arc::clone(&shared);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let shared = Arc::clone(&accepted);
                std::thread::spawn(move || serve(stream, &shared));
            }
        });
        FuzzServer { port, shared }
    }

    /// From now on, every answer is a mutation of a recorded one.
    pub fn start_fuzzing(&self, seed: u64) {
        let seeds = self.shared.seeds.lock().unwrap();
        assert!(!seeds.is_empty(), "nothing was recorded");
        *self.shared.mode.lock().unwrap() = Mode::Fuzz {
            rng: Rng::new(seed),
        };
    }

    pub fn origin(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The endpoints recorded, with how many answers each.
    pub fn recorded(&self) -> Vec<(String, usize)> {
        let mut list: Vec<_> = self
            .shared
            .seeds
            .lock()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.clone(), v.len()))
            .collect();
        list.sort();
        list
    }

    /// Answers served so far.
    pub fn served(&self) -> u64 {
        self.shared.served.load(Ordering::Relaxed)
    }

    pub fn clear_trail(&self) {
        self.shared.trail.lock().unwrap().clear();
    }

    pub fn trail(&self) -> Vec<Served> {
        self.shared.trail.lock().unwrap().clone()
    }
}

/// The most answers a trail keeps (the last ones).
const TRAIL: usize = 64;

/// Statuses a fuzzed answer may carry, success most often.
const STATUSES: &[u16] = &[
    200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 201, 204, 400, 401, 403, 404, 409,
    422, 429, 500, 502, 503,
];

fn serve(stream: TcpStream, shared: &Shared) {
    let _ = stream.set_nodelay(true);
    let _ = stream.set_read_timeout(Some(Duration::from_secs(60)));
    let mut writer = stream.try_clone().expect("a second handle");
    let mut reader = BufReader::new(stream);
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let mut parts = line.split_whitespace();
        let (method, target) = (
            parts.next().unwrap_or("").to_owned(),
            parts.next().unwrap_or("").to_owned(),
        );
        let mut length = 0usize;
        let mut auth = None;
        loop {
            let mut header = String::new();
            if reader.read_line(&mut header).unwrap_or(0) == 0 {
                return;
            }
            let header = header.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':') {
                match name.trim().to_ascii_lowercase().as_str() {
                    "content-length" => length = value.trim().parse().unwrap_or(0),
                    "authorization" => auth = Some(value.trim().to_owned()),
                    _ => {}
                }
            }
        }
        let mut body = vec![0; length];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        let answer = answer(shared, &method, &target, auth.as_deref(), body);
        shared.served.fetch_add(1, Ordering::Relaxed);
        let mut head = format!(
            "HTTP/1.1 {} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\n",
            answer.status,
            answer.body.len()
        );
        if let Some(after) = &answer.retry_after {
            head.push_str(&format!("Retry-After: {after}\r\n"));
        }
        head.push_str("\r\n");
        let mut bytes = head.into_bytes();
        bytes.extend_from_slice(&answer.body);
        let sent = writer.write_all(&bytes);
        let mut trail = shared.trail.lock().unwrap();
        if trail.len() >= TRAIL {
            trail.remove(0);
        }
        trail.push(answer);
        drop(trail);
        if sent.is_err() {
            return;
        }
    }
}

fn answer(
    shared: &Shared,
    method: &str,
    target: &str,
    auth: Option<&str>,
    body: Vec<u8>,
) -> Served {
    let key = endpoint(method, target);
    let request = format!("{method} {target}");
    let mut mode = shared.mode.lock().unwrap();
    match &mut *mode {
        Mode::Record { upstream } => {
            let (status, bytes) = forward(upstream, method, target, auth, &body)
                .unwrap_or_else(|_| (502, Vec::new()));
            shared
                .seeds
                .lock()
                .unwrap()
                .entry(key)
                .or_default()
                .push(bytes.clone());
            Served {
                request,
                status,
                retry_after: None,
                body: bytes,
            }
        }
        Mode::Fuzz { rng } => {
            let seeds = shared.seeds.lock().unwrap();
            let own = seeds.get(&key).filter(|_| !rng.one_in(20));
            let seed: &[u8] = match own {
                Some(list) => &list[rng.below(list.len())],
                None => {
                    let lists: Vec<&Vec<Vec<u8>>> = seeds.values().collect();
                    let list = lists[rng.below(lists.len())];
                    &list[rng.below(list.len())]
                }
            };
            let status = *rng.pick(STATUSES);
            let body = if status >= 400 && rng.one_in(2) {
                let mut error = serde_json::to_vec(
                    &json!({"message": text(rng), "error": "Bad Request", "statusCode": status}),
                )
                .unwrap();
                if rng.one_in(2) {
                    mutate_bytes(&mut error, rng);
                }
                error
            } else {
                body_from(seed, rng)
            };
            let retry_after = (status == 429 || status == 503)
                .then(|| {
                    rng.pick(&["0", "1", "-5", "soon", "99999999999999999999", "0.5", ""])
                        .to_string()
                })
                .filter(|_| rng.one_in(2));
            Served {
                request,
                status,
                retry_after,
                body,
            }
        }
    }
}

/// An object from pairs, for templates.
pub fn object(pairs: &[(&str, Value)]) -> Value {
    Value::Object(
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect::<Map<_, _>>(),
    )
}

/// One request to the upstream sandbox, HTTP/1.0 so the answer ends with the connection: the
/// status and the body. A recorder needs nothing more than that.
fn forward(
    upstream: &str,
    method: &str,
    target: &str,
    auth: Option<&str>,
    body: &[u8],
) -> std::io::Result<(u16, Vec<u8>)> {
    use std::io::{Read, Write};
    let host = upstream.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(host)?;
    let mut head = format!(
        "{method} {target} HTTP/1.0\r\nHost: {host}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n",
        body.len()
    );
    if let Some(auth) = auth {
        head.push_str(&format!("Authorization: {auth}\r\n"));
    }
    head.push_str("Connection: close\r\n\r\n");
    stream.write_all(head.as_bytes())?;
    stream.write_all(body)?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw)?;
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| std::io::Error::other("no end of headers"))?;
    let status = std::str::from_utf8(&raw[..split])
        .ok()
        .and_then(|h| h.split_whitespace().nth(1))
        .and_then(|code| code.parse().ok())
        .ok_or_else(|| std::io::Error::other("no status line"))?;
    Ok((status, raw[split + 4..].to_vec()))
}
