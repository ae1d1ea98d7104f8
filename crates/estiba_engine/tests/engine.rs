//! The Engine API client against the private test daemon (`ESTIBA_TEST_DOCKER_HOST`,
//! started by `scripts/services.sh`; those tests skip with a message when it is unset,
//! and the test script always sets it in CI), and against a fake daemon on a unix socket
//! or loopback TCP for the replies a real daemon never sends: malformed heads, bad
//! chunks, stalls, error statuses.

use std::collections::BTreeMap;
use std::io::{self, Read, Write};
use std::net::TcpListener;
use std::os::unix::net::UnixListener;
use std::process::Command;
use std::thread::JoinHandle;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use estiba_engine::{ApiVersion, Client, ClientOptions, Endpoint, Error, ErrorKind};

const PLANTED: &str = "estiba-test/planted:1";

fn docker_host() -> Option<String> {
    let host = std::env::var("ESTIBA_TEST_DOCKER_HOST").ok();
    if host.is_none() {
        eprintln!(
            "skipped: ESTIBA_TEST_DOCKER_HOST is not set (run scripts/services.sh start DIR)"
        );
    }
    host
}

fn real_client(host: &str) -> Client {
    Client::for_host(Some(host), ClientOptions::default()).unwrap_or_else(|e| panic!("{e}"))
}

