#!/usr/bin/env bash
# The whole test suite, on a fresh machine or a developer's: installs what the tests
# need, checks formatting and lints, then runs every test of the workspace.
set -euo pipefail
cd "$(dirname "$0")/.."

# System packages the tests use. Tests that need a missing one skip with a message,
# but CI must always have them, so install when we can (root, apt available).
need_pkgs=()
command -v xmllint >/dev/null 2>&1 || need_pkgs+=(libxml2-utils)
# Reference implementations the version-ordering property tests compare against.
command -v dpkg >/dev/null 2>&1 || need_pkgs+=(dpkg)
command -v rpm >/dev/null 2>&1 || need_pkgs+=(rpm)
command -v ruby >/dev/null 2>&1 || need_pkgs+=(ruby)
command -v mvn >/dev/null 2>&1 || need_pkgs+=(maven)
command -v npm >/dev/null 2>&1 || need_pkgs+=(npm)
if ((${#need_pkgs[@]})); then
    if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null 2>&1; then
        echo "== installing ${need_pkgs[*]}"
        apt-get update -qq >/dev/null
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_pkgs[@]}" >/dev/null
    else
        echo "== not root or no apt-get: tests needing ${need_pkgs[*]} will skip"
    fi
fi

if ! cargo fmt --version >/dev/null 2>&1; then rustup component add rustfmt; fi
if ! cargo clippy --version >/dev/null 2>&1; then rustup component add clippy; fi

# Real services for the image tests: a private dockerd and registries on loopback with
# images built here. Stopped on exit by the PIDs they recorded.
services_dir=$(mktemp -d "${TMPDIR:-/tmp}/estiba-services.XXXXXX")
trap 'scripts/services.sh stop "$services_dir" --remove' EXIT
echo "== starting test services in $services_dir"
if scripts/services.sh start "$services_dir" && [[ -f $services_dir/env ]]; then
    # shellcheck disable=SC1091
    source "$services_dir/env"
elif [[ ${ESTIBA_REQUIRE_SERVICES:-0} == 1 ]]; then
    echo "== test services are required here but did not start" >&2
    exit 1
fi

echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings
echo "== cargo test"
cargo test --workspace --locked
