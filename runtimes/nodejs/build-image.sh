#!/usr/bin/env bash
# Builds the Node.js action runtime image without any registry: the root filesystem is the host's
# own node binary plus the shared libraries it links, a minimal /etc, a 1777 /tmp and the proxy
# under /app, turned into an image with `docker import` (DEPENDENCIES.md §5).
#
# Usage: build-image.sh [--force] [--check] [IMAGE]
#   IMAGE     image name; default $WHISK_NODEJS_IMAGE, else whisk/action-nodejs-v20:latest
#   --force   rebuild even when the image's labels say it is up to date
#   --check   afterwards, start a container, POST /init and /run to it, and remove it
# Environment: NODE_BIN (default /usr/bin/node) is the binary copied to /usr/bin/node in the image.
#
# Idempotent: the image carries the sha256 of the proxy sources and of the node binary as labels;
# when both match, nothing is rebuilt. Prints the image name last.
set -euo pipefail

readonly DEFAULT_IMAGE="whisk/action-nodejs-v20:latest"
readonly PROXY_LABEL="whisk.proxy.sha256"
readonly NODE_LABEL="whisk.node.sha256"
readonly SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly PROXY_DIR="$SCRIPT_DIR/proxy"
readonly NODE_BIN="${NODE_BIN:-/usr/bin/node}"

usage() {
    # The header comment, up to the first line that is not a comment.
    awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"
}

log() {
    echo "build-image: $*" >&2
}

die() {
    log "error: $*"
    exit 1
}

# The proxy sources that go into /app: every top-level .js of proxy/ (tests and testkit stay out).
proxy_sources() {
    find "$PROXY_DIR" -maxdepth 1 -type f -name '*.js' -print | LC_ALL=C sort
}

proxy_hash() {
    local files
    mapfile -t files < <(proxy_sources)
    [ "${#files[@]}" -gt 0 ] || die "no proxy sources in $PROXY_DIR"
    cat "${files[@]}" | sha256sum | cut -d' ' -f1
}

image_label() {
    docker image inspect --format "{{ index .Config.Labels \"$2\" }}" "$1" 2>/dev/null || true
}

# Copies node and every shared library ldd lists (including the dynamic loader) into the rootfs.
copy_node() {
    local rootfs="$1" libs lib
    install -D -m 0755 "$NODE_BIN" "$rootfs/usr/bin/node"
    # A statically linked node makes ldd fail with "not a dynamic executable": then there is nothing to copy.
    libs="$(ldd "$NODE_BIN" 2>/dev/null | grep -oE '/[^ ]+' || true)"
    for lib in $libs; do
        # -L turns symlinks such as /lib64/ld-linux-x86-64.so.2 into real files.
        cp -L --parents "$lib" "$rootfs/"
    done
}

make_rootfs() {
    local rootfs="$1" file
    mkdir -p "$rootfs/usr/bin" "$rootfs/etc" "$rootfs/tmp" "$rootfs/app"
    chmod 0755 "$rootfs" "$rootfs/usr" "$rootfs/usr/bin" "$rootfs/etc" "$rootfs/app"
    chmod 1777 "$rootfs/tmp"
    copy_node "$rootfs"
    printf 'root:x:0:0:root:/root:/bin/false\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' \
        > "$rootfs/etc/passwd"
    printf 'root:x:0:\nnogroup:x:65534:\n' > "$rootfs/etc/group"
    chmod 0644 "$rootfs/etc/passwd" "$rootfs/etc/group"
    while IFS= read -r file; do
        install -m 0644 "$file" "$rootfs/app/"
    done < <(proxy_sources)
}

build() {
    local image="$1" proxy_sha="$2" node_sha="$3" rootfs old_id
    rootfs="$(mktemp -d)"
    # shellcheck disable=SC2064 # expand now: the variable is local
    trap "rm -rf '$rootfs'" EXIT
    make_rootfs "$rootfs"
    old_id="$(docker image inspect --format '{{.Id}}' "$image" 2>/dev/null || true)"

    # Files owned by root (the proxy runs as nobody and must not be able to change /app);
    # sorted names and a fixed mtime keep the layer the same for the same inputs.
    tar -C "$rootfs" --sort=name --mtime='@0' --owner=0 --group=0 --numeric-owner -c . |
        docker import \
            --change 'CMD ["/usr/bin/node","/app/server.js"]' \
            --change 'USER 65534' \
            --change 'EXPOSE 8080' \
            --change 'WORKDIR /app' \
            --change "LABEL $PROXY_LABEL=$proxy_sha" \
            --change "LABEL $NODE_LABEL=$node_sha" \
            --message "whisk nodejs action runtime (proxy $proxy_sha)" \
            - "$image" > /dev/null

    rm -rf "$rootfs"
    trap - EXIT
    # The previous build is now untagged; drop it unless something still uses it.
    local new_id
    new_id="$(docker image inspect --format '{{.Id}}' "$image")"
    if [ -n "$old_id" ] && [ "$old_id" != "$new_id" ]; then
        docker image rm "$old_id" > /dev/null 2>&1 || true
    fi
}

