//! The `registry:` source (and bare references such as `nginx:1.27`): an image read
//! from a registry over the OCI distribution API.
//!
//! The manifest is fetched by tag or digest with an `Accept` list of the OCI and Docker
//! schema 2 manifest and index types. Pulled by digest, its bytes must hash to that
//! digest; pulled by tag, to the `Docker-Content-Digest` the registry sends, if any. An
//! index (manifest list) is resolved to one platform by the same code as an OCI layout's,
//! fetching the chosen manifest by digest and verifying it. The config blob is fetched and
//! verified before the image is returned; layer blobs are streamed to the walk, which
//! verifies them as it reads (see [`walk`](crate::walk)). Nothing is written to disk.

mod auth;
mod client;
mod reference;

use std::io::{self, Read};
use std::sync::Arc;
use std::time::Duration;

use self::auth::CredentialSource;
use self::client::Client;
use self::reference::Reference;
use super::layout::{self, ManifestSource};
use super::progress::Progress;
use super::{ImageSource, Layer, LayerContent, OpenOptions};
use crate::digest::Digest;
use crate::error::{Error, ErrorKind, LimitKind, Result};
use crate::limits::{Limits, exceeded};
use crate::oci::{ConfigBlob, Descriptor, Manifest, Platform, media_type};
use crate::verify::{Expect, read_verified};

/// Every manifest type this source can read, most specific first.
const MANIFEST_ACCEPT: &str = "application/vnd.oci.image.index.v1+json, \
     application/vnd.docker.distribution.manifest.list.v2+json, \
     application/vnd.oci.image.manifest.v1+json, \
     application/vnd.docker.distribution.manifest.v2+json";

/// How the registry source talks to registries: timeouts, retries and redirects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetworkOptions {
    /// Longest time to set up a connection (TCP and TLS). Default 30 s.
    pub connect_timeout: Duration,
    /// Longest wait for the next bytes of an answer; a server silent for longer ends the
    /// request with [`ErrorKind::Timeout`]. A large blob may take as long as it needs as
    /// long as data keeps coming. Default 60 s.
    pub read_timeout: Duration,
    /// Retries of a request that failed to connect, timed out, or was answered 429 or
    /// 5xx. Default 4.
    pub max_retries: u32,
    /// Wait before the first retry, doubled for each next one. Default 500 ms.
    pub retry_delay: Duration,
    /// Longest wait before one retry; also bounds a server's `Retry-After`. Default 30 s.
    pub max_retry_delay: Duration,
    /// Redirects followed for one request. Default 10.
    pub max_redirects: u32,
}

impl Default for NetworkOptions {
    fn default() -> Self {
        NetworkOptions {
            connect_timeout: Duration::from_secs(30),
            read_timeout: Duration::from_secs(60),
            max_retries: 4,
            retry_delay: Duration::from_millis(500),
            max_retry_delay: Duration::from_secs(30),
            max_redirects: 10,
        }
    }
}

/// An image in a registry.
pub(crate) struct RegistryImage {
    client: Client,
    reference: String,
    manifest_digest: Digest,
    manifest: Manifest,
    config: ConfigBlob,
    layers: Vec<Layer>,
    progress: Option<Arc<dyn Progress>>,
}

impl ImageSource for RegistryImage {
    fn reference(&self) -> &str {
        &self.reference
    }

    fn manifest_digest(&self) -> Option<&Digest> {
        Some(&self.manifest_digest)
    }

    fn manifest(&self) -> Option<&Manifest> {
        Some(&self.manifest)
    }

    fn config(&self) -> &ConfigBlob {
        &self.config
    }

    fn layers(&self) -> &[Layer] {
        &self.layers
    }

    fn open_layer(&self, index: usize) -> Result<LayerContent<'_>> {
        let descriptor = self.manifest.layers.get(index).ok_or_else(|| -> Error {
            ErrorKind::LayerOutOfRange {
                index,
                count: self.manifest.layers.len(),
            }
            .into()
        })?;
        let what = format!("blob {}", descriptor.digest);
        let answer = self
            .client
            .get(&self.blob_path(&descriptor.digest), None, &what)?;
        let reader = NetReader::new(
            answer.response.into_body().into_reader(),
            &self.client,
            &what,
        );
        let id = descriptor.digest.to_string();
        if let Some(progress) = &self.progress {
            progress.start(
                &id,
                &format!("layer {index} {}", descriptor.digest.short()),
                Some(descriptor.size),
            );
        }
        Ok(LayerContent::Blob(Box::new(ProgressReader {
            inner: reader,
            progress: self.progress.clone(),
            id,
            finished: false,
        })))
    }
}

