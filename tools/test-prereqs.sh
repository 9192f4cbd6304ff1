#!/bin/sh
# Installs what the test suite needs beyond npm packages, when it is missing:
#   promtool (Debian package "prometheus") — test/health checks /metrics with `promtool check metrics`.
# The Temporal CLI is built by the test setup itself (src/temporal/cli.ts), like `npm start` does.
set -eu
if ! command -v promtool >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "test prerequisites: installing promtool (Debian package prometheus)…"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >/dev/null
  else
    echo "test prerequisites: promtool is missing; install the 'prometheus' package (or put promtool on PATH)" >&2
  fi
fi
