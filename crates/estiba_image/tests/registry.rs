//! The registry source: real registries from `scripts/services.sh` (anonymous, htpasswd,
//! bearer tokens from a realm served here, a two-platform manifest list), and hostile
//! registries faked here on loopback (stalls, redirect loops, endless 401s, 429s,
//! malformed and lying answers).
//!
//! The tests against real registries skip with a message when their variables are not
//! set; the test script always sets them in CI.

mod common;

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use common::{TarBuilder, TestImage, TestLayer};
use estiba_image::{
    ErrorKind, FsIndex, ImageSource, LimitKind, Limits, NetworkOptions, OpenOptions, Platform,
    Progress, media_type, open_str, walk,
};

// ---------------------------------------------------------------------------------------
// Helpers shared by the real-registry tests.

fn service(var: &str) -> Option<String> {
    let value = std::env::var(var).ok().filter(|v| !v.is_empty());
    if value.is_none() {
        eprintln!("skipped: {var} is not set (run scripts/services.sh start DIR)");
    }
    value
}

fn images_dir() -> Option<PathBuf> {
    service("ESTIBA_TEST_IMAGES").map(PathBuf::from)
}

fn open_ok(source: &str, options: &OpenOptions) -> Box<dyn ImageSource> {
    open_str(source, options).unwrap_or_else(|e| panic!("{source}: {e}"))
}

fn open_err(source: &str, options: &OpenOptions) -> ErrorKind {
    match open_str(source, options) {
        Ok(_) => panic!("{source} opened"),
        Err(e) => e.into_kind(),
    }
}

fn index_of(image: &dyn ImageSource) -> FsIndex {
    walk(image, &Limits::default(), &[])
        .unwrap_or_else(|e| panic!("{}: {e}", image.reference()))
        .fs
}

/// A config directory of its own, so that no test reads the machine's credentials.
fn config_dir(config: Option<&str>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    if let Some(config) = config {
        std::fs::write(dir.path().join("config.json"), config).unwrap();
    }
    dir
}

fn options_with_config(dir: &Path) -> OpenOptions {
    OpenOptions {
        docker_config_dir: Some(dir.to_owned()),
        credential_helper_path: Some(dir.as_os_str().to_owned()),
        ..OpenOptions::default()
    }
}

fn base64(text: &str) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(text)
}

/// Validates that the planted image pulled from the registry, with gzip and with zstd
/// layers and by digest, and the Debian image, give the same diff_ids and the same
/// filesystem index as the `docker save` archive they were pushed from.
#[test]
fn registry_images_match_their_archives() {
    let (Some(registry), Some(images)) = (service("ESTIBA_TEST_REGISTRY"), images_dir()) else {
        return;
    };
    let dir = config_dir(None);
    let options = options_with_config(dir.path());
    let mut cases = vec![
        (format!("{registry}/estiba-test/planted:1"), "planted"),
        (format!("{registry}/estiba-test/debian:12"), "debian"),
    ];
    cases.extend(service("ESTIBA_TEST_ZSTD_IMAGE").map(|zstd| (zstd, "planted")));
    for (reference, archive) in cases {
        let local = open_ok(
            &format!(
                "docker-archive:{}",
                images.join(format!("{archive}.docker.tar")).display()
            ),
            &OpenOptions::default(),
        );
        // Both spellings: the explicit transport and a bare reference.
        for source in [format!("registry:{reference}"), reference.clone()] {
            let remote = open_ok(&source, &options);
            assert_eq!(remote.reference(), reference);
            let diff_ids = |image: &dyn ImageSource| -> Vec<_> {
                image.layers().iter().map(|l| l.diff_id.clone()).collect()
            };
            assert_eq!(
                diff_ids(remote.as_ref()),
                diff_ids(local.as_ref()),
                "{source}"
            );
            assert!(remote.layers().iter().all(|l| l.digest.is_some()));
            if reference.ends_with(":zstd") {
                assert!(
                    remote
                        .layers()
                        .iter()
                        .all(|l| l.media_type == media_type::OCI_LAYER_ZSTD),
                    "{:?}",
                    remote.layers()
                );
            }
            assert_eq!(
                remote.config().config.config.env,
                local.config().config.config.env
            );
            assert_eq!(
                index_of(remote.as_ref()),
                index_of(local.as_ref()),
                "{source}"
            );
        }
    }

    // Pinned by digest: the same manifest, verified against the pin.
    let by_tag = open_ok(&format!("{registry}/estiba-test/planted:1"), &options);
    let digest = by_tag.manifest_digest().unwrap().clone();
    let by_digest = open_ok(
        &format!("{registry}/estiba-test/planted@{digest}"),
        &options,
    );
    assert_eq!(by_digest.manifest_digest(), Some(&digest));
    assert_eq!(by_digest.config().raw, by_tag.config().raw);
}