impl RegistryImage {
    fn blob_path(&self, digest: &Digest) -> String {
        format!("/v2/{}/blobs/{digest}", self.client.repository())
    }
}

/// Reads manifests by digest from a registry, for the index resolution shared with
/// OCI layouts.
struct Manifests<'c> {
    client: &'c Client,
}

impl ManifestSource for Manifests<'_> {
    fn read_manifest(
        &self,
        descriptor: &Descriptor,
        limits: &Limits,
        blob: &str,
    ) -> Result<Vec<u8>> {
        if descriptor.size > limits.max_json_bytes {
            return Err(exceeded(LimitKind::JsonBytes, blob, limits.max_json_bytes));
        }
        let path = format!(
            "/v2/{}/manifests/{}",
            self.client.repository(),
            descriptor.digest
        );
        let what = format!(
            "manifest {}@{}",
            self.client.repository(),
            descriptor.digest
        );
        let answer = self.client.get(&path, Some(MANIFEST_ACCEPT), &what)?;
        let (bytes, _) = read_verified(
            NetReader::new(
                answer.response.into_body().into_reader(),
                self.client,
                &what,
            ),
            Expect::digest_and_size(&descriptor.digest, descriptor.size),
            limits.max_json_bytes,
            blob,
        )?;
        Ok(bytes)
    }
}

/// Opens the image `input` (a reference such as `nginx:1.27` or
/// `127.0.0.1:5000/app@sha256:…`) from its registry.
pub(crate) fn open(input: &str, options: &OpenOptions) -> Result<RegistryImage> {
    let reference = Reference::parse(input)?;
    let limits = &options.limits;
    let client = Client::new(
        &reference,
        CredentialSource {
            config_dir: options.docker_config_dir.clone(),
            helper_path: options.credential_helper_path.clone(),
        },
        &options.insecure_registries,
        &options.network,
    );
    let manifest_ref = reference.manifest_reference();
    let separator = if reference.digest.is_some() { '@' } else { ':' };
    let what = format!("manifest {}{separator}{manifest_ref}", reference.repository);
    let path = format!("/v2/{}/manifests/{manifest_ref}", reference.repository);
    let answer = client.get(&path, Some(MANIFEST_ACCEPT), &what)?;
    let content_type = answer
        .header("content-type")
        .map(|t| t.split(';').next().unwrap_or("").trim().to_owned())
        .unwrap_or_default();
    // Pinned by digest, the bytes must hash to it; by tag, to what the registry says
    // they hash to (a header a hostile registry may omit, but then cannot lie with).
    let expected = match &reference.digest {
        Some(digest) => Some(digest.clone()),
        None => answer
            .header("docker-content-digest")
            .and_then(|d| Digest::parse(d.trim()).ok()),
    };
    let blob = match &expected {
        Some(digest) => format!("manifest ({digest})"),
        None => format!("manifest ({what})"),
    };
    if let Some(length) = answer
        .header("content-length")
        .and_then(|l| l.trim().parse::<u64>().ok())
        && length > limits.max_json_bytes
    {
        return Err(exceeded(LimitKind::JsonBytes, &blob, limits.max_json_bytes));
    }
    let (bytes, digest) = read_verified(
        NetReader::new(answer.response.into_body().into_reader(), &client, &what),
        Expect {
            digest: expected,
            size: None,
        },
        limits.max_json_bytes,
        &blob,
    )?;
    // A generic type says nothing; the blob's own `mediaType` (or shape) decides.
    let declared = if matches!(
        content_type.as_str(),
        "" | "application/json" | "text/plain" | "application/octet-stream"
    ) {
        String::new()
    } else {
        content_type
    };
    let descriptor = Descriptor {
        media_type: declared,
        digest,
        size: bytes.len() as u64,
        annotations: std::collections::BTreeMap::new(),
        platform: None,
        urls: Vec::new(),
    };
    let platform = options.platform.clone().unwrap_or_else(Platform::host);
    let resolved = layout::resolve_fetched(
        &Manifests { client: &client },
        &descriptor,
        &bytes,
        &platform,
        limits,
    )?;
    let manifest = resolved.manifest;
    let config = fetch_config(&client, &manifest.config, limits)?;
    let layers = layout::layers_of(&manifest, &config)?;
    Ok(RegistryImage {
        client,
        reference: reference.to_string(),
        manifest_digest: resolved.digest,
        manifest,
        config,
        layers,
        progress: options.progress.clone(),
    })
}

