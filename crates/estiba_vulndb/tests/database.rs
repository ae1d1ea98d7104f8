//! The database on real OSV records: imports from directories and zips, replacement of
//! a source in one transaction, conditional downloads from a loopback HTTP server.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use estiba_vulndb::{
    Database, DownloadOptions, Error, PackageKey, RecordFile, SourceKind, SourceSpec,
    UpdateOutcome, Updater, read_path,
};

fn data(dir: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(dir)
}

fn spec(name: &str) -> SourceSpec {
    SourceSpec {
        name: name.into(),
        kind: SourceKind::Import,
        location: name.into(),
        etag: None,
        last_modified: None,
    }
}

fn django(db: &Database) -> Vec<String> {
    db.lookup(&PackageKey::new("PyPI", None, "Django"))
        .expect("lookup")
        .into_iter()
        .map(|c| c.osv_id)
        .collect()
}

const DJANGO: [&str; 6] = [
    "PYSEC-2007-1",
    "PYSEC-2008-1",
    "PYSEC-2008-2",
    "PYSEC-2009-3",
    "PYSEC-2009-4",
    "PYSEC-2010-12",
];

/// A zip of every `*.json` under `dir`, deflated.
fn zip_of(dir: &Path) -> Vec<u8> {
    let mut out = Vec::new();
    let mut archive = rawzip::ZipArchiveWriter::new(&mut out);
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .expect("dir")
        .map(|e| e.expect("entry").path())
        .collect();
    files.sort();
    for path in files {
        let name = path
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        let bytes = std::fs::read(&path).expect("read");
        let (mut entry, config) = archive
            .new_file(&name)
            .compression_method(rawzip::CompressionMethod::DEFLATE)
            .start()
            .expect("start");
        let encoder =
            flate2::write::DeflateEncoder::new(&mut entry, flate2::Compression::default());
        let mut writer = config.wrap(encoder);
        writer.write_all(&bytes).expect("write");
        let (encoder, descriptor) = writer.finish().expect("finish");
        encoder.finish().expect("deflate");
        entry.finish(descriptor).expect("entry");
    }
    archive.finish().expect("archive");
    out
}

#[test]
fn imports_a_directory_and_skips_withdrawn_records() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("db/osv.sqlite");
    let mut db = Database::open_for_update(&path).expect("create");
    let report = db
        .replace_source(
            &spec("import:a"),
            read_path(&data("PyPI")).expect("read"),
            |_| {},
        )
        .expect("import");
    assert_eq!(
        (report.records, report.withdrawn, report.error_count),
        (6, 1, 0)
    );
    assert_eq!(report.ecosystems.get("PyPI"), Some(&6));
    drop(db);
    let db = Database::open(&path).expect("open");
    // PEP 503: `Django` and `django` are one name.
    assert_eq!(django(&db), DJANGO);
    let record = db
        .record(
            db.lookup(&PackageKey::new("PyPI", None, "django"))
                .expect("l")[0]
                .row,
        )
        .expect("record");
    assert_eq!(record.id, "PYSEC-2007-1");
    let status = db.status().expect("status");
    assert_eq!(status.records, 6);
    assert!(status.last_checked().is_some());
}

#[test]
fn imports_a_zip_like_a_directory() {
    let dir = tempfile::tempdir().expect("tmp");
    let zip = dir.path().join("all.zip");
    std::fs::write(&zip, zip_of(&data("Debian"))).expect("zip");
    let mut db = Database::open_for_update(&dir.path().join("osv.sqlite")).expect("create");
    let report = db
        .replace_source(&spec("import:zip"), read_path(&zip).expect("read"), |_| {})
        .expect("import");
    assert_eq!(report.records, 5);
    let found = db
        .lookup(&PackageKey::new("Debian", Some("9"), "libxml2"))
        .expect("lookup");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].osv_id, "DLA-2369-1");
    // Another release is another key.
    assert!(
        db.lookup(&PackageKey::new("Debian", Some("10"), "libxml2"))
            .expect("lookup")
            .is_empty()
    );
}

