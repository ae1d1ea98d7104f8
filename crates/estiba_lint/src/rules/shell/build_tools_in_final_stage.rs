use super::helpers::{
    Manager, Package, installed_packages, removes_packages, shell_runs, shipped_stages, ships,
};
use crate::checker::{Checker, Sink};
use crate::rule::{Check, declare_rule};

declare_rule! {
    /// ## What it does
    /// Checks for C/C++ compilers and build tools installed by a package manager in a stage
    /// that ships (the final stage and the stages it is built `FROM`): `gcc`, `g++`,
    /// `clang`, versioned `gcc-12` and the like, `gcc-c++`, `gfortran`, `build-essential`,
    /// `build-base`, `alpine-sdk`, `make`, `cmake`, `ninja-build`, `meson`, `autoconf`,
    /// `automake`, `libtool` and RPM's "Development Tools" group.
    ///
    /// Not reported:
    /// * builder stages, which do not ship;
    /// * a `RUN` that removes packages after installing them (`apt-get purge --auto-remove`,
    ///   `apk del .build-deps`, `dnf remove`): the install-build-remove pattern of many
    ///   official images, which leaves no tool behind;
    /// * `-dev`/`-devel` header packages and `git`, which runtime images need too often to
    ///   be a useful signal, and language SDKs (`golang`, `openjdk-*-jdk`, `rustc`), which are
    ///   often the point of the image.
    ///
    /// ## Why is this bad?
    /// A compiler toolchain adds hundreds of megabytes and lets anyone who gets into the
    /// container build and run their own tools. A multi-stage build compiles in a builder
    /// stage and copies only the result into a final stage without the toolchain.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// RUN apt-get update && apt-get install -y --no-install-recommends gcc \
    ///  && pip install --no-cache-dir uwsgi
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.12-slim AS build
    /// RUN apt-get update && apt-get install -y --no-install-recommends gcc \
    ///  && pip wheel --wheel-dir /wheels uwsgi
    ///
    /// FROM python:3.12-slim
    /// COPY --from=build /wheels /wheels
    /// RUN pip install --no-cache-dir /wheels/*
    /// ```
    pub(crate) struct BuildToolsInFinalStage {
        code: "SH112",
        name: "build-tools-in-final-stage",
        title: "Build tools installed in the final stage",
        severity: Info,
        practice: P2,
        references: [cis("4.3")],
        fix: None,
        remediation: "Build in a separate stage and copy only the artifacts into the final stage, or remove the build tools in the same `RUN` that installed them.",
    }
}

impl Check for BuildToolsInFinalStage {
    fn check(&self, cx: &Checker<'_>, out: &mut Sink<'_>) {
        let shipped = shipped_stages(cx);
        for run in shell_runs(cx) {
            // Triggers run in other builds, whose stages we do not know.
            if run.onbuild || !ships(cx, &shipped, run.index) {
                continue;
            }
            let commands = run.commands();
            let mut tools: Vec<Package> = Vec::new();
            for cmd in &commands {
                let Some((manager, packages)) = installed_packages(cx, &run, cmd) else {
                    continue;
                };
                let removed_later = commands
                    .iter()
                    .any(|c| c.range().start > cmd.range().end && removes_packages(c));
                if removed_later {
                    continue;
                }
                tools.extend(
                    packages
                        .into_iter()
                        .filter(|p| is_build_tool(manager, &p.name)),
                );
            }
            let Some(first) = tools.first() else { continue };
            let mut names: Vec<&str> = Vec::new();
            for tool in &tools {
                if !names.contains(&tool.name.as_str()) {
                    names.push(&tool.name);
                }
            }
            let list = names
                .iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(", ");
            let what = if names.len() == 1 {
                "build tool"
            } else {
                "build tools"
            };
            let verb = if names.len() == 1 { "is" } else { "are" };
            out.report(
                run.file_range(first.range),
                format!("{what} {list} {verb} installed in a stage that ships; build in a separate stage"),
            );
        }
    }
}

fn is_build_tool(manager: Manager, name: &str) -> bool {
    let exact = [
        "gcc",
        "g++",
        "clang",
        "gfortran",
        "make",
        "cmake",
        "ninja-build",
        "meson",
        "autoconf",
        "automake",
        "libtool",
    ];
    if exact.contains(&name) {
        return true;
    }
    let versioned = ["gcc-", "g++-", "clang-", "gfortran-"].iter().any(|p| {
        name.strip_prefix(p)
            .is_some_and(|v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()))
    });
    if versioned {
        return true;
    }
    match manager {
        Manager::Apt => name == "build-essential",
        Manager::Apk => matches!(name, "build-base" | "alpine-sdk"),
        Manager::Rpm | Manager::Zypper => {
            matches!(
                name,
                "gcc-c++" | "@development-tools" | "Development Tools" | "@Development Tools"
            )
        }
        Manager::Pacman => name == "base-devel",
    }
}
