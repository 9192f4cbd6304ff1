#!/bin/sh
# Installs what the test suite needs beyond npm packages, when it is missing:
#   promtool (Debian package "prometheus") — test/health checks /metrics with `promtool check metrics`.
#   chromium (Debian package "chromium") — test/console drives the reviewer console in a real browser
#     (playwright-core, headless, /usr/bin/chromium).
# The Temporal CLI is built by the test setup itself (src/temporal/cli.ts), like `npm start` does.
set -eu
can_apt() { [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; }
apt_updated=
apt_install() {
  if [ -z "$apt_updated" ]; then
    apt-get update -qq >/dev/null
    apt_updated=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

if ! command -v promtool >/dev/null 2>&1; then
  if can_apt; then
    echo "test prerequisites: installing promtool (Debian package prometheus)…"
    apt_install prometheus
  else
    echo "test prerequisites: promtool is missing; install the 'prometheus' package (or put promtool on PATH)" >&2
  fi
fi
if [ ! -x /usr/bin/chromium ]; then
  if can_apt; then
    echo "test prerequisites: installing Chromium (Debian package chromium) for the console's browser test…"
    apt_install chromium
  else
    echo "test prerequisites: /usr/bin/chromium is missing; install the 'chromium' package for test/console" >&2
  fi
fi
