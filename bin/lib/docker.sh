#!/usr/bin/env bash
# Makes sure a Docker engine answers on /var/run/docker.sock. As root on Debian it installs docker.io and starts
# dockerd when they are missing; otherwise it says what to do. Sourced by bin/whisk and .ci/run.

whisk_ensure_docker() {
    if docker version >/dev/null 2>&1; then
        return 0
    fi
    if [ "$(id -u)" != "0" ]; then
        echo "whisk: no Docker engine answers. Start one (e.g. 'sudo dockerd &') or run as root so whisk can." >&2
        return 1
    fi
    if ! command -v dockerd >/dev/null 2>&1; then
        echo "whisk: installing Debian's docker.io (no Docker engine on this machine)..." >&2
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -q >&2
        apt-get install -y -q docker.io >&2
    fi
    if ! docker version >/dev/null 2>&1; then
        echo "whisk: starting dockerd (log: /tmp/dockerd.log)..." >&2
        nohup dockerd >/tmp/dockerd.log 2>&1 &
        local i
        for i in $(seq 60); do
            if [ -S /var/run/docker.sock ] && docker version >/dev/null 2>&1; then
                break
            fi
            sleep 1
        done
    fi
    if ! docker version >/dev/null 2>&1; then
        echo "whisk: dockerd did not come up within 60 s; its log follows:" >&2
        tail -50 /tmp/dockerd.log >&2 || true
        return 1
    fi
}
