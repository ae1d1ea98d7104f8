#!/usr/bin/env bash
# Real services for the image tests: a private Docker Engine and an OCI registry on
# loopback, each with its own data directory, plus test images built from scratch with
# planted problems. Nothing is pulled: images come from busybox-static and debootstrap.
#
#   scripts/services.sh start DIR    start dockerd + registry, build images, write DIR/env
#   scripts/services.sh stop DIR [--remove]
#                                    stop what `start` started (by the PIDs it recorded)
#                                    and, with --remove, delete DIR once nothing is mounted there
#
# DIR/env sets ESTIBA_TEST_DOCKER_HOST, ESTIBA_TEST_REGISTRY, ESTIBA_TEST_IMAGES, the
# registries with htpasswd and with token auth (ESTIBA_TEST_AUTH_REGISTRY,
# ESTIBA_TEST_TOKEN_*) and more; tests that need a service skip with a message when its
# variable is unset.
set -euo pipefail

die() { echo "services.sh: $*" >&2; exit 1; }

install_packages() {
    local missing=()
    command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
    command -v docker-registry >/dev/null 2>&1 || missing+=(docker-registry)
    command -v skopeo >/dev/null 2>&1 || missing+=(skopeo)
    [[ -x /bin/busybox ]] || missing+=(busybox-static)
    command -v debootstrap >/dev/null 2>&1 || missing+=(debootstrap)
    command -v htpasswd >/dev/null 2>&1 || missing+=(apache2-utils)
    command -v openssl >/dev/null 2>&1 || missing+=(openssl)
    command -v rpmbuild >/dev/null 2>&1 || missing+=(rpm)
    command -v db5.3_load >/dev/null 2>&1 || missing+=(db5.3-util)
    command -v python3 >/dev/null 2>&1 || missing+=(python3)
    python3 -m pip --version >/dev/null 2>&1 || missing+=(python3-pip)
    command -v npm >/dev/null 2>&1 || missing+=(npm)
    command -v go >/dev/null 2>&1 || missing+=(golang-go)
    ((${#missing[@]})) || return 0
    if [[ $(id -u) != 0 ]] || ! command -v apt-get >/dev/null 2>&1; then
        echo "services.sh: not root or no apt-get; missing ${missing[*]}" >&2
        return 1
    fi
    echo "== installing ${missing[*]}" >&2
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

# The Debian mirror this machine already uses (never a host name written here).
debian_mirror() {
    local uri
    uri=$(grep -h '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}' |
          grep -v -- '-security' | head -n1 || true)
    [[ -n $uri ]] || uri=$(awk '$1 == "deb" {print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
    [[ -n $uri ]] || die "no Debian mirror in the apt sources"
    echo "$uri"
}

docker_cli() { DOCKER_HOST=$DOCKER_HOST_URL /usr/bin/docker "$@"; }

start_dockerd() {
    DOCKER_HOST_URL=unix://$DIR/docker.sock
    dockerd --host "$DOCKER_HOST_URL" --data-root "$DIR/docker-data" \
        --exec-root "$DIR/docker-exec" --pidfile "$DIR/dockerd.pid" \
        --bridge none --iptables=false >"$DIR/dockerd.log" 2>&1 &
    for _ in $(seq 1 60); do
        docker_cli version >/dev/null 2>&1 && return 0
        sleep 1
    done
    tail -20 "$DIR/dockerd.log" >&2
    die "dockerd did not start"
}

start_registry() {
    local port=$1 name=$2 auth=${3:-}
    mkdir -p "$DIR/$name-data"
    {
        echo "version: 0.1"
        echo "log: {level: warn}"
        echo "storage: {filesystem: {rootdirectory: $DIR/$name-data}, delete: {enabled: true}}"
        echo "http: {addr: 127.0.0.1:$port}"
        [[ -z $auth ]] || echo "auth: {htpasswd: {realm: estiba-test, path: $auth}}"
    } >"$DIR/$name.yml"
    docker-registry serve "$DIR/$name.yml" >"$DIR/$name.log" 2>&1 &
    echo $! >"$DIR/$name.pid"
    for _ in $(seq 1 30); do
        curl -s -o /dev/null "http://127.0.0.1:$port/v2/" && return 0
        sleep 0.5
    done
    die "registry $name did not start"
}

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# A busybox image with the problems image checks must find: secrets in ENV, in a build
# arg visible in history, in a file deleted by a later layer; setuid and world-writable
# files; an apt cache; a file written then deleted by the next layer (wasted space); a
# second uid-0 account and an empty root password; an exposed SSH port; no USER, no
# HEALTHCHECK; a secret in a label; an ADD of a URL and a download piped to a shell in
# the history; a shell-form CMD.
build_busybox_image() {
    local ctx=$DIR/ctx-busybox
    mkdir -p "$ctx"
    cp /bin/busybox "$ctx/busybox"
    openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$ctx/id_rsa" 2>/dev/null
    # Random on each run: planted secrets are never real and never the same twice.
    local token secret
    token=ghp_$(openssl rand -hex 18)
    secret=$(openssl rand -base64 30 | tr -d '/+=' | cut -c1-40)
    cat >"$ctx/Dockerfile" <<EOF
FROM scratch
COPY busybox /bin/busybox
RUN ["/bin/busybox", "--install", "-s", "/bin"]
ARG GITHUB_TOKEN
ENV AWS_ACCESS_KEY_ID=AKIA$(openssl rand -hex 8 | tr 'a-f' 'A-F') AWS_SECRET_ACCESS_KEY=$secret
LABEL org.opencontainers.image.title=planted com.example.deploy-token=$(openssl rand -base64 24 | tr -d '/+=')
RUN mkdir -p /root/.ssh /etc /tmp /var/cache/apt/archives /var/lib/apt/lists /data \
 && echo "root:x:0:0:root:/root:/bin/sh" > /etc/passwd \
 && echo "toor:x:0:0:second root:/root:/bin/sh" >> /etc/passwd \
 && echo "root::19000:0:99999:7:::" > /etc/shadow \
 && echo "fetching with \$GITHUB_TOKEN" > /dev/null
COPY id_rsa /root/.ssh/id_rsa
RUN rm /root/.ssh/id_rsa
RUN cp /bin/busybox /bin/suid-shell && chmod 4755 /bin/suid-shell && chmod 0777 /data \
 && dd if=/dev/zero of=/var/cache/apt/archives/big.deb bs=1024 count=2048 2>/dev/null \
 && dd if=/dev/zero of=/var/lib/apt/lists/index bs=1024 count=256 2>/dev/null
RUN dd if=/dev/zero of=/tmp/build-artifact bs=1024 count=3072 2>/dev/null
RUN rm /tmp/build-artifact
# A download fetched by the daemon (the registry's empty JSON) and one piped to a shell.
ADD http://$REGISTRY/v2/ /etc/registry-ping.json
RUN wget -qO- http://127.0.0.1:9/install.sh | sh || true
EXPOSE 22 8080
CMD httpd -f -p 8080
EOF
    docker_cli build -q --build-arg GITHUB_TOKEN="$token" -t estiba-test/planted:1 "$ctx" >/dev/null
    echo "$token" >"$DIR/planted-token"
    echo "$secret" >"$DIR/planted-aws-secret"
}

# A minimal Debian root from the machine's own mirror, imported as one layer, plus a
# second image on top of it with extra packages' leftovers (an apt cache).
build_debian_image() {
    local cache=${ESTIBA_ROOTFS_CACHE:-$DIR}/bookworm-minbase.tar
    if [[ ! -s $cache ]]; then
        local root=$DIR/rootfs
        debootstrap --variant=minbase bookworm "$root" "$(debian_mirror)" >"$DIR/debootstrap.log" 2>&1 ||
            { tail -20 "$DIR/debootstrap.log" >&2; die "debootstrap failed"; }
        tar -C "$root" --numeric-owner -cf "$cache" .
        rm -rf "$root"
    fi
    docker_cli import "$cache" estiba-test/debian:12 >/dev/null
}

# A mixed-ecosystem image on the Debian one, every layer installed by the ecosystem's own
# tool on this machine (the image has no network and no pip): pip --target with old
# pinned pure-Python wheels, npm install with its package-lock.json, a std-only Go
# binary, a jar from a Debian Java package and, when cargo is here, a binary built by
# cargo auditable. What the tools produce is cached under ESTIBA_ROOTFS_CACHE (a new
# directory name when the pins change), so a machine pays for the downloads once.
MIXED_PIP=(requests==2.19.1 urllib3==1.23 chardet==3.0.4 idna==2.7 certifi==2018.4.16
    six==1.11.0 python-dateutil==2.7.3 typing_extensions==3.7.4)
build_mixed_image() {
    local cache=${ESTIBA_ROOTFS_CACHE:-$DIR}/mixed-1 ctx=$DIR/ctx-mixed
    rm -rf "$ctx" && mkdir -p "$ctx" "$cache"
    if [[ ! -f $cache/py.done ]]; then
        rm -rf "$cache/py"
        python3 -m pip install -q --disable-pip-version-check --no-compile --only-binary=:all: \
            --target "$cache/py" "${MIXED_PIP[@]}" >"$DIR/mixed-pip.log" 2>&1 ||
            { tail -20 "$DIR/mixed-pip.log" >&2; die "pip install failed"; }
        rm -rf "$cache/py/bin" && touch "$cache/py.done"
    fi
    if [[ ! -f $cache/node.done ]]; then
        rm -rf "$cache/node" && mkdir -p "$cache/node"
        cat >"$cache/node/package.json" <<'EOF'
{
  "name": "estiba-mixed",
  "version": "1.0.0",
  "private": true,
  "dependencies": {
    "lodash": "4.17.4",
    "minimist": "0.0.8",
    "debug": "2.6.8",
    "@sindresorhus/is": "0.7.0"
  }
}
EOF
        # --ignore-scripts: nothing a package ships is run here.
        (cd "$cache/node" && npm install -q --no-audit --no-fund --ignore-scripts) \
            >"$DIR/mixed-npm.log" 2>&1 || { tail -20 "$DIR/mixed-npm.log" >&2; die "npm install failed"; }
        touch "$cache/node.done"
    fi
    if [[ ! -x $cache/hello-go ]]; then
        local gosrc=$DIR/ctx-mixed-go
        mkdir -p "$gosrc"
        printf 'module estiba-test/hello\n\ngo 1.19\n' >"$gosrc/go.mod"
        printf 'package main\n\nimport "fmt"\n\nfunc main() { fmt.Println("hello") }\n' >"$gosrc/main.go"
        (cd "$gosrc" && CGO_ENABLED=0 GOFLAGS=-buildvcs=false GOCACHE=$DIR/go-cache GOPATH=$DIR/go-path \
            go build -trimpath -o "$cache/hello-go" .) >"$DIR/mixed-go.log" 2>&1 ||
            { tail -20 "$DIR/mixed-go.log" >&2; die "go build failed"; }
        rm -rf "$gosrc"
    fi
    if ! compgen -G "$cache/lib/*.jar" >/dev/null; then
        local debs=$DIR/ctx-mixed-deb
        rm -rf "$debs" && mkdir -p "$debs/x" "$cache/lib"
        (cd "$debs" && { apt-get download -q libcommons-lang3-java >/dev/null 2>&1 ||
            { apt-get update -qq >/dev/null && apt-get download -q libcommons-lang3-java >/dev/null; }; }) ||
            die "apt-get download libcommons-lang3-java failed"
        dpkg-deb -x "$debs"/libcommons-lang3-java_*.deb "$debs/x"
        # The versioned name (a symlink to the unversioned file), as a regular file.
        find "$debs/x/usr/share/java" -name 'commons-lang3-[0-9]*.jar' -exec cp -L {} "$cache/lib/" \;
        compgen -G "$cache/lib/*.jar" >/dev/null || die "no jar in libcommons-lang3-java"
        rm -rf "$debs"
    fi
    # A Go program as Debian builds it (GOPATH mode: build info with the toolchain and
    # the command path, no module versions).
    if [[ ! -x $cache/age ]]; then
        local agedebs=$DIR/ctx-mixed-age
        rm -rf "$agedebs" && mkdir -p "$agedebs/x"
        (cd "$agedebs" && { apt-get download -q age >/dev/null 2>&1 ||
            { apt-get update -qq >/dev/null && apt-get download -q age >/dev/null; }; }) ||
            die "apt-get download age failed"
        dpkg-deb -x "$agedebs"/age_*.deb "$agedebs/x"
        cp "$agedebs/x/usr/bin/age" "$cache/age"
        rm -rf "$agedebs"
    fi
    if [[ ! -x $cache/hello-rust ]] && command -v cargo >/dev/null 2>&1; then
        local tools=${ESTIBA_ROOTFS_CACHE:-$DIR}/cargo-auditable rsrc=$DIR/ctx-mixed-rust
        if [[ ! -x $tools/bin/cargo-auditable ]]; then
            cargo install -q --locked --root "$tools" cargo-auditable >"$DIR/mixed-cargo.log" 2>&1 ||
                { tail -20 "$DIR/mixed-cargo.log" >&2; die "cargo install cargo-auditable failed"; }
        fi
        mkdir -p "$rsrc/src"
        printf '[package]\nname = "hello-rust"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\nitoa = "=1.0.1"\n' \
            >"$rsrc/Cargo.toml"
        printf 'fn main() {\n    println!("{}", itoa::Buffer::new().format(42));\n}\n' >"$rsrc/src/main.rs"
        (cd "$rsrc" && PATH=$tools/bin:$PATH CARGO_TARGET_DIR=$rsrc/target cargo auditable build -q --release) \
            >>"$DIR/mixed-cargo.log" 2>&1 || { tail -20 "$DIR/mixed-cargo.log" >&2; die "cargo auditable build failed"; }
        cp "$rsrc/target/release/hello-rust" "$cache/hello-rust"
        rm -rf "$rsrc"
    fi
    cp -a "$cache/py" "$cache/node" "$cache/lib" "$cache/hello-go" "$cache/age" "$ctx/"
    {
        echo "FROM estiba-test/debian:12"
        echo "COPY py /app/py"
        echo "COPY node /app/node"
        echo "COPY hello-go /usr/local/bin/hello-go"
        echo "COPY age /usr/local/bin/age"
        echo "COPY lib /app/lib"
    } >"$ctx/Dockerfile"
    MIXED_HAS_RUST=0
    if [[ -x $cache/hello-rust ]]; then
        MIXED_HAS_RUST=1
        cp "$cache/hello-rust" "$ctx/"
        echo "COPY hello-rust /usr/local/bin/hello-rust" >>"$ctx/Dockerfile"
    else
        echo "services.sh: no cargo; the mixed image has no cargo-auditable binary" >&2
    fi
    docker_cli build -q -t estiba-test/mixed:1 "$ctx" >/dev/null
    mkdir -p "$DIR/images"
    rm -f "$DIR/images/mixed.docker.tar"
    docker_cli save -o "$DIR/images/mixed.docker.tar" estiba-test/mixed:1
    rm -rf "$ctx"
}

export_images() {
    local out=$DIR/images
    mkdir -p "$out"
    for image in planted:1 debian:12; do
        local name=${image%%:*}
        # A layout is appended to, not replaced: start from nothing on every run.
        rm -rf "$out/$name.docker.tar" "$out/$name.oci" "$out/$name.oci.tar"
        docker_cli save -o "$out/$name.docker.tar" "estiba-test/$image"
        skopeo copy -q "docker-archive:$out/$name.docker.tar" "oci:$out/$name.oci:$image" >/dev/null
        skopeo copy -q "docker-archive:$out/$name.docker.tar" "oci-archive:$out/$name.oci.tar:$image" >/dev/null
        skopeo copy -q --dest-tls-verify=false "docker-archive:$out/$name.docker.tar" \
            "docker://$REGISTRY/estiba-test/$image" >/dev/null
        # zstd layers need an OCI manifest (Docker's schema 2 has no zstd type), and a
        # direct push would reuse the gzip blobs already there: compress into a layout,
        # then push that unchanged.
        rm -rf "$out/$name.zstd.oci"
        skopeo copy -q --format oci --dest-compress-format zstd \
            "docker-archive:$out/$name.docker.tar" "oci:$out/$name.zstd.oci:zstd" >/dev/null
        skopeo copy -q --preserve-digests --dest-tls-verify=false \
            "oci:$out/$name.zstd.oci:zstd" "docker://$REGISTRY/estiba-test/$name:zstd" >/dev/null
        rm -rf "$out/$name.zstd.oci"
    done
}

# OS package databases made by the real tools, in FROM-scratch busybox images: an rpm
# sqlite database written by Debian's rpm from packages built here with rpmbuild, the
# same headers in a Berkeley DB hash `Packages` written by db_load (the layout of
# RHEL 7/8), and an apk installed database in apk-tools' documented format. What rpm
# itself lists goes to DIR/images/*-expected.txt for the tests to compare with.
build_os_db_images() {
    local ctx=$DIR/ctx-osdb out=$DIR/images
    rm -rf "$ctx" && mkdir -p "$ctx/specs" "$ctx/rpmdb" "$ctx/bdb" "$out"
    cp /bin/busybox "$ctx/busybox"
    # Two specs: one with an epoch and subpackages (which share its source RPM), one
    # without an epoch for the build machine's architecture.
    cat >"$ctx/specs/estiba-tools.spec" <<'EOF'
Name: estiba-tools
Version: 1.2.3
Release: 4.fc40
Epoch: 2
Summary: test package
License: MIT AND Apache-2.0
BuildArch: noarch
%description
test package
%package doc
Summary: test subpackage
License: CC-BY-4.0
%description doc
test subpackage
%package data
Summary: test subpackage
%description data
test subpackage
%install
mkdir -p %{buildroot}/usr/bin %{buildroot}/usr/share/doc/estiba-tools %{buildroot}/usr/share/estiba-tools
echo tool >%{buildroot}/usr/bin/estiba-tool
echo doc >%{buildroot}/usr/share/doc/estiba-tools/README
echo data >%{buildroot}/usr/share/estiba-tools/data.txt
%files
/usr/bin/estiba-tool
%files doc
/usr/share/doc/estiba-tools/README
%files data
/usr/share/estiba-tools/data.txt
EOF
    cat >"$ctx/specs/estiba-libs.spec" <<'EOF'
Name: estiba-libs
Version: 0.9
Release: 1.fc40
Summary: test package
License: GPL-2.0-or-later
%description
test package
%install
mkdir -p %{buildroot}/usr/lib64/estiba %{buildroot}/etc
echo lib >%{buildroot}/usr/lib64/estiba/libestiba.txt
echo conf >%{buildroot}/etc/estiba.conf
%files
/usr/lib64/estiba/libestiba.txt
%config /etc/estiba.conf
EOF
    local spec
    for spec in "$ctx"/specs/*.spec; do
        rpmbuild -bb --quiet --define "_topdir $ctx/rpmbuild" --define 'debug_package %{nil}' \
            "$spec" >>"$ctx/rpmbuild.log" 2>&1 || { tail -20 "$ctx/rpmbuild.log" >&2; die "rpmbuild failed"; }
    done
    # Debian's rpm 4.18 writes sqlite; only the database is written (--justdb).
    rpm --define '_db_backend sqlite' --dbpath "$ctx/rpmdb" --initdb 2>/dev/null
    rpm --define '_db_backend sqlite' --dbpath "$ctx/rpmdb" -i --justdb --nodeps --ignorearch --ignoreos \
        "$ctx"/rpmbuild/RPMS/*/*.rpm 2>>"$ctx/rpmbuild.log" || die "rpm --justdb failed"
    local query='%{NAME} %{EPOCHNUM}:%{VERSION}-%{RELEASE}\n'
    rpm --dbpath "$ctx/rpmdb" -qa --qf "$query" | sort >"$out/rpm-expected.txt"
    [[ -s $out/rpm-expected.txt ]] || die "the rpm database lists no package"
    # The same header blobs, keyed by their package number (native byte order, as rpm
    # does), loaded into a Berkeley DB hash database by db_load from its dump format.
    python3 - "$ctx/rpmdb/rpmdb.sqlite" >"$ctx/bdb.dump" <<'EOF'
import sqlite3, struct, sys
db = sqlite3.connect("file:" + sys.argv[1] + "?mode=ro", uri=True)
print("VERSION=3\nformat=bytevalue\ntype=hash\nHEADER=END")
for hnum, blob in db.execute("SELECT hnum, blob FROM Packages ORDER BY hnum"):
    print(" " + struct.pack("=I", hnum).hex())
    print(" " + bytes(blob).hex())
print("DATA=END")
EOF
    db5.3_load -f "$ctx/bdb.dump" "$ctx/bdb/Packages"
    # rpm's own read-only Berkeley DB reader must list the same packages.
    rpm --define '_db_backend bdb_ro' --dbpath "$ctx/bdb" -qa --qf "$query" 2>/dev/null |
        sort >"$out/rpm-bdb-expected.txt"
    cmp -s "$out/rpm-expected.txt" "$out/rpm-bdb-expected.txt" || die "rpm reads the Berkeley DB copy differently"
    printf 'FROM scratch\nCOPY busybox /bin/busybox\nCOPY os-release /etc/os-release\nCOPY rpmdb/rpmdb.sqlite /var/lib/rpm/rpmdb.sqlite\n' \
        >"$ctx/Dockerfile.rpm"
    printf 'NAME="Fedora Linux"\nID=fedora\nVERSION_ID=40\n' >"$ctx/os-release"
    docker_cli build -q -f "$ctx/Dockerfile.rpm" -t estiba-test/rpm:1 "$ctx" >/dev/null
    printf 'FROM scratch\nCOPY busybox /bin/busybox\nCOPY os-release-centos /etc/os-release\nCOPY bdb/Packages /var/lib/rpm/Packages\n' \
        >"$ctx/Dockerfile.rpm-bdb"
    printf 'NAME="CentOS Linux"\nID="centos"\nVERSION_ID="7"\n' >"$ctx/os-release-centos"
    docker_cli build -q -f "$ctx/Dockerfile.rpm-bdb" -t estiba-test/rpm-bdb:1 "$ctx" >/dev/null
    # apk-tools' installed database: P name, V version, A arch, o origin, L licence,
    # F directory and R files in it, C checksum, t build time.
    mkdir -p "$ctx/apk"
    cat >"$ctx/apk/installed" <<'EOF'
C:Q1Kq4AHgxNBtrQKrz66nGnGxmiQIU=
P:musl
V:1.2.5-r0
A:x86_64
S:408280
I:665600
T:the musl c library (libc) implementation
U:https://musl.libc.org/
L:MIT
o:musl
t:1712598826
F:lib
R:ld-musl-x86_64.so.1
a:0:0:755
R:libc.musl-x86_64.so.1

C:Q1J0ptdAgV3Za8xW5eFNaTMQvJTRQ=
P:busybox
V:1.36.1-r29
A:x86_64
L:GPL-2.0-only
o:busybox
t:1716807932
F:bin
R:busybox
a:0:0:755

C:Q1sSNCgLWk5d/sK0Bc7xq0QkvL4XY=
P:busybox-binsh
V:1.36.1-r29
A:x86_64
L:GPL-2.0-only
o:busybox
t:1716807932
F:bin
R:sh

C:Q1iZ+C2JJdBlm2KkoSH2GXbIA7xEE=
P:alpine-baselayout-data
V:3.6.5-r0
A:x86_64
L:GPL-2.0-only
o:alpine-baselayout
t:1714981135
F:etc
R:fstab
R:group
R:passwd

C:Q1V1cwoWy4X6v5JfZf9TqzJ1ZCLOA=
P:zlib
V:1.3.1-r1
A:x86_64
L:Zlib
o:zlib
t:1714056476
F:lib
R:libz.so.1
R:libz.so.1.3.1
EOF
    printf 'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.20.3\n' >"$ctx/os-release-alpine"
    printf 'FROM scratch\nCOPY busybox /bin/busybox\nCOPY os-release-alpine /etc/os-release\nCOPY apk/installed /lib/apk/db/installed\n' \
        >"$ctx/Dockerfile.apk"
    docker_cli build -q -f "$ctx/Dockerfile.apk" -t estiba-test/apk:1 "$ctx" >/dev/null
    awk -F: '$1 == "P" {name = $2} $1 == "V" {print name, $2}' "$ctx/apk/installed" | sort >"$out/apk-expected.txt"
    local image
    for image in rpm rpm-bdb apk; do
        rm -f "$out/$image.docker.tar"
        docker_cli save -o "$out/$image.docker.tar" "estiba-test/$image:1"
    done
}

# The planted image in the htpasswd registry too, for the credential tests.
push_auth_images() {
    skopeo copy -q --dest-tls-verify=false --dest-creds "estiba:$(cat "$DIR/registry-password")" \
        "docker-archive:$DIR/images/planted.docker.tar" "docker://$AUTH_REGISTRY/estiba-test/planted:1" >/dev/null
}

# A two-platform image (linux/amd64 and linux/arm64) pushed as a manifest list. Each
# is FROM scratch + COPY, so no emulator is needed to build the foreign one.
push_multi_platform_image() {
    local ctx=$DIR/ctx-multi arch
    export DOCKER_CONFIG=$DIR/docker-cli
    mkdir -p "$ctx" "$DOCKER_CONFIG"
    printf 'FROM scratch\nCOPY arch /arch\n' >"$ctx/Dockerfile"
    for arch in amd64 arm64; do
        echo "$arch" >"$ctx/arch"
        docker_cli build -q --platform "linux/$arch" -t "estiba-test/multi:$arch" "$ctx" >/dev/null
        docker_cli save -o "$ctx/$arch.tar" "estiba-test/multi:$arch"
        skopeo copy -q --dest-tls-verify=false "docker-archive:$ctx/$arch.tar" \
            "docker://$REGISTRY/estiba-test/multi:$arch" >/dev/null
    done
    DOCKER_CLI_EXPERIMENTAL=enabled docker_cli manifest create --insecure \
        "$REGISTRY/estiba-test/multi:1" "$REGISTRY/estiba-test/multi:amd64" \
        "$REGISTRY/estiba-test/multi:arm64" >/dev/null
    DOCKER_CLI_EXPERIMENTAL=enabled docker_cli manifest push --insecure \
        "$REGISTRY/estiba-test/multi:1" >/dev/null
    unset DOCKER_CONFIG
}

b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }

# A JWT as the registry's token auth expects it: RS256, the signing certificate in
# `x5c`, access claims for the given repository actions ("pull" or "pull,push").
mint_token() {
    local actions=$1 now header claims jti
    now=$(date +%s)
    jti=$(openssl rand -hex 16)
    header=$(printf '{"typ":"JWT","alg":"RS256","x5c":["%s"]}' \
        "$(openssl x509 -in "$DIR/token-cert.pem" -outform DER | openssl base64 -A)" | b64url)
    claims=$(printf '{"iss":"estiba-test-issuer","sub":"estiba","aud":"estiba-test-registry","exp":%d,"nbf":%d,"iat":%d,"jti":"%s","access":[{"type":"repository","name":"estiba-test/planted","actions":[%s]}]}' \
        $((now + 10 * 365 * 86400)) $((now - 3600)) $((now - 3600)) "$jti" \
        "$(echo "$actions" | sed 's/[a-z]*/"&"/g')" | b64url)
    printf '%s.%s.%s' "$header" "$claims" \
        "$(printf '%s.%s' "$header" "$claims" | openssl dgst -sha256 -sign "$DIR/token-key.pem" -binary | b64url)"
}

# A registry with bearer-token auth whose realm is a port nobody serves here: the tests
# start their own token server on it. The tokens are minted here, long-lived, with the
# key the registry trusts; a push token puts the planted image in.
start_token_registry() {
    local port=$1 realm_port=$2 name=registry-token
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=estiba-test-token-issuer" \
        -keyout "$DIR/token-key.pem" -out "$DIR/token-cert.pem" 2>/dev/null
    mkdir -p "$DIR/$name-data"
    {
        echo "version: 0.1"
        echo "log: {level: warn}"
        echo "storage: {filesystem: {rootdirectory: $DIR/$name-data}, delete: {enabled: true}}"
        echo "http: {addr: 127.0.0.1:$port}"
        echo "auth: {token: {realm: 'http://127.0.0.1:$realm_port/token', service: estiba-test-registry, issuer: estiba-test-issuer, rootcertbundle: $DIR/token-cert.pem}}"
    } >"$DIR/$name.yml"
    docker-registry serve "$DIR/$name.yml" >"$DIR/$name.log" 2>&1 &
    echo $! >"$DIR/$name.pid"
    local up=0
    for _ in $(seq 1 30); do
        [[ $(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/v2/") == 401 ]] && { up=1; break; }
        sleep 0.5
    done
    ((up)) || die "registry $name did not start"
    mint_token pull >"$DIR/token-pull"
    skopeo copy -q --dest-tls-verify=false --dest-registry-token "$(mint_token pull,push)" \
        "docker-archive:$DIR/images/planted.docker.tar" "docker://127.0.0.1:$port/estiba-test/planted:1" >/dev/null
}

cmd=${1:-}
DIR=${2:-}
[[ -n $cmd && -n $DIR ]] || die "usage: services.sh start|stop DIR"
mkdir -p "$DIR"
DIR=$(cd "$DIR" && pwd)

case $cmd in
    start)
        install_packages || { echo "services.sh: services unavailable; their tests will skip" >&2; exit 0; }
        start_dockerd
        port=$(free_port)
        start_registry "$port" registry
        REGISTRY=127.0.0.1:$port
        htpasswd -Bbn estiba "$(openssl rand -hex 12 | tee "$DIR/registry-password")" >"$DIR/htpasswd"
        auth_port=$(free_port)
        start_registry "$auth_port" registry-auth "$DIR/htpasswd"
        build_busybox_image
        build_debian_image
        build_mixed_image
        export_images
        build_os_db_images
        AUTH_REGISTRY=127.0.0.1:$auth_port
        push_auth_images
        push_multi_platform_image
        token_port=$(free_port)
        token_realm_port=$(free_port)
        start_token_registry "$token_port" "$token_realm_port"
        {
            echo "export ESTIBA_TEST_DOCKER_HOST=$DOCKER_HOST_URL"
            echo "export ESTIBA_TEST_REGISTRY=$REGISTRY"
            echo "export ESTIBA_TEST_AUTH_REGISTRY=127.0.0.1:$auth_port"
            echo "export ESTIBA_TEST_AUTH_PASSWORD_FILE=$DIR/registry-password"
            echo "export ESTIBA_TEST_IMAGES=$DIR/images"
            echo "export ESTIBA_TEST_MIXED_IMAGE=$DIR/images/mixed.docker.tar"
            echo "export ESTIBA_TEST_MIXED_HAS_RUST=$MIXED_HAS_RUST"
            echo "export ESTIBA_TEST_PLANTED_TOKEN_FILE=$DIR/planted-token"
            echo "export ESTIBA_TEST_ZSTD_IMAGE=$REGISTRY/estiba-test/planted:zstd"
            echo "export ESTIBA_TEST_MULTI_PLATFORM_IMAGE=$REGISTRY/estiba-test/multi:1"
            echo "export ESTIBA_TEST_AUTH_IMAGE=$AUTH_REGISTRY/estiba-test/planted:1"
            echo "export ESTIBA_TEST_TOKEN_REGISTRY=127.0.0.1:$token_port"
            echo "export ESTIBA_TEST_TOKEN_REALM_PORT=$token_realm_port"
            echo "export ESTIBA_TEST_TOKEN_FILE=$DIR/token-pull"
        } >"$DIR/env"
        echo "== services ready: $DIR/env"
        ;;
    stop)
        pids=()
        for pidfile in "$DIR"/registry.pid "$DIR"/registry-auth.pid "$DIR"/registry-token.pid "$DIR"/dockerd.pid; do
            [[ -s $pidfile ]] || continue
            pid=$(cat "$pidfile")
            kill "$pid" 2>/dev/null && pids+=("$pid")
        done
        # dockerd unmounts its layers on the way out; wait for it before anything is removed.
        for _ in $(seq 1 40); do
            alive=0
            for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
            ((alive)) || break
            sleep 0.5
        done
        if [[ ${3:-} == --remove ]] && ! grep -q " $DIR/" /proc/mounts; then
            rm -rf "$DIR"
        fi
        ;;
    *) die "unknown command $cmd" ;;
esac
