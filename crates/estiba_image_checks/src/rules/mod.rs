//! The registry of image rules. Codes are stable and never reused.

mod age;
mod config_user_root;
mod env_secret;
mod file_secret;
mod healthcheck_missing;
mod history_secret;
mod labels_missing;
mod port_exposed;
mod setuid_file;
mod world_writable;

pub use age::ImageAge;
pub use config_user_root::ConfigUserRoot;
pub use env_secret::EnvSecret;
pub use file_secret::FileSecretRule;
pub use healthcheck_missing::HealthcheckMissing;
pub use history_secret::HistorySecret;
pub use labels_missing::LabelsMissing;
pub use port_exposed::PortExposed;
pub use setuid_file::SetuidFile;
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
];
