#!/usr/bin/env bash
# Run the fuzz targets by hand (not part of CI): seeds come from the real corpus and
# BuildKit's vectors, and for image_archive from small images built here with GNU tar.
# Usage: scripts/fuzz.sh [TARGET] [SECONDS]   (default: dockerfile, shell and lint, 1800 s each;
# image_archive runs only when named)
set -euo pipefail
cd "$(dirname "$0")/.."
command -v cargo-fuzz >/dev/null 2>&1 || cargo install --locked cargo-fuzz
targets=${1:-"dockerfile shell lint"}
seconds=${2:-1800}

# Seeds for image_archive (see fuzz/fuzz_targets/image_archive.rs): the first byte picks
# the mode. Mode 0 is a whole archive (legacy and Docker 25 `docker save`, OCI archives);
# modes 1-4 are a single layer tar (plain, gzip, zstd) that the target wraps itself.
seed_image_archive() {
    local corpus=$1 work
    work=$(mktemp -d)
    # Deterministic, 512-byte records (no padding to 10 KiB), no host owners.
    local tar_opts=(-b1 --owner=0 --group=0 --numeric-owner --mtime=@0 --sort=name)
    local long=a-directory-name-long-enough-to-need-an-extension-header/and-a-file-name-that-pushes-it-past-one-hundred-bytes
    # Base layer: files, setuid, links in and out of the root, a fifo, a sparse file,
    # a long name.
    local r=$work/base
    mkdir -p "$r/etc" "$r/usr/bin" "$r/app" "$r/$(dirname "$long")"
    printf 'root:x:0:0:root:/root:/bin/sh\n' >"$r/etc/passwd"
    printf 'root:*:19000:0:99999:7:::\n' >"$r/etc/shadow" && chmod 600 "$r/etc/shadow"
    printf '\177ELF' >"$r/usr/bin/su" && chmod 4755 "$r/usr/bin/su"
    ln "$r/usr/bin/su" "$r/usr/bin/su2"
    ln -s usr/bin "$r/bin"
    ln -s ../../../../etc/shadow "$r/etc/out"
    ln -s loop-b "$r/etc/loop-a" && ln -s /etc/loop-a "$r/etc/loop-b"
    mkfifo "$r/app/fifo"
    printf 'API_TOKEN=hunter2\n' >"$r/app/.env"
    truncate -s 40960 "$r/app/sparse" && printf 'end' >>"$r/app/sparse"
    printf 'x' >"$r/$long"
    # Top layer: a whiteout, an opaque directory, a file replacing a directory.
    r=$work/top
    mkdir -p "$r/etc" "$r/usr" "$r/app"
    : >"$r/etc/.wh.shadow"
    : >"$r/usr/.wh..wh..opq"
    printf 'new\n' >"$r/app/new.txt"
    printf 'not a dir\n' >"$r/bin"
    local layer fmt
    for layer in base top; do
        tar --format=gnu --sparse "${tar_opts[@]}" -C "$work/$layer" -cf "$work/$layer-gnu.tar" .
        # (pax, without the `./` prefix.)
        tar --format=pax --sparse "${tar_opts[@]}" -C "$work/$layer" -cf "$work/$layer-pax.tar" \
            $(cd "$work/$layer" && ls -A)
        for fmt in gnu pax; do
            gzip -9nc "$work/$layer-$fmt.tar" >"$work/$layer-$fmt.tar.gz"
            if command -v zstd >/dev/null 2>&1; then
                zstd -q -19 -c "$work/$layer-$fmt.tar" >"$work/$layer-$fmt.tar.zst"
            fi
        done
    done
    local mode f
    for mode in 1 2 3 4; do
        for f in "$work"/*-gnu.tar* "$work"/*-pax.tar*; do
            { printf "\\00$mode"; cat "$f"; } >"$corpus/layer-$mode-$(basename "$f")"
        done
    done

    sha() { sha256sum "$1" | cut -c1-64; }
    local base_id top_id
    base_id=$(sha "$work/base-gnu.tar")
    top_id=$(sha "$work/top-pax.tar")
    config() {  # config.json with these diff_ids
        printf '{"architecture":"amd64","os":"linux","config":{"User":"app","Env":["PATH=/usr/bin"],"Entrypoint":["/bin/su"]},"rootfs":{"type":"layers","diff_ids":["sha256:%s","sha256:%s"]},"history":[{"created_by":"ADD base"},{"created_by":"RUN top"}]}' "$1" "$2"
    }
    # Legacy `docker save`: <hex>.json config, <v1 id>/layer.tar, manifest.json.
    local d=$work/legacy cfg
    mkdir -p "$d/1111/" "$d/2222/"
    config "$base_id" "$top_id" >"$d/config"
    cfg=$(sha "$d/config") && mv "$d/config" "$d/$cfg.json"
    cp "$work/base-gnu.tar" "$d/1111/layer.tar" && printf '1.0' >"$d/1111/VERSION"
    cp "$work/top-pax.tar" "$d/2222/layer.tar" && printf '1.0' >"$d/2222/VERSION"
    printf '[{"Config":"%s.json","RepoTags":["app:1"],"Layers":["1111/layer.tar","2222/layer.tar"]}]' \
        "$cfg" >"$d/manifest.json"
    # An OCI layout (`oci-archive:`), gzip layers; the same plus `manifest.json` is what
    # Docker 25+ `docker save` writes.
    local o=$work/oci lz
    mkdir -p "$o/blobs/sha256"
    printf '{"imageLayoutVersion":"1.0.0"}' >"$o/oci-layout"
    blob() { local h; h=$(sha "$1"); cp "$1" "$o/blobs/sha256/$h"; echo "$h"; }
    config "$base_id" "$top_id" >"$work/config.json"
    cfg=$(blob "$work/config.json")
    local l1 l2 m
    l1=$(blob "$work/base-gnu.tar.gz")
    lz=$work/top-pax.tar.zst
    [[ -f $lz ]] || lz=$work/top-pax.tar.gz
    l2=$(blob "$lz")
    printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%d},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:%s","size":%d},{"mediaType":"application/vnd.oci.image.layer.v1.tar+zstd","digest":"sha256:%s","size":%d}]}' \
        "$cfg" "$(stat -c %s "$work/config.json")" "$l1" "$(stat -c %s "$work/base-gnu.tar.gz")" \
        "$l2" "$(stat -c %s "$lz")" >"$work/manifest"
    m=$(blob "$work/manifest")
    local msize
    msize=$(stat -c %s "$work/manifest")
    # index.json -> nested index with platforms and an attestation -> manifest.
    printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%d,"platform":{"os":"linux","architecture":"amd64"}},{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":10,"platform":{"os":"unknown","architecture":"unknown"},"annotations":{"vnd.docker.reference.type":"attestation-manifest"}}]}' \
        "$m" "$msize" "$(printf 0%.0s {1..64})" >"$work/nested"
    local n
    n=$(blob "$work/nested")
    printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.oci.image.index.v1+json","digest":"sha256:%s","size":%d,"annotations":{"org.opencontainers.image.ref.name":"1"}}]}' \
        "$n" "$(stat -c %s "$work/nested")" >"$o/index.json"
    archive() {  # archive NAME DIR: the directory's contents as a tar, mode byte 0
        { printf '\000'; tar --format=gnu "${tar_opts[@]}" -C "$2" -cf - $(cd "$2" && ls -A); } \
            >"$corpus/archive-$1"
    }
    archive docker-legacy "$d"
    archive oci "$o"
    # Docker 25+: the OCI layout plus a `manifest.json` pointing into blobs/.
    cp -r "$o" "$work/docker25"
    printf '[{"Config":"blobs/sha256/%s","RepoTags":["app:1"],"Layers":["blobs/sha256/%s","blobs/sha256/%s"]}]' \
        "$cfg" "$l1" "$l2" >"$work/docker25/manifest.json"
    archive docker25 "$work/docker25"
    # Legacy with the second layer deduplicated by a symlink, as old `docker save` did.
    ln -sf ../1111/layer.tar "$d/2222/layer.tar"
    rm "$d"/*.json
    config "$base_id" "$base_id" >"$d/config"
    cfg=$(sha "$d/config") && mv "$d/config" "$d/$cfg.json"
    printf '[{"Config":"%s.json","RepoTags":["app:1"],"Layers":["1111/layer.tar","2222/layer.tar"]}]' \
        "$cfg" >"$d/manifest.json"
    archive docker-legacy-symlink "$d"
    rm -rf "$work"
    unset -f sha config blob archive
}

for target in $targets; do
    corpus=fuzz/corpus/$target
    mkdir -p "$corpus"
    if [[ -z $(ls -A "$corpus") ]]; then
        # `head` closes the pipe early; that SIGPIPE is expected, not a failure.
        set +o pipefail
        case $target in
            image_archive) seed_image_archive "$corpus" ;;
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
    # A target may have a libFuzzer dictionary next to it (fuzz/TARGET.dict).
    extra=()
    [[ -f fuzz/$target.dict ]] && extra+=(-dict="fuzz/$target.dict")
    RUSTC_BOOTSTRAP=1 cargo fuzz run "$target" "$corpus" -- -max_total_time="$seconds" -max_len=65536 -timeout=10 \
        ${extra[@]+"${extra[@]}"}
done
