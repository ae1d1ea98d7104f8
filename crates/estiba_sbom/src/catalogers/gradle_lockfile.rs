//! `gradle.lockfile` (Gradle's dependency locking, one file per project):
//! `group:artifact:version=configuration,…` lines; `empty=` lists configurations
//! that resolved nothing.

use crate::cataloger::{Cataloger, Found};
use crate::catalogers::lang;
use crate::package::Ecosystem;

pub struct GradleLockfile;

const NAME: &str = "gradle-lockfile";

impl Cataloger for GradleLockfile {
    fn name(&self) -> &'static str {
        NAME
    }

    fn version(&self) -> u32 {
        1
    }

    fn wants(&self, path: &str) -> bool {
        lang::file_name(path) == "gradle.lockfile"
    }

    fn read(&self, path: &str, contents: &[u8]) -> Vec<Found> {
        let text = String::from_utf8_lossy(contents);
        let mut packages = Vec::new();
        let mut other = false;
        for line in text.lines().map(str::trim) {
            if line.is_empty() || line.starts_with('#') || line.starts_with("empty=") {
                continue;
            }
            let coordinates = line.split('=').next().unwrap_or(line);
            let parts: Vec<&str> = coordinates.split(':').collect();
            match parts.as_slice() {
                [group, artifact, version]
                    if !group.is_empty() && !artifact.is_empty() && !version.is_empty() =>
                {
                    let name = format!("{group}:{artifact}");
                    packages.push(lang::package(&name, version, Ecosystem::Maven, NAME, path));
                }
                _ => other = true,
            }
            if packages.len() >= lang::MAX_PACKAGES {
                break;
            }
        }
        if packages.is_empty() && other {
            return lang::unreadable("no group:artifact:version line in a gradle.lockfile");
        }
        lang::finish(packages)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogers::lang::ids;

    #[test]
    fn lockfile_lines() {
        let text = "\
# This is a Gradle generated file for dependency locking.
# Manual edits can break the build and are not advised.
# This file is expected to be part of source control.
com.google.guava:failureaccess:1.0.1=compileClasspath,runtimeClasspath
com.google.guava:guava:31.1-jre=compileClasspath,runtimeClasspath
org.apache.logging.log4j:log4j-core:2.14.1=runtimeClasspath
empty=annotationProcessor
";
        let found = GradleLockfile.read("/src/gradle.lockfile", text.as_bytes());
        assert_eq!(
            ids(&found),
            [
                "com.google.guava:failureaccess@1.0.1",
                "com.google.guava:guava@31.1-jre",
                "org.apache.logging.log4j:log4j-core@2.14.1"
            ]
        );
    }

    #[test]
    fn garbage_is_unreadable() {
        let found = GradleLockfile.read("/gradle.lockfile", b"what is this");
        assert!(matches!(found.as_slice(), [Found::Unreadable { .. }]));
    }
}
