# shellcheck shell=bash
#
# Shared set-up for scripts/run and scripts/test. Source it, then call `erp_setup`:
#
#   source scripts/lib/setup.sh && erp_setup
#
# erp_setup makes sure that PostgreSQL and RabbitMQ are installed, running and reachable the way
# the services expect them by default, that the six databases exist, and that cargo is on PATH.
# It installs missing system packages only when run as root (Debian/Ubuntu, apt-get).
#
# Overrides it honours:
#   PGHOST, PGPORT, PGUSER   PostgreSQL server used for the checks and to create the databases
#                            (default 127.0.0.1, 5432, postgres). Servers on another host are
#                            only checked, never started or reconfigured.
#   AMQP_URL                 broker checked (default amqp://guest:guest@127.0.0.1:5672/%2f);
#                            a broker on another host is only checked, never started.
#
# Every function returns non-zero on failure instead of exiting, so sourcing this file into an
# interactive shell is safe. This file sets no shell options of its own.

ERP_SERVICES="hr crm purchasing warehouse production finance"
export ERP_SERVICES

# erp_port <svc>: the default HTTP port of a service.
erp_port() {
  case "${1:-}" in
    crm) echo 8081 ;;
    purchasing) echo 8082 ;;
    warehouse) echo 8083 ;;
    production) echo 8084 ;;
    finance) echo 8085 ;;
    hr) echo 8086 ;;
    *)
      echo "erp_port: unknown service '${1:-}' (one of: $ERP_SERVICES)" >&2
      return 1
      ;;
  esac
}

erp_log() { printf '==> %s\n' "$*"; }
erp_warn() { printf '==> warning: %s\n' "$*" >&2; }
# erp_error prints an error; erp_die prints it and returns 1 (for `... || erp_die ... || return`).
erp_error() { printf '==> error: %s\n' "$*" >&2; }
erp_die() {
  erp_error "$@"
  return 1
}

_erp_is_root() { [ "$(id -u)" -eq 0 ]; }

