#!/usr/bin/env bash
# Print the platform's secret key, creating it on first use in a file only its owner can read.
#   scripts/secret-key.sh [FILE]   (default var/secret_key)
set -euo pipefail
file=${1:-var/secret_key}
mkdir -p "$(dirname "$file")"
if [ ! -s "$file" ]; then
  (umask 077 && python3 -c "import secrets; print(secrets.token_urlsafe(50))" > "$file")
fi
chmod 600 "$file"  # also a key written by an older version, readable by others
cat "$file"
