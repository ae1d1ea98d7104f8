//! A small synchronous client for the Docker Engine API: enough to read an image out of a
//! local daemon and to audit its containers, with no async runtime.
//!
//! - [`Endpoint`] is where the daemon listens: `DOCKER_HOST` (`unix:///path`,
//!   `tcp://host:port`) or `unix:///var/run/docker.sock`. TLS, `ssh://` and named pipes
//!   are refused with a typed error that says what to do instead.
//! - [`Client::connect`] pings the daemon and speaks the newest API version both sides
//!   support ([`ApiVersion`]); each request then opens its own connection.
//! - Images: [`Client::inspect_image`] and [`Client::export_images`] (a `docker save`
//!   tar as a streaming [`Read`](std::io::Read)). Containers: [`Client::list_containers`]
//!   and [`Client::inspect_container`], typed summary plus the full JSON.
//! - Replies are input like any other: response heads, chunk-size lines and JSON bodies
//!   are bounded, and every socket read and write has a timeout ([`ClientOptions`]).
//!   Failures are a typed [`Error`] naming the endpoint; a daemon's own error reply
//!   keeps its message and status (`No such image: app:1 (HTTP 404)`).

mod chunked;
mod client;
mod endpoint;
mod error;
mod http;
mod types;
mod version;

pub use client::{Client, ClientOptions};
pub use endpoint::Endpoint;
pub use error::{Error, ErrorKind, Result};
pub use http::ResponseBody;
pub use types::{Container, ContainerSummary, ImageInspect, SystemInfo};
pub use version::ApiVersion;