#[test]
fn a_failed_import_leaves_the_previous_records() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("osv.sqlite");
    let mut db = Database::open_for_update(&path).expect("create");
    db.replace_source(
        &spec("import:a"),
        read_path(&data("PyPI")).expect("read"),
        |_| {},
    )
    .expect("import");
    // The new data fails half-way (a damaged archive): nothing of it is kept, nothing of
    // the old is lost.
    let mut files: Vec<Result<RecordFile, Error>> =
        read_path(&data("Debian")).expect("read").take(2).collect();
    files.push(Err(Error::Input {
        path: PathBuf::from("all.zip"),
        reason: "damaged entry".into(),
    }));
    let err = db
        .replace_source(&spec("import:a"), files.into_iter(), |_| {})
        .expect_err("fails");
    assert!(matches!(err, Error::Input { ref reason, .. } if reason == "damaged entry"));
    drop(db);
    let db = Database::open(&path).expect("open");
    assert_eq!(django(&db), DJANGO);
    assert!(
        db.lookup(&PackageKey::new("Debian", Some("9"), "e2fsprogs"))
            .expect("lookup")
            .is_empty()
    );
    let integrity: String = {
        let conn = rusqlite::Connection::open(&path).expect("conn");
        conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .expect("check")
    };
    assert_eq!(integrity, "ok");
}

#[test]
fn damaged_zips_and_missing_databases_are_clear_errors() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut zip = zip_of(&data("PyPI"));
    let half = zip.len() / 2;
    zip.truncate(half);
    let path = dir.path().join("all.zip");
    std::fs::write(&path, &zip).expect("write");
    // Either the directory is unreadable or an entry is: both name the file.
    let err = match read_path(&path) {
        Err(e) => e,
        Ok(mut files) => files
            .find_map(Result::err)
            .expect("a truncated archive fails"),
    };
    assert!(err.to_string().contains("all.zip"), "{err}");

    let missing = dir.path().join("none.sqlite");
    let err = Database::open(&missing).err().expect("missing");
    assert!(matches!(err, Error::Missing { .. }));
    assert!(err.to_string().contains("estiba db update"), "{err}");

    let old = dir.path().join("old.sqlite");
    {
        let conn = rusqlite::Connection::open(&old).expect("conn");
        conn.pragma_update(None, "user_version", 99)
            .expect("version");
    }
    let err = Database::open(&old).err().expect("format");
    assert!(matches!(err, Error::Format { found: 99, .. }), "{err}");
}

/// A loopback HTTP/1.1 server: `/PyPI/all.zip` with an ETag (answering 304 to a
/// matching `If-None-Match`), `/Flaky/all.zip` failing with 503 once, 404 otherwise.
struct Server {
    url: String,
    zip: Arc<Mutex<(Vec<u8>, String)>>,
    log: Arc<Mutex<Vec<String>>>,
}

fn serve() -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let zip = Arc::new(Mutex::new((zip_of(&data("PyPI")), "\"v1\"".to_owned())));
    let log = Arc::new(Mutex::new(Vec::new()));
    let (zip_c, log_c) = (zip.clone(), log.clone());
    std::thread::spawn(move || {
        let mut flaky_failed = false;
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().expect("clone"));
            let mut request = String::new();
            if reader.read_line(&mut request).is_err() {
                continue;
            }
            let mut if_none_match = None;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if let Some((k, v)) = line.split_once(':')
                    && k.eq_ignore_ascii_case("if-none-match")
                {
                    if_none_match = Some(v.trim().to_owned());
                }
            }
            let path = request.split_whitespace().nth(1).unwrap_or("").to_owned();
            log_c
                .lock()
                .expect("log")
                .push(format!("{path} {if_none_match:?}"));
            let (body, etag) = zip_c.lock().expect("zip").clone();
            let head = |status: &str, extra: &str, len: usize| {
                format!(
                    "HTTP/1.1 {status}\r\nConnection: close\r\nContent-Length: {len}\r\n{extra}\r\n"
                )
            };
            let response: Vec<u8> = match path.as_str() {
                "/PyPI/all.zip" if if_none_match.as_deref() == Some(etag.as_str()) => {
                    head("304 Not Modified", &format!("ETag: {etag}\r\n"), 0).into_bytes()
                }
                "/PyPI/all.zip" => {
                    let mut r =
                        head("200 OK", &format!("ETag: {etag}\r\n"), body.len()).into_bytes();
                    r.extend_from_slice(&body);
                    r
                }
                "/Flaky/all.zip" if !flaky_failed => {
                    flaky_failed = true;
                    head("503 Service Unavailable", "Retry-After: 0\r\n", 0).into_bytes()
                }
                "/Flaky/all.zip" => {
                    let mut r = head("200 OK", "", body.len()).into_bytes();
                    r.extend_from_slice(&body);
                    r
                }
                _ => head("404 Not Found", "", 0).into_bytes(),
            };
            let _ = stream.write_all(&response);
            let _ = stream.flush();
            // Drain what is left so the client sees a clean close.
            let _ = stream.read(&mut [0u8; 16]);
        }
    });
    Server { url, zip, log }
}

