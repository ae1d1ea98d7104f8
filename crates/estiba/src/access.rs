//! The image-access flags (`--platform`, `--docker-host`, `--insecure-registry`,
//! `--cache-dir`, `--no-cache`) turned into what the image library takes.

use anyhow::{Context, Result};
use estiba::args::ImageAccessArgs;
use estiba_image::{DEFAULT_CACHE_BYTES, LayerCache, OpenOptions, Platform};

/// How to open images, progress bars included when standard error is a terminal.
pub(crate) fn open_options(args: &ImageAccessArgs) -> Result<OpenOptions> {
    let platform = args
        .platform
        .as_deref()
        .map(Platform::parse)
        .transpose()
        .context("--platform")?;
    Ok(OpenOptions {
        platform,
        docker_host: args.docker_host.clone(),
        insecure_registries: args.insecure_registries.clone(),
        progress: crate::progress::Bars::for_terminal(),
        cache_dir: args.cache_dir.clone(),
        ..OpenOptions::default()
    })
}

/// The layer cache, unless `--no-cache`. The cache is an optimisation: a directory
/// that cannot be created means no cache, not an error.
pub(crate) fn layer_cache(args: &ImageAccessArgs) -> Option<LayerCache> {
    if args.no_cache {
        return None;
    }
    args.cache_dir
        .clone()
        .or_else(LayerCache::default_dir)
        .and_then(|dir| LayerCache::new(&dir, DEFAULT_CACHE_BYTES).ok())
}