# Starts a throwaway container, inits and runs a hello action over the bridge network, removes it.
check() {
    local image="$1" container ip
    container="$(docker run -d --rm --network bridge --label whisk.nodejs.image-check=true "$image")"
    # shellcheck disable=SC2064 # expand now: the variable is local
    trap "docker rm -f '$container' > /dev/null 2>&1 || true" EXIT
    ip="$(docker inspect --format '{{ .NetworkSettings.Networks.bridge.IPAddress }}' "$container")"
    [ -n "$ip" ] || die "container $container has no bridge address"
    log "checking $image in container ${container:0:12} at $ip:8080"
    # The host's node is the HTTP client, so the check needs no curl.
    "$NODE_BIN" - "$ip" <<'EOF'
const http = require('http');
const host = process.argv[2];
const post = (path, body, attempt = 0) => new Promise((resolve, reject) => {
    const payload = JSON.stringify(body);
    const req = http.request({ host, port: 8080, method: 'POST', path,
        headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) } }, (res) => {
        let text = '';
        res.on('data', (c) => { text += c; });
        res.on('end', () => resolve({ status: res.statusCode, text }));
    });
    req.on('error', (e) => {
        // The proxy needs a few tens of ms after `docker run` returns; retry refused connects briefly.
        if (e.code === 'ECONNREFUSED' && attempt < 100) {
            setTimeout(() => post(path, body, attempt + 1).then(resolve, reject), 20);
        } else {
            reject(e);
        }
    });
    req.end(payload);
});
(async () => {
    const init = await post('/init', { value: { name: 'hello', main: 'main', binary: false,
        code: 'function main(p) { return { greeting: "Hello " + p.name, uid: process.getuid() }; }' } });
    console.error(`/init -> ${init.status} ${init.text}`);
    const run = await post('/run', { value: { name: 'image' }, activation_id: '0'.repeat(32) });
    console.error(`/run  -> ${run.status} ${run.text}`);
    const ok = init.status === 200 && run.status === 200 &&
        JSON.parse(run.text).greeting === 'Hello image' && JSON.parse(run.text).uid === 65534;
    process.exit(ok ? 0 : 1);
})().catch((e) => { console.error(e); process.exit(1); });
EOF
    docker rm -f "$container" > /dev/null
    trap - EXIT
    log "check passed"
}

main() {
    local force=0 run_check=0 image="${WHISK_NODEJS_IMAGE:-$DEFAULT_IMAGE}" arg
    for arg in "$@"; do
        case "$arg" in
            --force) force=1 ;;
            --check) run_check=1 ;;
            -h | --help) usage; exit 0 ;;
            -*) usage >&2; die "unknown option $arg" ;;
            *) image="$arg" ;;
        esac
    done
    command -v docker > /dev/null || die "docker CLI not found"
    [ -x "$NODE_BIN" ] || die "node binary not found at $NODE_BIN"
    local version
    version="$("$NODE_BIN" --version)"
    case "$version" in
        v20.*) ;;
        *) log "warning: $NODE_BIN is $version, but the image is meant for Node.js 20" ;;
    esac

    local proxy_sha node_sha
    proxy_sha="$(proxy_hash)"
    node_sha="$(sha256sum "$NODE_BIN" | cut -d' ' -f1)"
    if [ "$force" -eq 0 ] && [ "$(image_label "$image" "$PROXY_LABEL")" = "$proxy_sha" ] &&
        [ "$(image_label "$image" "$NODE_LABEL")" = "$node_sha" ]; then
        log "$image is up to date (proxy $proxy_sha, node $version)"
    else
        log "building $image from $NODE_BIN ($version), proxy $proxy_sha"
        build "$image" "$proxy_sha" "$node_sha"
        log "built $image ($(docker image inspect --format '{{.Size}}' "$image") bytes)"
    fi
    if [ "$run_check" -eq 1 ]; then
        check "$image"
    fi
    echo "$image"
}

main "$@"