fn updater(url: &str) -> Updater {
    Updater::new(DownloadOptions {
        base_url: url.to_owned(),
        backoff: std::time::Duration::from_millis(10),
        ..DownloadOptions::default()
    })
    .expect("updater")
}

#[test]
fn updates_download_only_what_changed() {
    let server = serve();
    let dir = tempfile::tempdir().expect("tmp");
    let mut db = Database::open_for_update(&dir.path().join("osv.sqlite")).expect("create");
    let updater = updater(&server.url);
    let mut seen = 0u64;
    let first = updater
        .update(&mut db, "PyPI", &mut |done, _| seen = done)
        .expect("first");
    assert!(matches!(first.outcome, UpdateOutcome::Updated(ref r) if r.records == 6));
    assert!(seen > 0 && seen == first.downloaded_bytes);
    assert_eq!(django(&db), DJANGO);

    let second = updater
        .update(&mut db, "PyPI", &mut |_, _| {})
        .expect("second");
    assert!(matches!(second.outcome, UpdateOutcome::Unchanged));
    assert_eq!(second.downloaded_bytes, 0);
    assert_eq!(django(&db), DJANGO);

    // New content under a new ETag replaces the source whole.
    *server.zip.lock().expect("zip") = (zip_of(&data("Debian")), "\"v2\"".to_owned());
    let third = updater
        .update(&mut db, "PyPI", &mut |_, _| {})
        .expect("third");
    assert!(matches!(third.outcome, UpdateOutcome::Updated(ref r) if r.records == 5));
    assert!(django(&db).is_empty());
    let log = server.log.lock().expect("log").clone();
    assert_eq!(
        log,
        [
            "/PyPI/all.zip None",
            "/PyPI/all.zip Some(\"\\\"v1\\\"\")",
            "/PyPI/all.zip Some(\"\\\"v1\\\"\")",
        ]
    );
    let status = db.status().expect("status");
    assert_eq!(status.sources[0].etag.as_deref(), Some("\"v2\""));
}

#[test]
fn update_errors_name_the_url_and_retries_recover() {
    let server = serve();
    let dir = tempfile::tempdir().expect("tmp");
    let mut db = Database::open_for_update(&dir.path().join("osv.sqlite")).expect("create");
    let updater = updater(&server.url);
    let err = updater
        .update(&mut db, "Nothing", &mut |_, _| {})
        .expect_err("404");
    let text = err.to_string();
    assert!(
        text.contains(&format!("{}/Nothing/all.zip", server.url)),
        "{text}"
    );
    assert!(text.contains("404"), "{text}");

    let flaky = updater
        .update(&mut db, "Flaky", &mut |_, _| {})
        .expect("retried");
    assert!(matches!(flaky.outcome, UpdateOutcome::Updated(_)));

    // Nothing listens there.
    let closed = TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", closed.local_addr().expect("addr"));
    drop(closed);
    let offline = Updater::new(DownloadOptions {
        base_url: url.clone(),
        retries: 1,
        backoff: std::time::Duration::from_millis(1),
        ..DownloadOptions::default()
    })
    .expect("updater");
    let err = offline
        .update(&mut db, "PyPI", &mut |_, _| {})
        .expect_err("offline");
    assert!(err.to_string().contains(&url), "{err}");
    // The earlier data is still there.
    assert!(
        !db.lookup(&PackageKey::new("PyPI", None, "django"))
            .expect("l")
            .is_empty()
    );

    assert!(
        Updater::new(DownloadOptions {
            base_url: "http://example.invalid".into(),
            ..DownloadOptions::default()
        })
        .is_err()
    );
}
