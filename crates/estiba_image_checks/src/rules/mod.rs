//! The registry of image rules. Codes are stable and never reused.

mod accounts;
mod age;
mod cache_left;
mod config_user_root;
mod env_secret;
mod file_secret;
mod git_directory;
mod healthcheck_missing;
mod history_secret;
mod labels_missing;
mod port_exposed;
mod setuid_file;
mod wasted_space;
mod world_writable;

pub use accounts::{RootUidAccount, ShadowPasswordEmpty};
pub use age::ImageAge;
pub use cache_left::CacheLeft;
pub use config_user_root::ConfigUserRoot;
pub use env_secret::EnvSecret;
pub use file_secret::FileSecretRule;
pub use git_directory::GitDirectory;
pub use healthcheck_missing::HealthcheckMissing;
pub use history_secret::HistorySecret;
pub use labels_missing::LabelsMissing;
pub use port_exposed::PortExposed;
pub use setuid_file::SetuidFile;
pub use wasted_space::WastedSpace;
pub use world_writable::WorldWritable;

use crate::ImageCheck;

pub static RULES: &[&dyn ImageCheck] = &[
    &ConfigUserRoot,
    &HealthcheckMissing,
    &EnvSecret,
    &HistorySecret,
    &FileSecretRule,
    &SetuidFile,
    &WorldWritable,
    &PortExposed,
    &ImageAge,
    &LabelsMissing,
    &WastedSpace,
    &CacheLeft,
    &GitDirectory,
    &ShadowPasswordEmpty,
    &RootUidAccount,
];