# _erp_is_local_host <host>: true for an address on this machine (or a socket directory).
_erp_is_local_host() {
  case "$1" in
    '' | 127.* | localhost | ::1 | '[::1]' | /*) return 0 ;;
    *) return 1 ;;
  esac
}

# _erp_port_open <host> <port>: true when a TCP connection can be opened.
_erp_port_open() {
  local host=$1 port=$2
  host=${host#[}
  host=${host%]}
  if command -v timeout >/dev/null 2>&1; then
    timeout 3 bash -c ': >"/dev/tcp/$1/$2"' _ "$host" "$port" 2>/dev/null
  else
    bash -c ': >"/dev/tcp/$1/$2"' _ "$host" "$port" 2>/dev/null
  fi
}

_ERP_APT_UPDATED=0
_erp_apt_install() {
  _erp_is_root || return 1
  command -v apt-get >/dev/null 2>&1 || erp_die "apt-get not found: install $* yourself" || return 1
  if [ "$_ERP_APT_UPDATED" -eq 0 ]; then
    erp_log "apt-get update"
    DEBIAN_FRONTEND=noninteractive apt-get update -q || return 1
    _ERP_APT_UPDATED=1
  fi
  erp_log "apt-get install -y $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@"
}

# --------------------------------------------------------------------------------------------
# cargo
# --------------------------------------------------------------------------------------------
_erp_setup_cargo() {
  if ! command -v cargo >/dev/null 2>&1; then
    local env_file="${CARGO_HOME:-${HOME:-/nonexistent}/.cargo}/env"
    if [ -f "$env_file" ]; then
      # shellcheck source=/dev/null
      . "$env_file"
    elif [ -x "${HOME:-/nonexistent}/.cargo/bin/cargo" ]; then
      PATH="$HOME/.cargo/bin:$PATH"
      export PATH
    fi
  fi
  if ! command -v cargo >/dev/null 2>&1; then
    erp_die "cargo not found. Install the Rust toolchain with rustup (https://rustup.rs):" \
      "curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh, then open a new shell" \
      "or run: source \"\$HOME/.cargo/env\""
    return 1
  fi
}

# --------------------------------------------------------------------------------------------
# PostgreSQL
# --------------------------------------------------------------------------------------------
_erp_pg_host() { printf '%s' "${PGHOST:-127.0.0.1}"; }
_erp_pg_port() { printf '%s' "${PGPORT:-5432}"; }
_erp_pg_user() { printf '%s' "${PGUSER:-postgres}"; }

# _erp_psql <args...>: psql against the maintenance database; never prompts for a password.
_erp_psql() {
  PGCONNECT_TIMEOUT="${PGCONNECT_TIMEOUT:-5}" psql -w -X -q -v ON_ERROR_STOP=1 \
    -h "$(_erp_pg_host)" -p "$(_erp_pg_port)" -U "$(_erp_pg_user)" -d postgres "$@"
}

_erp_pg_ready() {
  pg_isready -q -t 3 -h "$(_erp_pg_host)" -p "$(_erp_pg_port)" >/dev/null 2>&1
}

_erp_pg_can_login() {
  _erp_psql -Atc 'select 1' >/dev/null 2>&1
}

# Start every local cluster that is down (Debian's postgresql-common layout).
_erp_pg_start_clusters() {
  local started=0 ver name
  if command -v pg_lsclusters >/dev/null 2>&1; then
    while read -r ver name _ status _; do
      [ -n "$ver" ] || continue
      case "$status" in online*) continue ;; esac
      erp_log "starting PostgreSQL cluster $ver/$name"
      pg_ctlcluster --skip-systemctl-redirect "$ver" "$name" start ||
        erp_warn "pg_ctlcluster $ver $name start failed"
      started=1
    done < <(pg_lsclusters -h 2>/dev/null)
  else
    local dir
    for dir in /etc/postgresql/*/*/; do
      [ -d "$dir" ] || continue
      dir=${dir%/}
      name=${dir##*/}
      ver=${dir%/*}
      ver=${ver##*/}
      erp_log "starting PostgreSQL cluster $ver/$name"
      pg_ctlcluster --skip-systemctl-redirect "$ver" "$name" start ||
        erp_warn "pg_ctlcluster $ver $name start failed"
      started=1
    done
  fi
  if [ "$started" -eq 0 ] && ! compgen -G '/etc/postgresql/*/*/postgresql.conf' >/dev/null; then
    # Installed but no cluster at all (e.g. it was dropped): create the default one.
    if _erp_is_root && command -v pg_createcluster >/dev/null 2>&1; then
      ver=$(find /usr/lib/postgresql -mindepth 1 -maxdepth 1 -type d -printf '%f\n' 2>/dev/null |
        sort -n | tail -n 1)
      if [ -n "$ver" ]; then
        erp_log "creating PostgreSQL cluster $ver/main"
        pg_createcluster "$ver" main --start ||
          erp_warn "pg_createcluster $ver main failed"
      fi
    fi
  fi
}

# _erp_pg_hba_files <port>: pg_hba.conf of the local clusters on that port (all if unknown).
_erp_pg_hba_files() {
  local want=$1 ver name port found=0
  if command -v pg_lsclusters >/dev/null 2>&1; then
    while read -r ver name port _; do
      if [ "$port" = "$want" ] && [ -f "/etc/postgresql/$ver/$name/pg_hba.conf" ]; then
        printf '%s\n' "/etc/postgresql/$ver/$name/pg_hba.conf"
        found=1
      fi
    done < <(pg_lsclusters -h 2>/dev/null)
  fi
  if [ "$found" -eq 0 ]; then
    compgen -G '/etc/postgresql/*/*/pg_hba.conf' || true
  fi
}

# Put "trust" lines for loopback TCP at the top of the cluster's pg_hba.conf (once) and reload.
_erp_pg_trust_loopback() {
  local marker='# erp dev: trust loopback TCP (added by scripts/lib/setup.sh)'
  local hba dir ver name changed=0 tmp
  while read -r hba; do
    [ -f "$hba" ] || continue
    if grep -qxF "$marker" "$hba"; then
      continue
    fi
    erp_log "adding 'host all all 127.0.0.1/32 trust' to the top of $hba"
    tmp=$(mktemp) || return 1
    {
      printf '%s\n' "$marker" 'host all all 127.0.0.1/32 trust' 'host all all ::1/128 trust'
      cat "$hba"
    } >"$tmp" || {
      rm -f "$tmp"
      return 1
    }
    # Write in place so the file keeps its owner and mode.
    cat "$tmp" >"$hba" || {
      rm -f "$tmp"
      return 1
    }
    rm -f "$tmp"
    dir=${hba%/pg_hba.conf}
    name=${dir##*/}
    ver=${dir%/*}
    ver=${ver##*/}
    pg_ctlcluster --skip-systemctl-redirect "$ver" "$name" reload ||
      erp_warn "pg_ctlcluster $ver $name reload failed"
    changed=1
  done < <(_erp_pg_hba_files "$(_erp_pg_port)")
  if [ "$changed" -eq 1 ]; then
    sleep 1
  fi
  return 0
}

_erp_setup_postgres() {
  local host port user i
  host=$(_erp_pg_host)
  port=$(_erp_pg_port)
  user=$(_erp_pg_user)

  # (a) installed? psql is always needed; the server tools only when we have to start it.
  if ! command -v psql >/dev/null 2>&1 || ! command -v pg_isready >/dev/null 2>&1 ||
    { _erp_is_local_host "$host" && ! command -v pg_ctlcluster >/dev/null 2>&1 &&
      ! { command -v pg_isready >/dev/null 2>&1 && _erp_pg_ready; }; }; then
    if _erp_is_root; then
      _erp_apt_install postgresql postgresql-contrib libpq-dev ||
        erp_die "could not install PostgreSQL" || return 1
    else
      erp_die "PostgreSQL (psql, pg_ctlcluster) is not installed. As root run:" \
        "apt-get update && apt-get install -y postgresql postgresql-contrib libpq-dev"
      return 1
    fi
  fi
  # libpq-dev is what the services link against (diesel's postgres backend).
  # shellcheck disable=SC2016 # ${Status} is dpkg-query's field, not a shell expansion
  if command -v dpkg-query >/dev/null 2>&1 &&
    ! dpkg-query -W -f='${Status}' libpq-dev 2>/dev/null | grep -q 'install ok installed'; then
    if _erp_is_root; then
      _erp_apt_install libpq-dev || erp_die "could not install libpq-dev" || return 1
    else
      erp_warn "libpq-dev is not installed; the build needs it (apt-get install -y libpq-dev)"
    fi
  fi

  # (b) running?
  if ! _erp_pg_ready; then
    if ! _erp_is_local_host "$host"; then
      erp_die "PostgreSQL at $host:$port is not accepting connections (PGHOST=$host)"
      return 1
    fi
    _erp_pg_start_clusters
    erp_log "waiting for PostgreSQL on $host:$port"
    for ((i = 0; i < 30; i++)); do
      _erp_pg_ready && break
      sleep 1
    done
    _erp_pg_ready || {
      erp_die "PostgreSQL is not accepting connections on $host:$port after 30 s" \
        "(see /var/log/postgresql/)"
      return 1
    }
  fi

  # ...and reachable without a password as $user?
  if ! _erp_pg_can_login; then
    if _erp_is_root && _erp_is_local_host "$host" && [ "$user" = postgres ]; then
      _erp_pg_trust_loopback || return 1
    fi
    _erp_pg_can_login || {
      erp_die "cannot connect as '$user' to $host:$port without a password." \
        "The services expect trust auth for user postgres over 127.0.0.1: add" \
        "'host all all 127.0.0.1/32 trust' at the top of pg_hba.conf and reload," \
        "or set PGPASSWORD and the <SVC>_DATABASE_URL variables"
      return 1
    }
  fi
  erp_log "PostgreSQL ready on $host:$port"
}

# (d) one database per service
_erp_setup_databases() {
  local svc db exists
  for svc in $ERP_SERVICES; do
    db="erp_$svc"
    exists=$(_erp_psql -Atc "SELECT 1 FROM pg_database WHERE datname = '$db'") ||
      erp_die "could not query pg_database" || return 1
    if [ "$exists" != 1 ]; then
      erp_log "creating database $db"
      # Another process (a service starting) may create it at the same moment: re-check.
      if ! _erp_psql -c "CREATE DATABASE \"$db\"" >/dev/null 2>&1; then
        exists=$(_erp_psql -Atc "SELECT 1 FROM pg_database WHERE datname = '$db'")
        [ "$exists" = 1 ] || erp_die "could not create database $db" || return 1
      fi
    fi
  done
  # shellcheck disable=SC2086 # word splitting of the service list is intended
  erp_log "databases ready: $(printf 'erp_%s ' $ERP_SERVICES | sed 's/ $//')"
}

# --------------------------------------------------------------------------------------------
# RabbitMQ
# --------------------------------------------------------------------------------------------
# Prints "host port" from AMQP_URL (amqp[s]://user:pass@host:port/vhost).
_erp_amqp_endpoint() {
  local url="${AMQP_URL:-amqp://guest:guest@127.0.0.1:5672/%2f}" rest host port
  local default_port=5672
  case "$url" in amqps://*) default_port=5671 ;; esac
  rest=${url#*://}
  rest=${rest%%/*}
  rest=${rest%%\?*}
  rest=${rest##*@}
  case "$rest" in
    \[*\]:*) host=${rest%:*} port=${rest##*:} ;;
    \[*\]) host=$rest port=$default_port ;;
    *:*) host=${rest%:*} port=${rest##*:} ;;
    *) host=$rest port=$default_port ;;
  esac
  host=${host#[}
  host=${host%]}
  printf '%s %s\n' "${host:-127.0.0.1}" "${port:-$default_port}"
}

_erp_setup_rabbitmq() {
  local host port i out
  read -r host port < <(_erp_amqp_endpoint)

  if _erp_port_open "$host" "$port"; then
    erp_log "RabbitMQ ready on $host:$port"
    return 0
  fi
  if ! _erp_is_local_host "$host"; then
    erp_die "RabbitMQ at $host:$port is not reachable (AMQP_URL)"
    return 1
  fi

  # (c) installed?
  if ! command -v rabbitmq-server >/dev/null 2>&1; then
    if _erp_is_root; then
      _erp_apt_install rabbitmq-server || erp_die "could not install rabbitmq-server" || return 1
    else
      erp_die "RabbitMQ is not installed. As root run:" \
        "apt-get update && apt-get install -y rabbitmq-server"
      return 1
    fi
    # The package may have started it already.
    for ((i = 0; i < 10; i++)); do
      _erp_port_open "$host" "$port" && break
      sleep 1
    done
  fi

  if ! _erp_port_open "$host" "$port"; then
    # A node that is up (still booting) must not be started twice.
    if command -v rabbitmq-diagnostics >/dev/null 2>&1 &&
      timeout 20 rabbitmq-diagnostics -q ping >/dev/null 2>&1; then
      erp_log "RabbitMQ node is up; waiting for its AMQP listener"
    else
      erp_log "starting RabbitMQ (rabbitmq-server -detached)"
      out=$(mktemp) || return 1
      if ! rabbitmq-server -detached >"$out" 2>&1; then
        cat "$out" >&2
        rm -f "$out"
        erp_die "rabbitmq-server -detached failed (run as root; see /var/log/rabbitmq/)"
        return 1
      fi
      rm -f "$out"
    fi
    erp_log "waiting for RabbitMQ on $host:$port"
    for ((i = 0; i < 60; i++)); do
      _erp_port_open "$host" "$port" && break
      sleep 1
    done
    _erp_port_open "$host" "$port" || {
      erp_die "RabbitMQ is not accepting connections on $host:$port after 60 s" \
        "(see /var/log/rabbitmq/)"
      return 1
    }
  fi
  erp_log "RabbitMQ ready on $host:$port"
}

# --------------------------------------------------------------------------------------------
erp_setup() {
  _erp_setup_cargo || return 1
  _erp_setup_postgres || return 1
  _erp_setup_rabbitmq || return 1
  _erp_setup_databases || return 1
}