fn fetch_config(client: &Client, descriptor: &Descriptor, limits: &Limits) -> Result<ConfigBlob> {
    if !media_type::is_config(&descriptor.media_type) {
        // `parse_manifest` has refused this already; kept so this function stands alone.
        return Err(ErrorKind::UnsupportedMediaType {
            blob: format!("config ({})", descriptor.digest),
            media_type: descriptor.media_type.clone(),
            expected: "an image config",
        }
        .into());
    }
    if descriptor.size > limits.max_json_bytes {
        return Err(exceeded(
            LimitKind::JsonBytes,
            &format!("config ({})", descriptor.digest),
            limits.max_json_bytes,
        ));
    }
    let what = format!("config blob {}", descriptor.digest);
    let path = format!("/v2/{}/blobs/{}", client.repository(), descriptor.digest);
    let answer = client.get(&path, None, &what)?;
    layout::parse_config(
        NetReader::new(answer.response.into_body().into_reader(), client, &what),
        descriptor,
        limits,
    )
}

/// A response body whose network failures surface as this crate's errors (a timeout
/// is [`ErrorKind::Timeout`], not corrupt data), so that the walk reports them as what
/// they are. A connection closed early stays an end-of-file, reported as truncation.
struct NetReader<R> {
    inner: R,
    registry: String,
    what: String,
    read_timeout: Duration,
}

impl<R: Read> NetReader<R> {
    fn new(inner: R, client: &Client, what: &str) -> Self {
        NetReader {
            inner,
            registry: client.registry().to_owned(),
            what: what.to_owned(),
            read_timeout: client.read_timeout(),
        }
    }
}

impl<R: Read> Read for NetReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.inner.read(buf).map_err(|e| {
            if e.kind() == io::ErrorKind::UnexpectedEof {
                return e;
            }
            let timed_out = matches!(
                e.kind(),
                io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock
            ) || e
                .get_ref()
                .and_then(|inner| inner.downcast_ref::<ureq::Error>())
                .is_some_and(|u| matches!(u, ureq::Error::Timeout(_)));
            let kind = if timed_out {
                ErrorKind::Timeout {
                    registry: self.registry.clone(),
                    what: self.what.clone(),
                    reason: format!("no data for {:?}", self.read_timeout),
                }
            } else {
                ErrorKind::Network {
                    registry: self.registry.clone(),
                    what: self.what.clone(),
                    reason: e.to_string(),
                }
            };
            Error::from(kind).into_io()
        })
    }
}

/// Reports a blob's bytes to a [`Progress`] as they are read.
struct ProgressReader<R> {
    inner: R,
    progress: Option<Arc<dyn Progress>>,
    id: String,
    finished: bool,
}

impl<R> ProgressReader<R> {
    fn finish(&mut self) {
        if !self.finished {
            self.finished = true;
            if let Some(progress) = &self.progress {
                progress.finish(&self.id);
            }
        }
    }
}

impl<R: Read> Read for ProgressReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let result = self.inner.read(buf);
        match &result {
            Ok(0) if !buf.is_empty() => self.finish(),
            Ok(n) => {
                if let Some(progress) = &self.progress {
                    progress.advance(&self.id, *n as u64);
                }
            }
            Err(_) => self.finish(),
        }
        result
    }
}

impl<R> Drop for ProgressReader<R> {
    fn drop(&mut self) {
        self.finish();
    }
}
