//! The registry of image rules. Codes are stable and never reused.

mod accounts;
mod age;
mod cache_left;
mod config_user_root;
mod distro_end_of_life;
mod entrypoint_shell;
mod env_secret;
mod file_secret;
mod git_directory;
mod healthcheck_missing;
mod history_add_remote;
mod history_download_executed;
mod history_secret;
mod label_secret;
mod labels_missing;
mod port_exposed;
mod setuid_file;
mod shell_present;
mod sshd_present;
mod wasted_space;
mod world_writable;

pub use accounts::{RootUidAccount, ShadowPasswordEmpty, ShadowPasswordSet};
pub use age::ImageAge;
pub(crate) use age::age_days;
pub use cache_left::CacheLeft;
pub use config_user_root::ConfigUserRoot;
pub use distro_end_of_life::DistroEndOfLife;
pub use entrypoint_shell::EntrypointShell;
pub use env_secret::EnvSecret;
pub use file_secret::FileSecretRule;
pub use git_directory::GitDirectory;
pub use healthcheck_missing::HealthcheckMissing;
pub use history_add_remote::HistoryAddRemote;
pub use history_download_executed::HistoryDownloadExecuted;
pub use history_secret::HistorySecret;
pub use label_secret::LabelSecret;
pub use labels_missing::LabelsMissing;
pub use port_exposed::PortExposed;
pub use setuid_file::SetuidFile;
pub use shell_present::ShellPresent;
pub use sshd_present::SshdPresent;
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
    &ShadowPasswordSet,
    &RootUidAccount,
    &HistoryAddRemote,
    &HistoryDownloadExecuted,
    &EntrypointShell,
    &LabelSecret,
    &DistroEndOfLife,
    &SshdPresent,
    &ShellPresent,
];
