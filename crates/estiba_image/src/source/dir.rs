//! `dir:` sources: an unpacked root filesystem, read as an image of one layer with an
//! empty default config.

use std::path::{Path, PathBuf};

use super::{ImageSource, Layer, LayerContent};
use crate::digest::Digest;
use crate::error::{Error, ErrorKind, Result};
use crate::oci::{ConfigBlob, ImageConfig, Manifest, media_type};

pub(super) struct DirSource {
    root: PathBuf,
    reference: String,
    config: ConfigBlob,
    layers: [Layer; 1],
}

impl DirSource {
    pub(super) fn new(root: &Path, reference: String) -> Result<DirSource> {
        // The root itself may be reached through a symlink (`dir:/srv/current`); what is
        // never followed is a symlink *inside* it.
        let root = std::fs::canonicalize(root).map_err(|e| Error::io_at(root, e))?;
        let meta = std::fs::metadata(&root).map_err(|e| Error::io_at(&root, e))?;
        if !meta.is_dir() {
            return Err(ErrorKind::InvalidLayout {
                location: root.display().to_string(),
                reason: "not a directory".to_owned(),
            }
            .into());
        }
        Ok(DirSource {
            root,
            reference,
            config: ConfigBlob {
                digest: None,
                raw: Vec::new(),
                config: ImageConfig::default(),
            },
            layers: [Layer {
                media_type: media_type::DIRECTORY_LAYER.to_owned(),
                digest: None,
                size: None,
                diff_id: None,
            }],
        })
    }
}

impl ImageSource for DirSource {
    fn reference(&self) -> &str {
        &self.reference
    }

    fn manifest_digest(&self) -> Option<&Digest> {
        None
    }

    fn manifest(&self) -> Option<&Manifest> {
        None
    }

    fn config(&self) -> &ConfigBlob {
        &self.config
    }

    fn layers(&self) -> &[Layer] {
        &self.layers
    }

    fn open_layer(&self, index: usize) -> Result<LayerContent<'_>> {
        if index == 0 {
            Ok(LayerContent::Directory(&self.root))
        } else {
            Err(ErrorKind::LayerOutOfRange { index, count: 1 }.into())
        }
    }
}