/// Runs the docker CLI against the test daemon; returns its trimmed standard output.
fn docker(host: &str, args: &[&str]) -> String {
    let out = Command::new("/usr/bin/docker")
        .args(args)
        .env("DOCKER_HOST", host)
        .output()
        .unwrap_or_else(|e| panic!("/usr/bin/docker: {e}"));
    assert!(
        out.status.success(),
        "docker {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

fn unique(prefix: &str) -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    format!("{prefix}-{}-{nanos:x}", std::process::id())
}

/// Validates that the client negotiates the lower of the daemon's API version and its
/// own, and that the daemon's version is the one the docker CLI sees.
#[test]
fn negotiates_the_api_version_with_the_real_daemon() {
    let Some(host) = docker_host() else {
        return;
    };
    let client = real_client(&host);
    let server = docker(&host, &["version", "--format", "{{.Server.APIVersion}}"]);
    assert_eq!(client.server_api_version().to_string(), server);
    assert_eq!(
        client.api_version(),
        client.server_api_version().min(ApiVersion::CURRENT)
    );
    assert_eq!(client.ping().unwrap(), client.server_api_version());
}

/// Validates that an image inspects by tag, by ID and by ID prefix to the same typed
/// subset, matching what the docker CLI reports.
#[test]
fn inspects_the_planted_image() {
    let Some(host) = docker_host() else {
        return;
    };
    let client = real_client(&host);
    let image = client.inspect_image(PLANTED).unwrap();
    assert_eq!(
        image.id,
        docker(&host, &["image", "inspect", "--format", "{{.Id}}", PLANTED])
    );
    assert!(image.id.starts_with("sha256:"), "{}", image.id);
    assert_eq!(image.repo_tags, [PLANTED]);
    assert_eq!(image.os, "linux");
    assert!(!image.architecture.is_empty());
    assert!(image.size > 0);
    assert!(image.created.starts_with("20"), "{}", image.created);
    assert!(image.config.get("Env").is_some(), "{:?}", image.config);
    let hex = image.id.trim_start_matches("sha256:");
    assert_eq!(client.inspect_image(&image.id).unwrap(), image);
    assert_eq!(client.inspect_image(&hex[..12]).unwrap(), image);
}

/// Validates that the daemon's info names the host's cgroup version.
#[test]
fn reads_the_daemons_info() {
    let Some(host) = docker_host() else {
        return;
    };
    let info = real_client(&host).info().unwrap();
    assert!(
        matches!(info.cgroup_version.as_str(), "1" | "2"),
        "{:?}",
        info.cgroup_version
    );
}

/// Validates that a missing image is a typed 404 carrying the daemon's own message.
#[test]
fn a_missing_image_is_a_404_with_the_daemons_message() {
    let Some(host) = docker_host() else {
        return;
    };
    let client = real_client(&host);
    let err = client.inspect_image("estiba-test/missing:1").unwrap_err();
    assert!(err.is_not_found(), "{err}");
    match err.kind() {
        ErrorKind::Daemon {
            status, message, ..
        } => {
            assert_eq!(*status, 404);
            assert!(
                message.contains("No such image: estiba-test/missing:1"),
                "{message}"
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(client.export_images(&["estiba-test/missing:1"]).is_err());
}

/// Validates that an export streams a `docker save` tar whose `manifest.json` names the
/// image.
#[test]
fn export_streams_a_tar_with_manifest_json() {
    let Some(host) = docker_host() else {
        return;
    };
    let client = real_client(&host);
    let body = client.export_images(&[PLANTED]).unwrap();
    let mut archive = tar::Archive::new(body);
    let mut manifest = None;
    let mut members = 0;
    for entry in archive.entries().unwrap() {
        let mut entry = entry.unwrap();
        members += 1;
        if entry.path().unwrap().to_str() == Some("manifest.json") {
            let mut text = String::new();
            entry.read_to_string(&mut text).unwrap();
            manifest = Some(text);
        }
    }
    assert!(members > 3, "{members} members");
    let manifest: serde_json::Value =
        serde_json::from_str(&manifest.expect("manifest.json")).unwrap();
    assert_eq!(manifest[0]["RepoTags"][0], PLANTED, "{manifest}");
    assert!(
        manifest[0]["Layers"]
            .as_array()
            .is_some_and(|l| !l.is_empty())
    );
}

/// Removes the test container however the test ends.
struct Removed<'a> {
    host: &'a str,
    name: String,
}

impl Drop for Removed<'_> {
    fn drop(&mut self) {
        let _ = Command::new("/usr/bin/docker")
            .args(["rm", "--force", &self.name])
            .env("DOCKER_HOST", self.host)
            .output();
    }
}

/// Validates that a created container is listed (with `all`, and only then), filtered by
/// name, and inspected by name and by ID to the same summary.
#[test]
fn lists_and_inspects_a_created_container() {
    let Some(host) = docker_host() else {
        return;
    };
    let client = real_client(&host);
    let name = unique("estiba-engine-test");
    let id = docker(&host, &["create", "--name", &name, PLANTED]);
    let _removed = Removed {
        host: &host,
        name: name.clone(),
    };

    let filters = BTreeMap::from([("name".to_owned(), vec![name.clone()])]);
    let listed = client.list_containers(true, &filters).unwrap();
    assert_eq!(listed.len(), 1, "{listed:#?}");
    let summary = &listed[0].summary;
    assert_eq!(summary.id, id);
    assert_eq!(summary.names, [name.as_str()]);
    assert_eq!(summary.image, PLANTED);
    assert_eq!(summary.state, "created");
    assert_eq!(listed[0].raw["Id"], id.as_str());
    assert!(client.list_containers(false, &filters).unwrap().is_empty());
    assert!(
        client
            .list_containers(true, &BTreeMap::new())
            .unwrap()
            .iter()
            .any(|c| c.summary.id == id)
    );

    for key in [name.as_str(), id.as_str(), &id[..12], &format!("/{name}")] {
        let inspected = client.inspect_container(key).unwrap();
        assert_eq!(&inspected.summary, summary, "{key}");
        assert_eq!(inspected.raw["Config"]["Image"], PLANTED);
    }
    let err = client
        .inspect_container(&unique("estiba-engine-test-missing"))
        .unwrap_err();
    assert!(err.is_not_found(), "{err}");
}

// ---- A fake daemon -------------------------------------------------------------------

/// What the fake daemon does with one connection.
enum Reply {
    /// Sends these bytes, then closes.
    Send(Vec<u8>),
    /// Sends these bytes, then waits for the client to give up and close.
    Stall(Vec<u8>),
}

fn send(bytes: &[u8]) -> Reply {
    Reply::Send(bytes.to_vec())
}

fn ping(version: &str) -> Reply {
    send(
        format!("HTTP/1.1 200 OK\r\nApi-Version: {version}\r\nContent-Length: 2\r\n\r\nOK")
            .as_bytes(),
    )
}

fn json_reply(status: &str, body: &str) -> Reply {
    send(
        format!(
            "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        )
        .as_bytes(),
    )
}

fn chunked_reply(chunks: &[&str]) -> Reply {
    let mut out =
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
            .to_owned();
    for chunk in chunks {
        out.push_str(&format!("{:x}\r\n{chunk}\r\n", chunk.len()));
    }
    out.push_str("0\r\n\r\n");
    send(out.as_bytes())
}

/// Reads one request head; returns its request line and `Host` header.
fn read_request(conn: &mut impl Read) -> (String, String) {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") && head.len() < 65536 {
        match conn.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            _ => break,
        }
    }
    let text = String::from_utf8_lossy(&head).into_owned();
    let line = text.lines().next().unwrap_or_default().to_owned();
    let host = text
        .lines()
        .find_map(|l| l.strip_prefix("Host: "))
        .unwrap_or_default()
        .to_owned();
    (line, host)
}

fn serve_one(mut conn: impl Read + Write, reply: Reply) -> (String, String) {
    let request = read_request(&mut conn);
    match reply {
        Reply::Send(bytes) => {
            let _ = conn.write_all(&bytes);
        }
        Reply::Stall(bytes) => {
            let _ = conn.write_all(&bytes);
            // Until the client times out and closes (bounded, so a broken test ends).
            let mut sink = [0u8; 64];
            let started = std::time::Instant::now();
            while started.elapsed() < Duration::from_secs(20) {
                match conn.read(&mut sink) {
                    Ok(0) => break,
                    Ok(_) => {}
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                    Err(_) => break,
                }
            }
        }
    }
    request
}

/// A fake daemon answering one connection per reply, in order.
struct Fake {
    _dir: tempfile::TempDir,
    endpoint: Endpoint,
    thread: Option<JoinHandle<Vec<(String, String)>>>,
}

impl Fake {
    fn unix(replies: Vec<Reply>) -> Fake {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("docker.sock");
        let listener = UnixListener::bind(&path).unwrap();
        let thread = std::thread::spawn(move || {
            replies
                .into_iter()
                .map(|reply| {
                    let (conn, _) = listener.accept().unwrap();
                    conn.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
                    serve_one(conn, reply)
                })
                .collect()
        });
        Fake {
            _dir: dir,
            endpoint: Endpoint::Unix(path),
            thread: Some(thread),
        }
    }

    fn tcp(replies: Vec<Reply>) -> Fake {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let thread = std::thread::spawn(move || {
            replies
                .into_iter()
                .map(|reply| {
                    let (conn, _) = listener.accept().unwrap();
                    conn.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
                    serve_one(conn, reply)
                })
                .collect()
        });
        Fake {
            _dir: tempfile::tempdir().unwrap(),
            endpoint: Endpoint::parse(&format!("tcp://127.0.0.1:{port}")).unwrap(),
            thread: Some(thread),
        }
    }

    fn client(&self) -> Client {
        self.client_with(ClientOptions::default())
    }

    fn client_with(&self, options: ClientOptions) -> Client {
        Client::connect(self.endpoint.clone(), options).unwrap_or_else(|e| panic!("{e}"))
    }

    /// The request lines received, once every reply has been served.
    fn requests(mut self) -> Vec<String> {
        self.thread
            .take()
            .unwrap()
            .join()
            .unwrap()
            .into_iter()
            .map(|(line, _)| line)
            .collect()
    }
}

const IMAGE_JSON: &str = r#"{"Id":"sha256:abc","RepoTags":["a:1"],"RepoDigests":null,"Os":"linux","Architecture":"amd64","Size":5,"Created":"2024-01-01T00:00:00Z"}"#;

fn malformed_reason(err: &Error) -> &str {
    match err.kind() {
        ErrorKind::MalformedResponse { reason, .. } => reason,
        other => panic!("not a malformed reply: {other:?}"),
    }
}

/// Validates that the API version is the lower of the daemon's and the client's, that
/// requests carry it as their path prefix, and that names and filters are escaped.
#[test]
fn negotiated_version_prefixes_every_request_and_arguments_are_escaped() {
    let fake = Fake::unix(vec![
        ping("1.30"),
        json_reply("200 OK", IMAGE_JSON),
        json_reply("200 OK", "[]"),
    ]);
    let client = fake.client();
    assert_eq!(client.api_version(), ApiVersion::new(1, 30));
    let image = client.inspect_image("reg:5000/a b/c@sha256:0f?x").unwrap();
    assert_eq!(image.id, "sha256:abc");
    let filters = BTreeMap::from([("name".to_owned(), vec!["web&x".to_owned()])]);
    assert!(client.list_containers(true, &filters).unwrap().is_empty());
    assert_eq!(
        fake.requests(),
        [
            "GET /_ping HTTP/1.1",
            "GET /v1.30/images/reg:5000/a%20b/c@sha256:0f%3Fx/json HTTP/1.1",
            "GET /v1.30/containers/json?all=1&filters=%7B%22name%22%3A%5B%22web%26x%22%5D%7D HTTP/1.1",
        ]
    );

    let newer = Fake::unix(vec![ping("1.99")]);
    let client = newer.client();
    assert_eq!(client.api_version(), ApiVersion::CURRENT);
    assert_eq!(client.server_api_version(), ApiVersion::new(1, 99));
}

/// Validates that a daemon older than the oldest supported API is refused, and that one
/// without an `API-Version` header is asked `GET /version`.
#[test]
fn old_daemons() {
    let fake = Fake::unix(vec![ping("1.19")]);
    let err = Client::connect(fake.endpoint.clone(), ClientOptions::default()).unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::UnsupportedApiVersion { .. }),
        "{err}"
    );

    let fake = Fake::unix(vec![
        send(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOK"),
        json_reply("200 OK", r#"{"ApiVersion":"1.24","Version":"1.12.6"}"#),
    ]);
    assert_eq!(fake.client().api_version(), ApiVersion::new(1, 24));
    assert_eq!(
        fake.requests(),
        ["GET /_ping HTTP/1.1", "GET /version HTTP/1.1"]
    );
}

/// Validates that chunked replies are decoded, and that a bad chunk size is a typed
/// malformed-reply error, both for a JSON reply and through an export stream's `Read`.
#[test]
fn chunked_replies_and_a_bad_chunk_size() {
    let (head, tail) = IMAGE_JSON.split_at(20);
    let bad_chunk =
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{\"a\":\r\nzz9\r\n1\r\n}\r\n0\r\n\r\n";
    let fake = Fake::unix(vec![
        ping("1.41"),
        chunked_reply(&[head, tail]),
        send(bad_chunk),
        send(bad_chunk),
    ]);
    let client = fake.client();
    assert_eq!(client.inspect_image("a:1").unwrap().repo_tags, ["a:1"]);

    let err = client.inspect_image("a:1").unwrap_err();
    assert!(
        malformed_reason(&err).contains("bad chunk size `zz9`"),
        "{err}"
    );

    let mut export = client.export_images(&["a:1"]).unwrap();
    let mut bytes = Vec::new();
    let err = export.read_to_end(&mut bytes).unwrap_err();
    let err = Error::from_io_error(err).unwrap();
    assert!(malformed_reason(&err).contains("bad chunk size"), "{err}");
    assert_eq!(bytes, b"{\"a\":");
    drop(fake.requests());
}

/// Validates that replies that are not HTTP, or break its framing, are typed
/// malformed-reply errors and never a panic or an unbounded read.
#[test]
fn malformed_replies() {
    let huge_head = format!(
        "HTTP/1.1 200 OK\r\nX-Padding: {}\r\n\r\n",
        "a".repeat(70 * 1024)
    );
    let many_headers: String = (0..100).map(|i| format!("X-{i}: 1\r\n")).collect();
    let cases: Vec<(Reply, &str)> = vec![
        (send(b"SSH-2.0-OpenSSH_9.2\r\n\r\n"), "reply starts"),
        (send(b""), "closed without a reply"),
        (
            send(b"HTTP/1.1 200 OK\r\nContent-Le"),
            "inside the response head",
        ),
        (send(huge_head.as_bytes()), "response head longer than"),
        (
            send(format!("HTTP/1.1 200 OK\r\n{many_headers}\r\n").as_bytes()),
            "more than 64 headers",
        ),
        (
            send(b"HTTP/1.1 200 OK\r\nContent-Length: abc\r\n\r\n{}"),
            "bad Content-Length",
        ),
        (
            send(b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n{}"),
            "conflicting Content-Length",
        ),
        (
            send(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"Id\":"),
            "closed before the end of the reply",
        ),
    ];
    let (replies, expected): (Vec<Reply>, Vec<&str>) = cases.into_iter().unzip();
    let fake = Fake::unix(std::iter::once(ping("1.41")).chain(replies).collect());
    let client = fake.client();
    for want in expected {
        let err = client.inspect_image("a:1").unwrap_err();
        assert!(
            malformed_reason(&err).contains(want),
            "want {want:?}: {err}"
        );
    }
    drop(fake.requests());
}

/// Validates that a reply that is valid HTTP but not the expected JSON, or larger than
/// the configured bound, is a typed error naming the request.
#[test]
fn unexpected_and_oversized_json() {
    let fake = Fake::unix(vec![
        ping("1.41"),
        json_reply("200 OK", r#"{"RepoTags":[]}"#),
        json_reply("200 OK", &format!("[{}]", "1,".repeat(600) + "1")),
    ]);
    let client = fake.client_with(ClientOptions {
        max_json_bytes: 1024,
        ..ClientOptions::default()
    });
    let err = client.inspect_image("a:1").unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::MalformedJson { .. }),
        "{err}"
    );
    assert!(err.to_string().contains("GET /images/a:1/json"), "{err}");
    let err = client.list_containers(false, &BTreeMap::new()).unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::ResponseTooLarge { max: 1024, .. }),
        "{err}"
    );
    drop(fake.requests());
}

