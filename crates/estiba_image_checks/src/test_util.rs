//! Helpers for the rules' unit tests: one rule over a config alone, or over a root
//! filesystem made in a temporary directory and read through the `dir:` source.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use estiba_diagnostics::Finding;
use estiba_image::{ImageConfig, OpenOptions};

use crate::{ImageCheck, ImageSettings};

pub(crate) fn settings() -> ImageSettings {
    ImageSettings {
        today: "2026-12-05".to_owned(),
        max_age_days: 90,
    }
}

/// A config whose history records `steps` (`created_by` lines), base first.
pub(crate) fn config_with_history(steps: &[&str]) -> ImageConfig {
    ImageConfig {
        history: steps
            .iter()
            .map(|s| estiba_image::History {
                created_by: Some((*s).to_owned()),
                ..estiba_image::History::default()
            })
            .collect(),
        ..ImageConfig::default()
    }
}

/// The findings of `rule` on an image with `config` and an empty filesystem.
pub(crate) fn run_on_config(rule: &dyn ImageCheck, config: &ImageConfig) -> Vec<Finding> {
    crate::check_config(rule, config, &settings())
}

/// A root filesystem in a temporary directory.
pub(crate) struct Root {
    pub(crate) dir: tempfile::TempDir,
}

impl Root {
    pub(crate) fn new() -> Root {
        Root {
            dir: tempfile::tempdir().expect("temporary directory"),
        }
    }

    fn path(&self, path: &str) -> std::path::PathBuf {
        self.dir.path().join(path.trim_start_matches('/'))
    }

    /// A regular file with `contents` and `mode`.
    pub(crate) fn file(&self, path: &str, contents: &str, mode: u32) -> &Root {
        let full = self.path(path);
        std::fs::create_dir_all(full.parent().expect("not the root")).expect("mkdir");
        std::fs::write(&full, contents).expect("write");
        std::fs::set_permissions(&full, std::fs::Permissions::from_mode(mode)).expect("chmod");
        self
    }

    pub(crate) fn dir(&self, path: &str) -> &Root {
        std::fs::create_dir_all(self.path(path)).expect("mkdir");
        self
    }

    /// A symbolic link at `path` to `target`, as written.
    pub(crate) fn symlink(&self, path: &str, target: &str) -> &Root {
        let full = self.path(path);
        std::fs::create_dir_all(full.parent().expect("not the root")).expect("mkdir");
        std::os::unix::fs::symlink(Path::new(target), &full).expect("symlink");
        self
    }

    /// Every finding of a full scan of this root, with the distribution identified.
    pub(crate) fn scan(&self) -> crate::ImageScan {
        let source = format!("dir:{}", self.dir.path().display());
        let options = OpenOptions::default();
        let image = estiba_image::open_str(&source, &options).expect("open dir source");
        crate::scan(image.as_ref(), &source, &options.limits, &settings(), None).expect("scan")
    }

    /// The findings of rule `code` in a full scan of this root.
    pub(crate) fn findings(&self, code: &str) -> Vec<Finding> {
        self.scan()
            .findings
            .into_iter()
            .filter(|f| f.rule == code)
            .collect()
    }
}
