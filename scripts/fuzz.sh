#!/usr/bin/env bash
# Run the fuzz targets by hand (not part of CI): seeds come from the real corpus and
# BuildKit's vectors. Usage: scripts/fuzz.sh [TARGET] [SECONDS]   (default: all, 1800 s each)
set -euo pipefail
cd "$(dirname "$0")/.."
command -v cargo-fuzz >/dev/null 2>&1 || cargo install --locked cargo-fuzz
targets=${1:-"dockerfile shell lint"}
seconds=${2:-1800}
for target in $targets; do
    corpus=fuzz/corpus/$target
    mkdir -p "$corpus"
    if [[ -z $(ls -A "$corpus") ]]; then
        # `head` closes the pipe early; that SIGPIPE is expected, not a failure.
        set +o pipefail
        case $target in
            shell) find testdata/dockerfiles -type f -name '*Dockerfile*' | head -300 |
                       while read -r f; do grep -h '^RUN ' "$f" | cut -c5- ; done | split -l 3 - "$corpus/seed-" ;;
            *) find testdata/dockerfiles testdata/buildkit-parser -type f ! -name '*.tsv' ! -name '*.md' |
                   head -500 | while read -r f; do cp "$f" "$corpus/$(sha256sum "$f" | cut -c1-16)"; done ;;
        esac
        set -o pipefail
    fi
    echo "== fuzzing $target for $seconds s"
    # The machine has only a stable toolchain; RUSTC_BOOTSTRAP lets cargo-fuzz pass the
    # sanitizer flags it needs.
    RUSTC_BOOTSTRAP=1 cargo fuzz run "$target" "$corpus" -- -max_total_time="$seconds" -max_len=65536 -timeout=10
done
