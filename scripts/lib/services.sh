# shellcheck shell=bash
# Test services for hctl: PostgreSQL, Redis and an S3-compatible server (moto).
# Source this file, call services_start, and services_stop on exit. Exports
# DATABASE_URL, REDIS_URL, S3_ENDPOINT and AWS_* for the tests.

HCTL_SVC_DIR=""
HCTL_SVC_PIDS=()
HCTL_SVC_PG_DATA=""

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# wait_for NAME SECONDS COMMAND...: retry COMMAND until it succeeds.
wait_for() {
  local name=$1 secs=$2; shift 2
  local i
  for ((i = 0; i < secs * 10; i++)); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.1
  done
  die "$name did not become ready within ${secs}s (logs in $HCTL_SVC_DIR)"
}

apt_install() {
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    log "installing $* with apt-get"
    if [ -z "${HCTL_APT_UPDATED:-}" ]; then
      DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
      HCTL_APT_UPDATED=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
  else
    die "missing $*: install it (Debian: apt-get install $*) or point the tests at a running server"
  fi
}

pg_bindir() {
  local d
  if command -v pg_config >/dev/null && [ -x "$(pg_config --bindir)/initdb" ]; then
    pg_config --bindir; return
  fi
  for d in /usr/lib/postgresql/*/bin; do
    [ -x "$d/initdb" ] && { echo "$d"; return; }
  done
  command -v initdb >/dev/null && dirname "$(command -v initdb)"
}

start_postgres() {
  local bindir port data runas=()
  bindir=$(pg_bindir || true)
  if [ -z "$bindir" ]; then
    apt_install postgresql postgresql-client
    bindir=$(pg_bindir)
  fi
  port=$(free_port)
  data="$HCTL_SVC_DIR/pg"
  mkdir -p "$data"
  if [ "$(id -u)" = 0 ]; then
    # initdb refuses to run as root: run the cluster as the postgres user.
    id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
    chown -R postgres "$HCTL_SVC_DIR"
    chmod 755 "$HCTL_SVC_DIR"
    runas=(runuser -u postgres --)
  fi
  log "starting PostgreSQL ($("$bindir/postgres" --version | awk '{print $3}')) on 127.0.0.1:$port"
  "${runas[@]}" "$bindir/initdb" -D "$data" -U postgres --auth=trust -E UTF8 >"$HCTL_SVC_DIR/initdb.log" 2>&1 \
    || { cat "$HCTL_SVC_DIR/initdb.log" >&2; die "initdb failed"; }
  "${runas[@]}" "$bindir/pg_ctl" -D "$data" -l "$HCTL_SVC_DIR/postgres.log" -w -t 30 \
    -o "-p $port -k $data -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
    start >/dev/null || { cat "$HCTL_SVC_DIR/postgres.log" >&2; die "PostgreSQL did not start"; }
  HCTL_SVC_PG_DATA=$data
  HCTL_SVC_PG_CTL=("${runas[@]}" "$bindir/pg_ctl")
  export DATABASE_URL="postgres://postgres@127.0.0.1:$port/postgres"
  # The cluster's own client tools, so pg_dump matches the server version.
  export PATH="$bindir:$PATH"
}

# What the physical-backup and PITR tests need besides a database: the
# PostgreSQL server programs (each test runs its own archiving cluster with
# initdb), pgBackRest, and, when the tests run as root, the `postgres` OS user
# those clusters and pgBackRest run as (both refuse root).
install_pitr_tools() {
  local missing=()
  [ -n "$(pg_bindir || true)" ] || missing+=(postgresql)
  command -v pgbackrest >/dev/null || missing+=(pgbackrest)
  if [ ${#missing[@]} -gt 0 ]; then apt_install "${missing[@]}"; fi
  if [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then
    useradd --system --no-create-home postgres
  fi
}

# start_pitr_cluster DIR: a PostgreSQL cluster in DIR/data archiving through
# pgBackRest (stanza `bench`) into DIR/repo, as the tests' support::cluster
# builds one. Exports PITR_URL and PITR_CONF; PITR_RUNAS runs a command as
# the cluster's OS user (postgres when root). Stop it with stop_pitr_cluster.
PITR_RUNAS=()
PITR_DATA=""
start_pitr_cluster() {
  local dir=$1 bindir port
  bindir=$(pg_bindir)
  port=$(free_port)
  mkdir -p "$dir"/{repo,lock,log}
  PITR_CONF="$dir/pgbackrest.conf"
  cat >"$PITR_CONF" <<CONF
[global]
repo1-path=$dir/repo
repo1-retention-full=10
lock-path=$dir/lock
log-path=$dir/log
log-level-console=warn
start-fast=y
compress-type=lz4
process-max=2
archive-timeout=60

[bench]
pg1-path=$dir/data
pg1-port=$port
pg1-socket-path=$dir/data
CONF
  if [ "$(id -u)" = 0 ]; then
    chown -R postgres "$dir"
    PITR_RUNAS=(runuser -u postgres --)
  fi
  "${PITR_RUNAS[@]}" "$bindir/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; die "initdb failed"; }
  cat >>"$dir/data/postgresql.conf" <<CONF
port = $port
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir/data'
wal_level = replica
archive_mode = on
archive_command = 'pgbackrest --config=$PITR_CONF --stanza=bench archive-push %p'
max_wal_size = 4GB
CONF
  "${PITR_RUNAS[@]}" "$bindir/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 60 start >/dev/null \
    || { cat "$dir/postgres.log" >&2; die "the archiving cluster did not start"; }
  PITR_DATA="$dir/data"
  PITR_PG_CTL="$bindir/pg_ctl"
  "${PITR_RUNAS[@]}" pgbackrest --config="$PITR_CONF" --stanza=bench stanza-create >/dev/null \
    || die "pgbackrest stanza-create failed"
  export PITR_URL="postgres://postgres@127.0.0.1:$port/postgres"
}

stop_pitr_cluster() {
  if [ -n "$PITR_DATA" ]; then
    "${PITR_RUNAS[@]}" "$PITR_PG_CTL" -D "$PITR_DATA" -m immediate stop >/dev/null 2>&1 || true
  fi
}

start_redis() {
  local port
  command -v redis-server >/dev/null || apt_install redis-server
  port=$(free_port)
  log "starting Redis on 127.0.0.1:$port"
  redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no \
    --dir "$HCTL_SVC_DIR" --logfile "$HCTL_SVC_DIR/redis.log" &
  HCTL_SVC_PIDS+=($!)
  export REDIS_URL="redis://127.0.0.1:$port"
  wait_for Redis 20 bash -c "exec 3<>/dev/tcp/127.0.0.1/$port"
}

# The reference tools the TLS and DNS tests compare with: openssl (s_server,
# s_client), testssl.sh (Debian installs it as `testssl`) and dig.
install_tls_dns_tools() {
  local missing=()
  command -v openssl >/dev/null || missing+=(openssl)
  command -v testssl >/dev/null || command -v testssl.sh >/dev/null || missing+=(testssl.sh)
  command -v dig >/dev/null || missing+=(dnsutils)
  command -v promtool >/dev/null || missing+=(prometheus)
  if [ ${#missing[@]} -gt 0 ]; then apt_install "${missing[@]}"; fi
}

start_s3() {
  local port
  if ! command -v moto_server >/dev/null; then
    log "installing moto[server] with pip"
    python3 -m pip install --quiet --disable-pip-version-check 'moto[server]' >/dev/null \
      || die "could not install moto[server]: run python3 -m pip install 'moto[server]'"
    hash -r
    command -v moto_server >/dev/null || export PATH="$(python3 -m site --user-base)/bin:$PATH"
  fi
  port=$(free_port)
  log "starting moto S3 server on 127.0.0.1:$port"
  moto_server -H 127.0.0.1 -p "$port" >"$HCTL_SVC_DIR/moto.log" 2>&1 &
  HCTL_SVC_PIDS+=($!)
  export S3_ENDPOINT="http://127.0.0.1:$port"
  wait_for "moto S3 server" 60 python3 -c "import urllib.request; urllib.request.urlopen('$S3_ENDPOINT/moto-api/')"
}

# The Jenkins JUnit schema (junit-10.xsd, from the xunit plugin) as pytest's
# source distribution ships it for its own tests, and xmllint to validate
# against it. Exports HCTL_TEST_JUNIT_XSD.
install_junit_schema() {
  local cache="${XDG_CACHE_HOME:-$HOME/.cache}/hctl-test/pytest-8.3.4" xsd
  xsd="$cache/pytest-8.3.4/testing/example_scripts/junit-10.xsd"
  command -v xmllint >/dev/null || apt_install libxml2-utils
  if [ ! -f "$xsd" ]; then
    log "fetching junit-10.xsd (pytest 8.3.4 sdist) with pip"
    mkdir -p "$cache"
    python3 -m pip download --quiet --disable-pip-version-check --no-deps --no-binary :all: \
      --dest "$cache" pytest==8.3.4 >/dev/null \
      || die "could not download pytest's sdist for junit-10.xsd: set HCTL_TEST_JUNIT_XSD to a copy"
    tar -xzf "$cache/pytest-8.3.4.tar.gz" -C "$cache" pytest-8.3.4/testing/example_scripts/junit-10.xsd
  fi
  export HCTL_TEST_JUNIT_XSD="$xsd"
}

# The Unleash client specification (npm `@unleash/client-specification`): the
# official flag-evaluation vectors the flag tests hold hctl's rollout to.
# Installed once into a cache dir; exports UNLEASH_CLIENT_SPEC (its directory).
HCTL_UNLEASH_SPEC_VERSION=6.1.0
install_unleash_spec() {
  local prefix="${HCTL_NPM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/hctl/npm}"
  local dir="$prefix/node_modules/@unleash/client-specification"
  if ! grep -qs "\"version\": \"$HCTL_UNLEASH_SPEC_VERSION\"" "$dir/package.json"; then
    command -v npm >/dev/null || apt_install nodejs npm
    log "installing @unleash/client-specification@$HCTL_UNLEASH_SPEC_VERSION with npm into $prefix"
    npm install --prefix "$prefix" --no-audit --no-fund --no-save --silent \
      "@unleash/client-specification@$HCTL_UNLEASH_SPEC_VERSION" >/dev/null \
      || die "could not install @unleash/client-specification: run npm install --prefix $prefix @unleash/client-specification@$HCTL_UNLEASH_SPEC_VERSION"
  fi
  export UNLEASH_CLIENT_SPEC="$dir"
}

# The MDN HTTP Observatory's own scanner (npm), the reference the `headers`
# kind is compared with. Installed once into a cache dir; its postinstall
# downloads (HSTS preload and TLD lists) need the open internet, so scripts are
# skipped and the preload list is left empty. Exports HCTL_OBSERVATORY.
OBSERVATORY_VERSION=1.4.8
install_observatory() {
  local dir="${HCTL_OBSERVATORY_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/hctl/observatory-$OBSERVATORY_VERSION}"
  local pkg="$dir/node_modules/@mdn/mdn-http-observatory"
  if [ ! -f "$pkg/src/scan.js" ]; then
    command -v npm >/dev/null || apt_install nodejs npm
    log "installing @mdn/mdn-http-observatory@$OBSERVATORY_VERSION into $dir"
    mkdir -p "$dir"
    npm install --prefix "$dir" --no-audit --no-fund --ignore-scripts --loglevel=error \
      "@mdn/mdn-http-observatory@$OBSERVATORY_VERSION" >/dev/null \
      || die "could not install @mdn/mdn-http-observatory: run npm install --prefix $dir --ignore-scripts @mdn/mdn-http-observatory@$OBSERVATORY_VERSION"
  fi
  [ -f "$pkg/conf/hsts-preload.json" ] || echo '{}' >"$pkg/conf/hsts-preload.json"
  export HCTL_OBSERVATORY="$pkg"
}

# Prometheus (with promtool), which the `prometheus` kind's rules and alerts
# tests start themselves on a free port with their own rules file; and the
# postgres and node exporters the scrape test runs next to `hctl serve`.
install_prometheus() {
  local missing=()
  command -v prometheus >/dev/null || missing+=(prometheus)
  command -v prometheus-postgres-exporter >/dev/null || missing+=(prometheus-postgres-exporter)
  command -v prometheus-node-exporter >/dev/null || missing+=(prometheus-node-exporter)
  if [ ${#missing[@]} -gt 0 ]; then apt_install "${missing[@]}"; fi
}

# Headless Chromium and its WebDriver (the dashboard's browser tests), and
# npm `axe-core` (the accessibility engine they inject into the page),
# installed once into its own cache dir (an npm install into a shared prefix
# prunes the packages it did not name); exports HCTL_AXE_CORE (axe.min.js).
AXE_CORE_VERSION=4.10.2
install_browser_tools() {
  command -v chromedriver >/dev/null && command -v chromium >/dev/null \
    || apt_install chromium chromium-driver
  local dir="${XDG_CACHE_HOME:-$HOME/.cache}/hctl/axe-core-$AXE_CORE_VERSION"
  local js="$dir/node_modules/axe-core/axe.min.js"
  if [ ! -f "$js" ]; then
    command -v npm >/dev/null || apt_install nodejs npm
    log "installing axe-core@$AXE_CORE_VERSION with npm into $dir"
    mkdir -p "$dir"
    npm install --prefix "$dir" --no-audit --no-fund --no-save --silent \
      "axe-core@$AXE_CORE_VERSION" >/dev/null \
      || die "could not install axe-core: run npm install --prefix $dir axe-core@$AXE_CORE_VERSION"
  fi
  export HCTL_AXE_CORE="$js"
}

# PgBouncer, which the `pgbouncer` kind's tests and `hctl serve` behind a
# transaction-mode pooler start themselves on a free port (Debian's package
# also installs a service; the tests never use it).
install_pgbouncer() {
  command -v pgbouncer >/dev/null || [ -x /usr/sbin/pgbouncer ] || apt_install pgbouncer
}

services_start() {
  HCTL_SVC_DIR=$(mktemp -d "${TMPDIR:-/tmp}/hctl-test.XXXXXX")
  # Test runs on one machine take turns at installing (apt, pip, npm): two npm
  # installs into one cache directory at once break each other.
  local lock="${XDG_CACHE_HOME:-$HOME/.cache}/hctl/install.lock"
  mkdir -p "${lock%/*}"
  exec 9>"$lock"
  flock 9
  command -v python3 >/dev/null || apt_install python3 python3-pip
  install_tls_dns_tools
  install_pitr_tools
  install_prometheus
  install_pgbouncer
  if [ -n "${DATABASE_URL:-}" ]; then log "using PostgreSQL from DATABASE_URL"; else start_postgres; fi
  if [ -n "${REDIS_URL:-}" ]; then log "using Redis from REDIS_URL"; else start_redis; fi
  if [ -n "${S3_ENDPOINT:-}" ]; then log "using S3 from S3_ENDPOINT"; else start_s3; fi
  if [ -n "${UNLEASH_CLIENT_SPEC:-}" ]; then log "using the Unleash client specification in UNLEASH_CLIENT_SPEC"; else install_unleash_spec; fi
  if [ -n "${HCTL_OBSERVATORY:-}" ]; then log "using the Observatory from HCTL_OBSERVATORY"; else install_observatory; fi
  if [ -n "${HCTL_AXE_CORE:-}" ]; then log "using axe-core from HCTL_AXE_CORE"; else install_browser_tools; fi
  export AWS_ACCESS_KEY_ID="${AWS_ACCESS_KEY_ID:-hctltest}"
  export AWS_SECRET_ACCESS_KEY="${AWS_SECRET_ACCESS_KEY:-hctltest}"
  export AWS_REGION="${AWS_REGION:-us-east-1}"
  [ -n "${HCTL_TEST_JUNIT_XSD:-}" ] || install_junit_schema
  flock -u 9
  exec 9>&-
  export HCTL_TEST_SERVICES=1
}

services_stop() {
  local pid
  if [ -n "$HCTL_SVC_PG_DATA" ]; then
    "${HCTL_SVC_PG_CTL[@]}" -D "$HCTL_SVC_PG_DATA" -m immediate stop >/dev/null 2>&1 || true
  fi
  for pid in "${HCTL_SVC_PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${HCTL_SVC_PIDS[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  [ -n "$HCTL_SVC_DIR" ] && rm -rf "$HCTL_SVC_DIR"
}
