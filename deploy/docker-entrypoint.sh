#!/usr/bin/env bash
# Runs the Paraverse CLI from an installed jar: the image's entrypoint, and the systemd unit's ExecStart.
#   docker-entrypoint.sh                  the daemon with the defaults below
#   docker-entrypoint.sh ARGS...          `paraverse ARGS...` (e.g. daemon --data-dir ..., status, preflight FILE)
# Environment:
#   PARAVERSE_JAR          the jar (default /opt/paraverse/paraverse.jar; its lib/ directory must sit next to it)
#   JAVA_OPTS              JVM options (word-split on purpose: "-Xmx1g -XX:+UseG1GC")
#   PARAVERSE_DATA_DIR     defaults only: --data-dir (default /var/lib/paraverse)
#   PARAVERSE_LISTEN       defaults only: --listen (default 0.0.0.0:8474; anything but loopback needs the token)
#   PARAVERSE_TOKEN_FILE   defaults only: --token-file (default /run/secrets/paraverse-token)
#   PARAVERSE_MIGRATIONS   defaults only: directory whose *.yaml files are the migrations (default /etc/paraverse/migrations)
#   PARAVERSE_LOG_FORMAT   defaults only: adds --log-format text|json when set
set -euo pipefail

jar=${PARAVERSE_JAR:-/opt/paraverse/paraverse.jar}
if [ ! -f "$jar" ]; then
  echo "paraverse: the jar $jar does not exist: set PARAVERSE_JAR to daemon/target/paraverse.jar of a build" \
       "(./mvnw -B -DskipTests -pl daemon -am package)" >&2
  exit 2
fi
if ! command -v java >/dev/null 2>&1; then
  echo "paraverse: java not found on PATH: install a Java 17+ runtime" >&2
  exit 2
fi

if [ "$#" -eq 0 ]; then
  data_dir=${PARAVERSE_DATA_DIR:-/var/lib/paraverse}
  listen=${PARAVERSE_LISTEN:-0.0.0.0:8474}
  token_file=${PARAVERSE_TOKEN_FILE:-/run/secrets/paraverse-token}
  migrations=${PARAVERSE_MIGRATIONS:-/etc/paraverse/migrations}
  if [ ! -r "$token_file" ]; then
    echo "paraverse: the API token file $token_file is missing or unreadable: mount the token there (Docker secret" \
         "paraverse-token, Kubernetes Secret, systemd LoadCredential) or set PARAVERSE_TOKEN_FILE" >&2
    exit 2
  fi
  set -- daemon --data-dir "$data_dir" --listen "$listen" --token-file "$token_file"
  if [ -n "${PARAVERSE_LOG_FORMAT:-}" ]; then
    set -- "$@" --log-format "$PARAVERSE_LOG_FORMAT"
  fi
  # No migration files is fine: migrations can be added through the API. nullglob keeps a literal '*.yaml' out.
  shopt -s nullglob
  for f in "$migrations"/*.yaml; do
    set -- "$@" "$f"
  done
  shopt -u nullglob
fi

# deploy/k8s/secret.yaml ships REPLACE-ME placeholders: a token still holding one is public knowledge.
previous=
for arg in "$@"; do
  token=
  case "$arg" in
    --token-file=*) token=${arg#--token-file=} ;;
    *) [ "$previous" = --token-file ] && token=$arg ;;
  esac
  if [ -n "$token" ] && [ -r "$token" ] && [ "$(head -c 10 "$token")" = REPLACE-ME ]; then
    echo "paraverse: the API token in $token is the REPLACE-ME placeholder: put a random token there" \
         "(e.g. head -c 32 /dev/urandom | base64)" >&2
    exit 2
  fi
  previous=$arg
done

# shellcheck disable=SC2086 # JAVA_OPTS holds several options
exec java ${JAVA_OPTS:-} -jar "$jar" "$@"