/// Validates that a missing tag or repository is a typed error naming what was asked.
#[test]
fn unknown_tag_is_a_registry_status_error() {
    let Some(registry) = service("ESTIBA_TEST_REGISTRY") else {
        return;
    };
    let dir = config_dir(None);
    match open_err(
        &format!("{registry}/estiba-test/planted:nope"),
        &options_with_config(dir.path()),
    ) {
        ErrorKind::RegistryStatus {
            status: 404,
            what,
            detail,
            ..
        } => {
            assert!(what.contains("estiba-test/planted:nope"), "{what}");
            assert!(detail.contains("MANIFEST_UNKNOWN"), "{detail}");
        }
        other => panic!("{other:?}"),
    }
}

/// Validates that a two-platform manifest list is resolved to the requested platform,
/// to the host's by default, and that a platform it lacks is an error listing the two
/// it has.
#[test]
fn multi_platform_index_selects_the_platform() {
    let Some(source) = service("ESTIBA_TEST_MULTI_PLATFORM_IMAGE") else {
        return;
    };
    let dir = config_dir(None);
    let mut digests = Vec::new();
    for arch in ["amd64", "arm64"] {
        let options = OpenOptions {
            platform: Some(Platform::parse(&format!("linux/{arch}")).unwrap()),
            ..options_with_config(dir.path())
        };
        let image = open_ok(&source, &options);
        assert_eq!(image.config().config.architecture.as_deref(), Some(arch));
        let report = walk(
            image.as_ref(),
            &Limits::default(),
            &[&common::Recorder::under("/arch")],
        )
        .unwrap();
        assert_eq!(
            common::contents_of(&report, 0, "/arch"),
            [format!("{arch}\n").as_bytes()]
        );
        digests.push(image.manifest_digest().unwrap().clone());
    }
    assert_ne!(digests[0], digests[1]);

    let host = Platform::host();
    if host.os == "linux" && matches!(host.architecture.as_str(), "amd64" | "arm64") {
        let image = open_ok(&source, &options_with_config(dir.path()));
        assert_eq!(
            image.config().config.architecture.as_deref(),
            Some(host.architecture.as_str())
        );
    }

    let options = OpenOptions {
        platform: Some(Platform::parse("linux/s390x").unwrap()),
        ..options_with_config(dir.path())
    };
    match open_err(&source, &options) {
        ErrorKind::NoMatchingPlatform { wanted, available } => {
            assert_eq!(wanted, "linux/s390x");
            assert_eq!(available, ["linux/amd64", "linux/arm64"]);
        }
        other => panic!("{other:?}"),
    }
}

