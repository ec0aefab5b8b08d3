#!/bin/sh
# Installs the Debian packages the test suite drives for real: PostgreSQL server binaries and Chromium.
# Runs only under CI (see the Makefile); a developer machine is left alone.
set -eu
need=""
command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need="$need postgresql"
command -v chromium >/dev/null 2>&1 || need="$need chromium"
if [ -n "$need" ]; then
    echo "Installing system packages:$need"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # shellcheck disable=SC2086
    apt-get install -y -qq --no-install-recommends $need >/dev/null
fi
