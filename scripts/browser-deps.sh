#!/usr/bin/env bash
# Debian's Chromium and a Chinese font for the browser tests (never a downloaded browser).
set -euo pipefail
if ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi "wenquanyi"; then
  printf '\n==> Chromium and a Chinese font for the browser tests (Debian packages)\n'
  apt-get update -qq && apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null
fi
