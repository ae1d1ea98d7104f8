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
# DIR/env sets ESTIBA_TEST_DOCKER_HOST, ESTIBA_TEST_REGISTRY and ESTIBA_TEST_IMAGES; tests
# that need a service skip with a message when its variable is unset.
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
# HEALTHCHECK.
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
LABEL org.opencontainers.image.title=planted
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
EXPOSE 22 8080
CMD ["/bin/sh"]
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
        skopeo copy -q --dest-tls-verify=false --dest-compress-format zstd \
            "docker-archive:$out/$name.docker.tar" "docker://$REGISTRY/estiba-test/$name:zstd" >/dev/null
    done
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
        export_images
        {
            echo "export ESTIBA_TEST_DOCKER_HOST=$DOCKER_HOST_URL"
            echo "export ESTIBA_TEST_REGISTRY=$REGISTRY"
            echo "export ESTIBA_TEST_AUTH_REGISTRY=127.0.0.1:$auth_port"
            echo "export ESTIBA_TEST_AUTH_PASSWORD_FILE=$DIR/registry-password"
            echo "export ESTIBA_TEST_IMAGES=$DIR/images"
            echo "export ESTIBA_TEST_PLANTED_TOKEN_FILE=$DIR/planted-token"
        } >"$DIR/env"
        echo "== services ready: $DIR/env"
        ;;
    stop)
        pids=()
        for pidfile in "$DIR"/registry.pid "$DIR"/registry-auth.pid "$DIR"/dockerd.pid; do
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