/// Validates that a daemon that stops answering, before or inside a reply, ends in a
/// typed timeout after the configured time, for API calls and export streams alike.
#[test]
fn stalled_replies_time_out() {
    let fake = Fake::unix(vec![
        ping("1.41"),
        Reply::Stall(Vec::new()),
        Reply::Stall(b"HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\n{\"Id\":".to_vec()),
        Reply::Stall(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n".to_vec()),
    ]);
    let options = ClientOptions {
        read_timeout: Duration::from_millis(300),
        export_read_timeout: Duration::from_millis(500),
        ..ClientOptions::default()
    };
    let client = fake.client_with(options);
    for _ in 0..2 {
        let started = std::time::Instant::now();
        let err = client.inspect_image("a:1").unwrap_err();
        assert!(
            matches!(err.kind(), ErrorKind::Timeout { timeout, .. } if *timeout == Duration::from_millis(300)),
            "{err}"
        );
        assert!(started.elapsed() < Duration::from_secs(5));
    }
    let mut export = client.export_images(&["a:1"]).unwrap();
    let mut bytes = Vec::new();
    let err = Error::from_io_error(export.read_to_end(&mut bytes).unwrap_err()).unwrap();
    assert!(
        matches!(err.kind(), ErrorKind::Timeout { timeout, .. } if *timeout == Duration::from_millis(500)),
        "{err}"
    );
    assert_eq!(bytes, b"abc");
    drop(export);
    drop(fake.requests());
}

/// Validates that an error status surfaces the daemon's JSON `message` with the status
/// code, and that a non-JSON error body is shown as text.
#[test]
fn error_statuses_carry_the_daemons_message() {
    let fake = Fake::unix(vec![
        ping("1.41"),
        json_reply(
            "500 Internal Server Error",
            r#"{"message":"write /var/lib/docker/tmp: no space left on device"}"#,
        ),
        send(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 11\r\n\r\nproxy down\n"),
        json_reply("404 Not Found", r#"{"message":"No such container: web"}"#),
    ]);
    let client = fake.client();
    let err = client.export_images(&["a:1"]).unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::Daemon { status: 500, message, .. } if message == "write /var/lib/docker/tmp: no space left on device"),
        "{err:?}"
    );
    assert!(
        err.to_string()
            .ends_with("no space left on device (HTTP 500)"),
        "{err}"
    );
    let err = client.inspect_image("a:1").unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::Daemon { status: 502, message, .. } if message == "proxy down"),
        "{err:?}"
    );
    let err = client.inspect_container("web").unwrap_err();
    assert!(err.is_not_found());
    drop(fake.requests());
}

