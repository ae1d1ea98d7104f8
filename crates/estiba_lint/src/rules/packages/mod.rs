//! Rules about package managers in `RUN`: versions pinned, prompts answered, caches and
//! package lists kept out of the image.
//!
//! The rules share one recogniser of package-manager calls ([`manager`]) over the shell
//! command model, one view of each `RUN` with its stage and mounts ([`run`]), the
//! knowledge of where caches live and what removes them ([`cleanup`]), and the per-manager
//! version syntax ([`pins`]).

mod cleanup;
mod manager;
mod pins;
mod rpm;
mod run;

mod apk_add_cache;
mod apk_add_unpinned;
mod apt_get_install_recommends;
mod apt_get_install_unpinned;
mod apt_get_install_without_yes;
mod apt_lists_not_removed;
mod apt_used;
mod cache_mount_missing;
mod dnf_cache_not_cleaned;
mod dnf_install_unpinned;
mod dnf_install_without_yes;
mod gem_install_unpinned;
mod go_install_unpinned;
mod npm_install_unpinned;
mod package_cache_left;
mod package_upgrade_in_build;
mod pip_install_cache;
mod pip_install_unpinned;
mod yarn_cache_not_cleaned;
mod yum_cache_not_cleaned;
mod yum_install_unpinned;
mod yum_install_without_yes;
mod zypper_cache_not_cleaned;
mod zypper_dist_upgrade;
mod zypper_install_unpinned;
mod zypper_without_non_interactive;

pub(crate) use apk_add_cache::ApkAddCache;
pub(crate) use apk_add_unpinned::ApkAddUnpinned;
pub(crate) use apt_get_install_recommends::AptGetInstallRecommends;
pub(crate) use apt_get_install_unpinned::AptGetInstallUnpinned;
pub(crate) use apt_get_install_without_yes::AptGetInstallWithoutYes;
pub(crate) use apt_lists_not_removed::AptListsNotRemoved;
pub(crate) use apt_used::AptUsed;
pub(crate) use cache_mount_missing::CacheMountMissing;
pub(crate) use dnf_cache_not_cleaned::DnfCacheNotCleaned;
pub(crate) use dnf_install_unpinned::DnfInstallUnpinned;
pub(crate) use dnf_install_without_yes::DnfInstallWithoutYes;
pub(crate) use gem_install_unpinned::GemInstallUnpinned;
pub(crate) use go_install_unpinned::GoInstallUnpinned;
pub(crate) use npm_install_unpinned::NpmInstallUnpinned;
pub(crate) use package_cache_left::PackageCacheLeft;
pub(crate) use package_upgrade_in_build::PackageUpgradeInBuild;
pub(crate) use pip_install_cache::PipInstallCache;
pub(crate) use pip_install_unpinned::PipInstallUnpinned;
pub(crate) use yarn_cache_not_cleaned::YarnCacheNotCleaned;
pub(crate) use yum_cache_not_cleaned::YumCacheNotCleaned;
pub(crate) use yum_install_unpinned::YumInstallUnpinned;
pub(crate) use yum_install_without_yes::YumInstallWithoutYes;
pub(crate) use zypper_cache_not_cleaned::ZypperCacheNotCleaned;
pub(crate) use zypper_dist_upgrade::ZypperDistUpgrade;
pub(crate) use zypper_install_unpinned::ZypperInstallUnpinned;
pub(crate) use zypper_without_non_interactive::ZypperWithoutNonInteractive;

use crate::rule::Rule;

pub(crate) const RULES: &[&dyn Rule] = &[
    &AptGetInstallUnpinned,
    &AptListsNotRemoved,
    &AptGetInstallWithoutYes,
    &AptGetInstallRecommends,
    &AptUsed,
    &PackageUpgradeInBuild,
    &ApkAddUnpinned,
    &ApkAddCache,
    &PipInstallUnpinned,
    &PipInstallCache,
    &NpmInstallUnpinned,
    &GemInstallUnpinned,
    &YumInstallWithoutYes,
    &YumCacheNotCleaned,
    &YumInstallUnpinned,
    &ZypperWithoutNonInteractive,
    &ZypperDistUpgrade,
    &ZypperCacheNotCleaned,
    &ZypperInstallUnpinned,
    &DnfInstallWithoutYes,
    &DnfCacheNotCleaned,
    &DnfInstallUnpinned,
    &YarnCacheNotCleaned,
    &GoInstallUnpinned,
    &PackageCacheLeft,
    &CacheMountMissing,
];

#[cfg(test)]
mod tests {
    use test_case::test_case;

    use crate::test_util::test_rule;

    #[test_case("SH001", "SH001.Dockerfile")]
    #[test_case("SH002", "SH002.Dockerfile")]
    #[test_case("SH003", "SH003.Dockerfile")]
    #[test_case("SH004", "SH004.Dockerfile")]
    #[test_case("SH005", "SH005.Dockerfile")]
    #[test_case("SH006", "SH006.Dockerfile")]
    #[test_case("SH007", "SH007.Dockerfile")]
    #[test_case("SH008", "SH008.Dockerfile")]
    #[test_case("SH009", "SH009.Dockerfile")]
    #[test_case("SH010", "SH010.Dockerfile")]
    #[test_case("SH011", "SH011.Dockerfile")]
    #[test_case("SH012", "SH012.Dockerfile")]
    #[test_case("SH013", "SH013.Dockerfile")]
    #[test_case("SH014", "SH014.Dockerfile")]
    #[test_case("SH015", "SH015.Dockerfile")]
    #[test_case("SH016", "SH016.Dockerfile")]
    #[test_case("SH017", "SH017.Dockerfile")]
    #[test_case("SH018", "SH018.Dockerfile")]
    #[test_case("SH019", "SH019.Dockerfile")]
    #[test_case("SH020", "SH020.Dockerfile")]
    #[test_case("SH021", "SH021.Dockerfile")]
    #[test_case("SH022", "SH022.Dockerfile")]
    #[test_case("SH023", "SH023.Dockerfile")]
    #[test_case("SH024", "SH024.Dockerfile")]
    #[test_case("SH025", "SH025.Dockerfile")]
    #[test_case("SH026", "SH026.Dockerfile")]
    fn rules(code: &str, fixture: &str) {
        let snapshot = test_rule(code, "packages", fixture);
        insta::assert_snapshot!(code, snapshot);
    }
}

/// Run with `cargo test -p estiba_lint corpus -- --ignored --nocapture`.
#[cfg(test)]
mod corpus {
    use crate::Settings;

    /// Surveys the package rules over the corpus; see [`crate::test_util::corpus_survey`].
    #[test]
    #[ignore = "reads the 2,700-file corpus; run by hand when comparing with hadolint"]
    fn corpus_counts() {
        crate::test_util::corpus_survey(super::RULES, Settings::default());
    }
}