/// Validates Basic authentication against the htpasswd registry with credentials from
/// `config.json` (`auth` in base64) and from a credential helper (run with the server
/// on its standard input), and clean failures without or with wrong credentials.
#[test]
fn basic_auth_from_config_and_credential_helper() {
    let (Some(registry), Some(image), Some(password_file)) = (
        service("ESTIBA_TEST_AUTH_REGISTRY"),
        service("ESTIBA_TEST_AUTH_IMAGE"),
        service("ESTIBA_TEST_AUTH_PASSWORD_FILE"),
    ) else {
        return;
    };
    let password = std::fs::read_to_string(&password_file).unwrap();
    let password = password.trim();
    let source = format!("registry:{image}");

    let dir = config_dir(Some(&format!(
        r#"{{"auths": {{"{registry}": {{"auth": "{}"}}}}}}"#,
        base64(&format!("estiba:{password}"))
    )));
    let image = open_ok(&source, &options_with_config(dir.path()));
    assert!(!image.layers().is_empty());
    assert!(index_of(image.as_ref()).get("/bin/suid-shell").is_some());

    // The helper answers for this registry only and records what it was asked.
    let dir = config_dir(Some(&format!(
        r#"{{"credHelpers": {{"{registry}": "estibatest"}}, "auths": {{"{registry}": {{}}}}}}"#
    )));
    let helper = dir.path().join("docker-credential-estibatest");
    let asked = dir.path().join("asked");
    std::fs::write(
        &helper,
        format!(
            "#!/bin/sh\n[ \"$1\" = get ] || exit 2\ncat > '{}'\n\
             printf '{{\"ServerURL\":\"%s\",\"Username\":\"estiba\",\"Secret\":\"%s\"}}' \"$(cat '{}')\" \"$(cat '{password_file}' | tr -d '\\n')\"\n",
            asked.display(),
            asked.display()
        ),
    )
    .unwrap();
    make_executable(&helper);
    let image = open_ok(&source, &options_with_config(dir.path()));
    assert!(!image.layers().is_empty());
    assert_eq!(std::fs::read_to_string(&asked).unwrap(), registry);

    let dir = config_dir(None);
    match open_err(&source, &options_with_config(dir.path())) {
        ErrorKind::Unauthorized {
            registry: r,
            repository,
            reason,
        } => {
            assert_eq!(r, registry);
            assert_eq!(repository, "estiba-test/planted");
            assert!(reason.contains("no credentials"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
    let dir = config_dir(Some(&format!(
        r#"{{"auths": {{"{registry}": {{"username": "estiba", "password": "wrong"}}}}}}"#
    )));
    let err = open_str(&source, &options_with_config(dir.path()))
        .err()
        .unwrap();
    assert!(
        matches!(err.kind(), ErrorKind::Unauthorized { reason, .. } if reason.contains("rejected")),
        "{err}"
    );
    assert!(!err.to_string().contains("wrong"), "{err}");
}

fn make_executable(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// Validates the bearer-token flow against a registry configured for token auth: the
/// realm (served here, on the port the registry names) is asked once, with the
/// registry's service, the repository's pull scope and the Basic credentials from the
/// config; the token is reused for every later request; a realm that refuses ends in
/// a clear error after a bounded number of requests.
#[test]
fn bearer_token_realm() {
    let (Some(registry), Some(port), Some(token_file)) = (
        service("ESTIBA_TEST_TOKEN_REGISTRY"),
        service("ESTIBA_TEST_TOKEN_REALM_PORT"),
        service("ESTIBA_TEST_TOKEN_FILE"),
    ) else {
        return;
    };
    let token = std::fs::read_to_string(token_file)
        .unwrap()
        .trim()
        .to_owned();
    let refuse = Arc::new(AtomicBool::new(false));
    let expected_auth = format!("Basic {}", base64("realm-user:realm-pass"));
    let realm = {
        let refuse = Arc::clone(&refuse);
        let expected_auth = expected_auth.clone();
        FakeServer::bind(
            &format!("127.0.0.1:{port}"),
            Arc::new(move |req: &Seen, _| {
                if refuse.load(Ordering::SeqCst)
                    || req.header("authorization") != Some(expected_auth.as_str())
                    || req.path != "/token"
                {
                    return Reply::Send(http(401, &[], br#"{"details":"no"}"#));
                }
                Reply::Send(http(
                    200,
                    &[("Content-Type", "application/json")],
                    format!(r#"{{"token":"{token}","expires_in":300}}"#).as_bytes(),
                ))
            }),
        )
    };
    let dir = config_dir(Some(&format!(
        r#"{{"auths": {{"{registry}": {{"auth": "{}"}}}}}}"#,
        base64("realm-user:realm-pass")
    )));
    let source = format!("{registry}/estiba-test/planted:1");
    let image = open_ok(&source, &options_with_config(dir.path()));
    assert!(index_of(image.as_ref()).get("/bin/suid-shell").is_some());
    let seen = realm.seen();
    assert_eq!(seen.len(), 1, "one token for the whole pull: {seen:?}");
    assert_eq!(seen[0].method, "GET");
    assert_eq!(
        seen[0].query.get("service").map(String::as_str),
        Some("estiba-test-registry")
    );
    assert_eq!(
        seen[0].query.get("scope").map(String::as_str),
        Some("repository:estiba-test/planted:pull")
    );
    assert_eq!(
        seen[0].header("authorization"),
        Some(expected_auth.as_str())
    );

    refuse.store(true, Ordering::SeqCst);
    match open_err(&source, &options_with_config(dir.path())) {
        ErrorKind::Unauthorized {
            registry: r,
            repository,
            reason,
        } => {
            assert_eq!(r, registry);
            assert_eq!(repository, "estiba-test/planted");
            assert!(reason.contains("refused the credentials"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(realm.seen().len(), 2, "a refusing realm is asked once");

    // No credentials at all: an anonymous token is asked for, and refused.
    let empty = config_dir(None);
    match open_err(&source, &options_with_config(empty.path())) {
        ErrorKind::Unauthorized { reason, .. } => {
            assert!(reason.contains("no credentials"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
    let last = realm.seen().pop().unwrap();
    assert_eq!(last.header("authorization"), None);
}

// ---------------------------------------------------------------------------------------
// A fake registry on loopback, for what a real one will not do.

/// A request as the fake server saw it.
#[derive(Debug, Clone)]
struct Seen {
    method: String,
    path: String,
    query: BTreeMap<String, String>,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Seen {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

enum Reply {
    Send(Vec<u8>),
    /// Keep the connection open and say nothing.
    Stall,
    /// Send these bytes, then keep the connection open and say nothing more.
    SendThenStall(Vec<u8>),
}

type Handler = Arc<dyn Fn(&Seen, usize) -> Reply + Send + Sync>;

/// A tiny HTTP/1.1 server: one request per connection, answered by `handler` (which
/// also gets the request's number). It stops when dropped, or by itself after a minute.
struct FakeServer {
    addr: SocketAddr,
    seen: Arc<Mutex<Vec<Seen>>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

const SERVER_LIFETIME: Duration = Duration::from_secs(60);

impl FakeServer {
    fn start(handler: Handler) -> FakeServer {
        FakeServer::bind("127.0.0.1:0", handler)
    }

    fn bind(addr: &str, handler: Handler) -> FakeServer {
        let listener = TcpListener::bind(addr).unwrap_or_else(|e| panic!("bind {addr}: {e}"));
        listener.set_nonblocking(true).unwrap();
        let addr = listener.local_addr().unwrap();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let count = Arc::new(AtomicUsize::new(0));
        let thread = {
            let (seen, stop) = (Arc::clone(&seen), Arc::clone(&stop));
            std::thread::spawn(move || {
                let started = Instant::now();
                while !stop.load(Ordering::SeqCst) && started.elapsed() < SERVER_LIFETIME {
                    match listener.accept() {
                        Ok((stream, _)) => {
                            let (seen, stop, count, handler) = (
                                Arc::clone(&seen),
                                Arc::clone(&stop),
                                Arc::clone(&count),
                                Arc::clone(&handler),
                            );
                            std::thread::spawn(move || {
                                serve(stream, &seen, &stop, &count, handler.as_ref());
                            });
                        }
                        Err(_) => std::thread::sleep(Duration::from_millis(5)),
                    }
                }
            })
        };
        FakeServer {
            addr,
            seen,
            stop,
            thread: Some(thread),
        }
    }

    fn host(&self) -> String {
        self.addr.to_string()
    }

    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    /// Requests to paths starting with `prefix`.
    fn count(&self, prefix: &str) -> usize {
        self.seen()
            .iter()
            .filter(|s| s.path.starts_with(prefix))
            .count()
    }
}

impl Drop for FakeServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn serve(
    mut stream: TcpStream,
    seen: &Mutex<Vec<Seen>>,
    stop: &AtomicBool,
    count: &AtomicUsize,
    handler: &(dyn Fn(&Seen, usize) -> Reply + Send + Sync),
) {
    let _ = stream.set_nonblocking(false);
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") && head.len() < 64 * 1024 {
        match stream.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            _ => return,
        }
        // A TLS ClientHello (the HTTPS attempt for a loopback registry): hang up, as a
        // plain-HTTP server's TLS failure would look to the client.
        if head == [0x16] {
            return;
        }
    }
    let text = String::from_utf8_lossy(&head).into_owned();
    let mut lines = text.split("\r\n");
    let mut request_line = lines.next().unwrap_or("").split(' ');
    let method = request_line.next().unwrap_or("").to_owned();
    let target = request_line.next().unwrap_or("").to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let (path, query) = match target.split_once('?') {
        Some((path, query)) => (path.to_owned(), parse_query(query)),
        None => (target, BTreeMap::new()),
    };
    let mut request = Seen {
        method,
        path,
        query,
        headers,
        body: Vec::new(),
    };
    if let Some(length) = request
        .header("content-length")
        .and_then(|l| l.parse::<u64>().ok())
    {
        let _ = (&mut stream)
            .take(length.min(1 << 20))
            .read_to_end(&mut request.body);
    }
    seen.lock().unwrap().push(request.clone());
    let n = count.fetch_add(1, Ordering::SeqCst);
    let reply = handler(&request, n);
    match reply {
        Reply::Send(bytes) => {
            let _ = stream.write_all(&bytes);
            let _ = stream.flush();
        }
        Reply::Stall | Reply::SendThenStall(_) => {
            if let Reply::SendThenStall(bytes) = reply {
                let _ = stream.write_all(&bytes);
                let _ = stream.flush();
            }
            let started = Instant::now();
            while !stop.load(Ordering::SeqCst) && started.elapsed() < SERVER_LIFETIME {
                std::thread::sleep(Duration::from_millis(20));
            }
        }
    }
}

fn parse_query(query: &str) -> BTreeMap<String, String> {
    query
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (unescape(k), unescape(v)))
        .collect()
}

fn unescape(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(hex) = text.get(i + 1..i + 3)
            && let Ok(b) = u8::from_str_radix(hex, 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(if bytes[i] == b'+' { b' ' } else { bytes[i] });
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn http(status: u16, headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {status} X\r\nConnection: close\r\n").into_bytes();
    for (name, value) in headers {
        out.extend_from_slice(format!("{name}: {value}\r\n").as_bytes());
    }
    if !headers
        .iter()
        .any(|(n, _)| n.eq_ignore_ascii_case("content-length"))
    {
        out.extend_from_slice(format!("Content-Length: {}\r\n", body.len()).as_bytes());
    }
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(body);
    out
}

fn test_image() -> TestImage {
    TestImage::new(vec![
        TestLayer::gzip(
            TarBuilder::new()
                .file("etc/os-release", b"ID=fake\n")
                .file("srv/big", &[7u8; 100_000])
                .finish(),
        ),
        TestLayer::zstd(TarBuilder::new().file("srv/app", b"#!/bin/sh\n").finish()),
    ])
}

/// The answers of a well-behaved registry serving `image` as `app:1`, or `None` for
/// paths it does not know.
fn registry_answer(image: &TestImage, req: &Seen) -> Option<Vec<u8>> {
    if req.path == "/v2/" {
        return Some(http(200, &[], b"{}"));
    }
    let manifest = image.manifest();
    let manifest_digest = image.manifest_digest().to_string();
    if req.path == "/v2/app/manifests/1"
        || req.path == format!("/v2/app/manifests/{manifest_digest}")
    {
        return Some(http(
            200,
            &[
                ("Content-Type", media_type::OCI_MANIFEST),
                ("Docker-Content-Digest", &manifest_digest),
            ],
            &manifest,
        ));
    }
    let digest = req.path.strip_prefix("/v2/app/blobs/")?;
    image
        .blobs()
        .into_iter()
        .find(|(d, _)| d.to_string() == digest)
        .map(|(_, bytes)| http(200, &[("Content-Type", "application/octet-stream")], &bytes))
}

fn fake_registry(image: TestImage) -> FakeServer {
    FakeServer::start(Arc::new(move |req: &Seen, _| {
        Reply::Send(registry_answer(&image, req).unwrap_or_else(|| http(404, &[], b"")))
    }))
}

/// Short timeouts and quick retries, so that hostile cases end fast.
fn quick() -> OpenOptions {
    OpenOptions {
        network: NetworkOptions {
            connect_timeout: Duration::from_secs(2),
            read_timeout: Duration::from_millis(300),
            max_retries: 2,
            retry_delay: Duration::from_millis(10),
            max_retry_delay: Duration::from_secs(3),
            max_redirects: 5,
        },
        docker_config_dir: Some(PathBuf::from("/nonexistent/estiba-test-config")),
        credential_helper_path: Some("".into()),
        ..OpenOptions::default()
    }
}

#[derive(Debug, Default)]
struct RecordingProgress {
    events: Mutex<Vec<(String, String, Option<u64>)>>,
    bytes: Mutex<BTreeMap<String, u64>>,
}

impl Progress for RecordingProgress {
    fn start(&self, id: &str, _label: &str, total: Option<u64>) {
        self.events
            .lock()
            .unwrap()
            .push(("start".into(), id.into(), total));
    }

    fn advance(&self, id: &str, bytes: u64) {
        *self.bytes.lock().unwrap().entry(id.into()).or_default() += bytes;
    }

    fn finish(&self, id: &str) {
        self.events
            .lock()
            .unwrap()
            .push(("finish".into(), id.into(), None));
    }
}

/// Validates that a well-behaved registry's image is read whole (gzip and zstd layers),
/// by tag and by digest, and that progress is reported per blob with its size.
#[test]
fn fake_registry_image_is_read_with_progress() {
    let image = test_image();
    let server = fake_registry(image.clone());
    let progress = Arc::new(RecordingProgress::default());
    let options = OpenOptions {
        progress: Some(progress.clone()),
        ..quick()
    };
    let source = open_ok(&format!("{}/app:1", server.host()), &options);
    assert_eq!(source.manifest_digest(), Some(&image.manifest_digest()));
    assert_eq!(source.reference(), format!("{}/app:1", server.host()));
    let fs = index_of(source.as_ref());
    assert_eq!(fs.get("/srv/big").unwrap().meta.size, 100_000);
    assert!(fs.get("/srv/app").is_some());

    let bytes = progress.bytes.lock().unwrap().clone();
    for layer in &image.layers {
        assert_eq!(
            bytes.get(&layer.digest().to_string()),
            Some(&(layer.blob.len() as u64))
        );
    }
    let events = progress.events.lock().unwrap().clone();
    assert_eq!(events.iter().filter(|e| e.0 == "start").count(), 2);
    assert_eq!(events.iter().filter(|e| e.0 == "finish").count(), 2);

    let pinned = open_ok(
        &format!("registry:{}/app@{}", server.host(), image.manifest_digest()),
        &quick(),
    );
    assert_eq!(pinned.manifest_digest(), Some(&image.manifest_digest()));
}

/// Validates that a server that accepts connections and never answers ends in a
/// timeout error, quickly.
#[test]
fn stalled_server_times_out() {
    let server = FakeServer::start(Arc::new(|_: &Seen, _| Reply::Stall));
    let started = Instant::now();
    let err = open_err(&format!("{}/app:1", server.host()), &quick());
    assert!(matches!(err, ErrorKind::Timeout { .. }), "{err:?}");
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );

    // A stall in the middle of a layer is a timeout of the walk, naming the blob.
    let image = test_image();
    let stalled_blob = image.layers[0].digest().to_string();
    let server = {
        let image = image.clone();
        let stalled_blob = stalled_blob.clone();
        FakeServer::start(Arc::new(move |req: &Seen, _| {
            if req.path.ends_with(&stalled_blob) {
                // The headers and half the body, then silence.
                let blob = &image.layers[0].blob;
                let mut reply = http(200, &[("Content-Length", &blob.len().to_string())], &[]);
                reply.extend_from_slice(&blob[..blob.len() / 2]);
                return Reply::SendThenStall(reply);
            }
            Reply::Send(registry_answer(&image, req).unwrap_or_else(|| http(404, &[], b"")))
        }))
    };
    let source = open_ok(&format!("{}/app:1", server.host()), &quick());
    let started = Instant::now();
    let err = walk(source.as_ref(), &Limits::default(), &[]).unwrap_err();
    match err.kind() {
        ErrorKind::Timeout { what, .. } => assert!(what.contains(&stalled_blob), "{what}"),
        other => panic!("{other:?}"),
    }
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
}

/// Validates that a redirect loop ends in an error after the configured number of
/// redirects, and that following a redirect to another host drops `Authorization`.
#[test]
fn redirects_are_bounded_and_drop_credentials_across_hosts() {
    let server = FakeServer::start(Arc::new(|req: &Seen, _| {
        if req.path == "/v2/" {
            return Reply::Send(http(200, &[], b""));
        }
        Reply::Send(http(302, &[("Location", &req.path)], b""))
    }));
    match open_err(&format!("{}/app:1", server.host()), &quick()) {
        ErrorKind::Redirect { reason, .. } => assert!(reason.contains("redirects"), "{reason}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        server.count("/v2/app/"),
        6,
        "the first request and 5 redirects"
    );

    // Blobs redirected to "storage" on another port: the credentials stay home.
    let image = test_image();
    let storage = {
        let image = image.clone();
        FakeServer::start(Arc::new(move |req: &Seen, _| {
            let digest = req.path.trim_start_matches("/storage/");
            Reply::Send(
                image
                    .blobs()
                    .into_iter()
                    .find(|(d, _)| d.to_string() == digest)
                    .map_or_else(|| http(404, &[], b""), |(_, b)| http(200, &[], &b)),
            )
        }))
    };
    let storage_host = storage.host();
    let expected = format!("Basic {}", base64("u:p"));
    let registry = {
        let image = image.clone();
        let expected = expected.clone();
        FakeServer::start(Arc::new(move |req: &Seen, _| {
            if req.path != "/v2/" && req.header("authorization") != Some(expected.as_str()) {
                return Reply::Send(http(
                    401,
                    &[("WWW-Authenticate", r#"Basic realm="fake""#)],
                    br#"{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}"#,
                ));
            }
            if let Some(digest) = req.path.strip_prefix("/v2/app/blobs/") {
                let location = format!("http://{storage_host}/storage/{digest}");
                return Reply::Send(http(307, &[("Location", &location)], b""));
            }
            Reply::Send(registry_answer(&image, req).unwrap_or_else(|| http(404, &[], b"")))
        }))
    };
    let dir = config_dir(Some(&format!(
        r#"{{"auths": {{"{}": {{"auth": "{}"}}}}}}"#,
        registry.host(),
        base64("u:p")
    )));
    let options = OpenOptions {
        docker_config_dir: Some(dir.path().to_owned()),
        ..quick()
    };
    let source = open_ok(&format!("{}/app:1", registry.host()), &options);
    assert!(index_of(source.as_ref()).get("/srv/app").is_some());
    let at_storage = storage.seen();
    assert_eq!(at_storage.len(), 3, "config and two layers: {at_storage:?}");
    assert!(
        at_storage
            .iter()
            .all(|s| s.header("authorization").is_none())
    );
    assert!(
        registry
            .seen()
            .iter()
            .any(|s| s.header("authorization") == Some(expected.as_str()))
    );
}

/// Validates that a registry answering 401 to everything, even after authenticating
/// (Basic with credentials, or Bearer with a token from its realm), is an error naming
/// the registry and repository after a bounded number of requests.
#[test]
fn endless_401_is_an_error_not_a_loop() {
    let basic = FakeServer::start(Arc::new(|_: &Seen, _| {
        Reply::Send(http(
            401,
            &[("WWW-Authenticate", r#"Basic realm="fake""#)],
            b"",
        ))
    }));
    let dir = config_dir(Some(&format!(
        r#"{{"auths": {{"{}": {{"auth": "{}"}}}}}}"#,
        basic.host(),
        base64("u:p")
    )));
    let options = OpenOptions {
        docker_config_dir: Some(dir.path().to_owned()),
        ..quick()
    };
    match open_err(&format!("{}/team/app:1", basic.host()), &options) {
        ErrorKind::Unauthorized {
            registry,
            repository,
            reason,
        } => {
            assert_eq!(registry, basic.host());
            assert_eq!(repository, "team/app");
            assert!(reason.contains("rejected"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(basic.count("/v2/team/"), 2, "{:?}", basic.seen());

    let addr = Arc::new(Mutex::new(String::new()));
    let bearer = {
        let addr = Arc::clone(&addr);
        FakeServer::start(Arc::new(move |req: &Seen, _| {
            if req.path == "/token" {
                return Reply::Send(http(200, &[], br#"{"access_token":"abc"}"#));
            }
            let challenge = format!(
                r#"Bearer realm="http://{}/token",service="fake",scope="repository:app:pull""#,
                addr.lock().unwrap()
            );
            Reply::Send(http(401, &[("WWW-Authenticate", &challenge)], b""))
        }))
    };
    *addr.lock().unwrap() = bearer.host();
    let err = open_err(&format!("{}/app:1", bearer.host()), &quick());
    assert!(matches!(err, ErrorKind::Unauthorized { .. }), "{err:?}");
    assert_eq!(bearer.count("/token"), 1);
    assert_eq!(bearer.count("/v2/app/"), 2);
    let with_token = bearer
        .seen()
        .into_iter()
        .filter(|s| s.header("authorization") == Some("Bearer abc"))
        .count();
    assert_eq!(with_token, 1, "the access_token was used");
}

/// Validates that an identity token from `config.json` is exchanged at the realm with
/// the OAuth2 refresh-token grant (a form POST), and the access token it returns used.
#[test]
fn identity_token_is_exchanged_at_the_realm() {
    let image = test_image();
    let addr = Arc::new(Mutex::new(String::new()));
    let server = {
        let addr = Arc::clone(&addr);
        FakeServer::start(Arc::new(move |req: &Seen, _| {
            if req.path == "/token" {
                let form = parse_query(&String::from_utf8_lossy(&req.body));
                let ok = req.method == "POST"
                    && form.get("grant_type").map(String::as_str) == Some("refresh_token")
                    && form.get("refresh_token").map(String::as_str) == Some("rt-secret")
                    && form.get("service").map(String::as_str) == Some("fake")
                    && form.get("scope").map(String::as_str) == Some("repository:app:pull");
                return Reply::Send(if ok {
                    http(200, &[], br#"{"access_token":"from-refresh"}"#)
                } else {
                    http(401, &[], b"")
                });
            }
            if req.path != "/v2/" && req.header("authorization") != Some("Bearer from-refresh") {
                let challenge = format!(
                    r#"Bearer realm="http://{}/token",service="fake""#,
                    addr.lock().unwrap()
                );
                return Reply::Send(http(401, &[("WWW-Authenticate", &challenge)], b""));
            }
            Reply::Send(registry_answer(&image, req).unwrap_or_else(|| http(404, &[], b"")))
        }))
    };
    *addr.lock().unwrap() = server.host();
    let dir = config_dir(Some(&format!(
        r#"{{"auths": {{"{}": {{"identitytoken": "rt-secret"}}}}}}"#,
        server.host()
    )));
    let options = OpenOptions {
        docker_config_dir: Some(dir.path().to_owned()),
        ..quick()
    };
    let source = open_ok(&format!("{}/app:1", server.host()), &options);
    assert!(index_of(source.as_ref()).get("/srv/app").is_some());
    assert_eq!(server.count("/token"), 1);
}

/// Validates that 429 with `Retry-After` and a 503 are retried (waiting as asked) and
/// then succeed.
#[test]
fn rate_limits_and_server_errors_are_retried() {
    let image = test_image();
    let manifest_calls = Arc::new(AtomicUsize::new(0));
    let blob_calls = Arc::new(AtomicUsize::new(0));
    let server = {
        let (image, manifest_calls, blob_calls) = (
            image.clone(),
            Arc::clone(&manifest_calls),
            Arc::clone(&blob_calls),
        );
        FakeServer::start(Arc::new(move |req: &Seen, _| {
            if req.path.contains("/manifests/")
                && manifest_calls.fetch_add(1, Ordering::SeqCst) == 0
            {
                return Reply::Send(http(
                    429,
                    &[("Retry-After", "1")],
                    br#"{"errors":[{"code":"TOOMANYREQUESTS"}]}"#,
                ));
            }
            if req.path.contains("/blobs/") && blob_calls.fetch_add(1, Ordering::SeqCst) == 0 {
                return Reply::Send(http(503, &[], b""));
            }
            Reply::Send(registry_answer(&image, req).unwrap_or_else(|| http(404, &[], b"")))
        }))
    };
    let started = Instant::now();
    let source = open_ok(&format!("{}/app:1", server.host()), &quick());
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "Retry-After honoured"
    );
    assert!(index_of(source.as_ref()).get("/srv/big").is_some());
    assert_eq!(manifest_calls.load(Ordering::SeqCst), 2);

    // Persistent 503: bounded retries, then the status.
    let down = FakeServer::start(Arc::new(|req: &Seen, _| {
        if req.path == "/v2/" {
            return Reply::Send(http(200, &[], b""));
        }
        Reply::Send(http(503, &[], b""))
    }));
    match open_err(&format!("{}/app:1", down.host()), &quick()) {
        ErrorKind::RegistryStatus { status: 503, .. } => {}
        other => panic!("{other:?}"),
    }
    assert_eq!(down.count("/v2/app/"), 3, "one try and two retries");
}

/// Validates that lying or malformed answers are typed errors: malformed manifest JSON,
/// an unknown media type, a manifest that does not match the digest it was pulled by
/// (or the `Docker-Content-Digest` the registry sent), an oversized manifest, and a
/// layer blob with the wrong bytes (reported by the walk, naming the blob's digest).
#[test]
fn lying_registries_are_typed_errors() {
    let image = test_image();
    let serve = |manifest: Vec<u8>, content_type: &'static str, digest_header: Option<String>| {
        let image = image.clone();
        FakeServer::start(Arc::new(move |req: &Seen, _| {
            if req.path.contains("/manifests/") {
                let mut headers = vec![("Content-Type", content_type)];
                if let Some(d) = &digest_header {
                    headers.push(("Docker-Content-Digest", d.as_str()));
                }
                return Reply::Send(http(200, &headers, &manifest));
            }
            Reply::Send(registry_answer(&image, req).unwrap_or_else(|| http(404, &[], b"")))
        }))
    };

    let server = serve(
        b"{\"schemaVersion\": 2, \"config\": [".to_vec(),
        media_type::OCI_MANIFEST,
        None,
    );
    assert!(matches!(
        open_err(&format!("{}/app:1", server.host()), &quick()),
        ErrorKind::MalformedJson { .. }
    ));

    let server = serve(
        br#"{"schemaVersion":2,"mediaType":"application/vnd.example.thing.v1+json"}"#.to_vec(),
        "application/vnd.example.thing.v1+json",
        None,
    );
    match open_err(&format!("{}/app:1", server.host()), &quick()) {
        ErrorKind::UnsupportedMediaType { media_type, .. } => {
            assert_eq!(media_type, "application/vnd.example.thing.v1+json")
        }
        other => panic!("{other:?}"),
    }

    // Served for the right digest, but with other bytes.
    let mut tampered = image.manifest_value();
    tampered["annotations"] = serde_json::json!({"x": "y"});
    let tampered = serde_json::to_vec(&tampered).unwrap();
    let server = serve(tampered.clone(), media_type::OCI_MANIFEST, None);
    match open_err(
        &format!("{}/app@{}", server.host(), image.manifest_digest()),
        &quick(),
    ) {
        ErrorKind::DigestMismatch { expected, .. } => {
            assert_eq!(expected, image.manifest_digest())
        }
        other => panic!("{other:?}"),
    }
    let server = serve(
        tampered,
        media_type::OCI_MANIFEST,
        Some(image.manifest_digest().to_string()),
    );
    assert!(matches!(
        open_err(&format!("{}/app:1", server.host()), &quick()),
        ErrorKind::DigestMismatch { .. }
    ));

    let server = serve(image.manifest(), media_type::OCI_MANIFEST, None);
    let small = OpenOptions {
        limits: Limits {
            max_json_bytes: 64,
            ..Limits::default()
        },
        ..quick()
    };
    assert!(matches!(
        open_err(&format!("{}/app:1", server.host()), &small),
        ErrorKind::LimitExceeded {
            limit: LimitKind::JsonBytes,
            ..
        }
    ));

    // A layer blob replaced by other bytes of the same length.
    let layer = image.layers[1].digest().to_string();
    let server = {
        let image = image.clone();
        let layer = layer.clone();
        FakeServer::start(Arc::new(move |req: &Seen, _| {
            if req.path.ends_with(&layer) {
                let evil = vec![0x28u8; image.layers[1].blob.len()];
                return Reply::Send(http(200, &[], &evil));
            }
            Reply::Send(registry_answer(&image, req).unwrap_or_else(|| http(404, &[], b"")))
        }))
    };
    let source = open_ok(&format!("{}/app:1", server.host()), &quick());
    let err = walk(source.as_ref(), &Limits::default(), &[]).unwrap_err();
    match err.kind() {
        ErrorKind::DigestMismatch { blob, .. } => assert!(blob.contains(&layer), "{blob}"),
        other => panic!("{other:?}"),
    }
}

/// Validates that references that break the grammar are refused before any request.
#[test]
fn invalid_references_are_refused() {
    for bad in [
        "registry:team/Upper",
        "registry:app:-tag",
        "app@sha256:123",
        "a//b",
    ] {
        assert!(
            matches!(open_err(bad, &quick()), ErrorKind::InvalidReference { .. }),
            "{bad}"
        );
    }
}