/// Validates that the client speaks plain HTTP over loopback TCP with a `Host` header
/// naming the daemon's address.
#[test]
fn tcp_endpoint() {
    let mut fake = Fake::tcp(vec![ping("1.41"), json_reply("200 OK", IMAGE_JSON)]);
    let client = fake.client();
    assert_eq!(client.inspect_image("a:1").unwrap().os, "linux");
    let port = match &fake.endpoint {
        Endpoint::Tcp { port, .. } => *port,
        Endpoint::Unix(_) => unreachable!(),
    };
    let hosts: Vec<String> = fake
        .thread
        .take()
        .unwrap()
        .join()
        .unwrap()
        .into_iter()
        .map(|(_, host)| host)
        .collect();
    assert_eq!(
        hosts,
        [format!("127.0.0.1:{port}"), format!("127.0.0.1:{port}")]
    );
}

/// Validates that a missing socket or a refused connection names the endpoint and
/// says how to set `DOCKER_HOST`.
#[test]
fn unreachable_daemons_say_how_to_set_docker_host() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("docker.sock");
    let err =
        Client::connect(Endpoint::Unix(missing.clone()), ClientOptions::default()).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Unreachable { .. }), "{err}");
    let text = err.to_string();
    assert!(
        text.contains(&format!("unix://{}", missing.display())),
        "{text}"
    );
    assert!(text.contains("no socket at"), "{text}");
    assert!(text.contains("DOCKER_HOST"), "{text}");

    // A socket file nobody listens on any more.
    drop(UnixListener::bind(&missing).unwrap());
    let err = Client::connect(Endpoint::Unix(missing), ClientOptions::default()).unwrap_err();
    assert!(err.to_string().contains("connection refused"), "{err}");

    let port = {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let endpoint = Endpoint::parse(&format!("tcp://127.0.0.1:{port}")).unwrap();
    let err = Client::connect(endpoint, ClientOptions::default()).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Unreachable { .. }), "{err}");
    assert!(err.to_string().contains("DOCKER_HOST"), "{err}");
}

/// Validates that a socket this user may not open is reported as such (skipped as
/// root, who may open any socket).
#[test]
fn permission_denied_on_the_socket() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("docker.sock");
    let _listener = UnixListener::bind(&path).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::os::unix::net::UnixStream::connect(&path).is_ok() {
        eprintln!("skipped: running as root, every socket opens");
        return;
    }
    let err = Client::connect(Endpoint::Unix(path), ClientOptions::default()).unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::PermissionDenied { .. }),
        "{err}"
    );
    assert!(err.to_string().contains("docker"), "{err}");
}
