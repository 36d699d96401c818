#!/usr/bin/env bash
# Creates the compose demo's secrets once: random database passwords and the API token, one file each, in
# deploy/compose/secrets (or the directory given as $1 / PARAVERSE_SECRETS_DIR). Existing files are kept, so
# running it again changes nothing. The directory is private (0700); the files are 0644 because Docker Compose
# bind-mounts them as they are and the containers read them as non-root users (uid 10001, mysql).
set -euo pipefail
dir=${1:-${PARAVERSE_SECRETS_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/secrets}}
mkdir -p "$dir"
chmod 0700 "$dir"
for name in paraverse-token source-root-password source-password target-root-password target-password \
            mysql8-root-password; do
  f="$dir/$name"
  if [ -s "$f" ]; then
    continue
  fi
  # 32 random bytes as 43 URL-safe characters: no quoting problems in SQL, URLs or HTTP headers. No newline.
  head -c 32 /dev/urandom | base64 | tr -d '=\n' | tr '+/' '-_' > "$f.tmp"
  chmod 0644 "$f.tmp"
  mv "$f.tmp" "$f"
  echo "created $f" >&2
done
