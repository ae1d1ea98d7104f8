//! The registry of catalogers. Each is one file here with its parser and unit tests.

mod apk;
mod binary_banner;
mod bun_lockfile;
mod cargo_lockfile;
mod composer;
mod dotnet;
mod dpkg;
pub(crate) mod elf;
mod gemfile_lock;
mod gemspec;
mod go_binary;
mod go_mod;
mod gradle_lockfile;
mod java_archive;
pub(crate) mod lang;
mod npm_installed;
mod npm_lockfile;
mod pnpm_lockfile;
mod pom_xml;
mod python_installed;
mod python_lockfile;
mod rpm;
mod rust_binary;
mod yarn_lockfile;

pub use apk::Apk;
pub use binary_banner::BinaryBanner;
pub use bun_lockfile::BunLockfile;
pub use cargo_lockfile::CargoLockfile;
pub use composer::Composer;
pub use dotnet::Dotnet;
pub use dpkg::Dpkg;
pub use gemfile_lock::GemfileLock;
pub use gemspec::Gemspec;
pub use go_binary::GoBinary;
pub use go_mod::GoMod;
pub use gradle_lockfile::GradleLockfile;
pub use java_archive::JavaArchive;
pub use lang::pep503;
pub use npm_installed::NpmInstalled;
pub use npm_lockfile::NpmLockfile;
pub use pnpm_lockfile::PnpmLockfile;
pub use pom_xml::PomXml;
pub use python_installed::PythonInstalled;
pub use python_lockfile::PythonLockfile;
pub use rpm::Rpm;
pub use rust_binary::RustBinary;
pub use yarn_lockfile::YarnLockfile;

use crate::cataloger::Cataloger;

/// Every cataloger, in the order their packages are listed.
pub static CATALOGERS: &[&dyn Cataloger] = &[
    &Dpkg,
    &Apk,
    &Rpm,
    &PythonInstalled,
    &PythonLockfile,
    &NpmInstalled,
    &NpmLockfile,
    &YarnLockfile,
    &PnpmLockfile,
    &BunLockfile,
    &CargoLockfile,
    &GoMod,
    &GemfileLock,
    &Gemspec,
    &Composer,
    &Dotnet,
    &GradleLockfile,
    &PomXml,
    &GoBinary,
    &RustBinary,
    &JavaArchive,
    &BinaryBanner,
];
