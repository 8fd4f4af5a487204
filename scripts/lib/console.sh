# shellcheck shell=bash
# The console (console/, docs/console.md): its build and the proxy in front of it. Sourced by
# scripts/run and scripts/console-test after scripts/lib/setup.sh.
#
#   erp_console_build                  Node.js and npm (Debian's) if missing, npm ci when the
#                                      lock file changed, then the production build
#   erp_console_proxy_start DIR PORT   nginx (Debian's) on PORT serving console/dist and routing
#                                      /api/<service>/ to each service's port (<SVC>_PORT)
#   erp_console_proxy_stop DIR         stops the proxy a previous start left in DIR

# A service's port as scripts/run gives it: <SVC>_PORT, else its default.
_erp_console_svc_port() {
  local var
  var="$(printf '%s' "$1" | tr '[:lower:]' '[:upper:]')_PORT"
  printf '%s' "${!var:-$(erp_port "$1")}"
}

_erp_console_dir() { printf '%s/console' "$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"; }

erp_console_build() {
  local dir stamp lock
  dir=$(_erp_console_dir)
  if ! command -v npm >/dev/null 2>&1; then
    _erp_apt_install nodejs npm || erp_die "Node.js and npm are needed for the console (apt-get install -y nodejs npm)" || return 1
  fi
  stamp="$dir/node_modules/.erp-lock"
  lock=$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)
  if [ "$(cat "$stamp" 2>/dev/null)" != "$lock" ]; then
    erp_log "npm ci (console)"
    (cd "$dir" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --ignore-scripts) || return 1
    printf '%s' "$lock" >"$stamp"
  fi
  erp_log "building the console"
  (cd "$dir" && npm run --silent build) || return 1
}

_erp_console_conf() {
  local run_dir=$1 port=$2 dir svc locations="" headers
  dir=$(_erp_console_dir)
  # One set of headers, repeated where a location adds its own (nginx drops the server's then).
  headers="add_header X-Content-Type-Options nosniff always;
    add_header X-Frame-Options DENY always;
    add_header Referrer-Policy no-referrer always;
    add_header Content-Security-Policy \"default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'\" always;"
  for svc in $ERP_SERVICES; do
    locations="$locations
    location /api/$svc/ {
      proxy_pass http://127.0.0.1:$(_erp_console_svc_port "$svc")/;
      proxy_set_header Host \$host;
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto \$scheme;
      proxy_read_timeout 120s;
      client_max_body_size 20m;
    }"
  done
  mkdir -p "$run_dir/nginx-temp"
  cat >"$run_dir/nginx.conf" <<CONF
worker_processes 1;
pid $run_dir/nginx.pid;
error_log $run_dir/nginx-error.log warn;
events { worker_connections 512; }
http {
  include /etc/nginx/mime.types;
  access_log $run_dir/nginx-access.log;
  client_body_temp_path $run_dir/nginx-temp/body;
  proxy_temp_path $run_dir/nginx-temp/proxy;
  fastcgi_temp_path $run_dir/nginx-temp/fastcgi;
  uwsgi_temp_path $run_dir/nginx-temp/uwsgi;
  scgi_temp_path $run_dir/nginx-temp/scgi;
  gzip on;
  gzip_types application/javascript text/css application/json;
  server {
    listen ${CONSOLE_HOST:-0.0.0.0}:$port;
    root $dir/dist;
    $headers
    location /assets/ {
      $headers
      add_header Cache-Control "public, max-age=31536000, immutable" always;
    }
    location / {
      try_files \$uri /index.html;
    }$locations
  }
}
CONF
}

erp_console_proxy_start() {
  local run_dir=$1 port=$2 nginx i
  nginx=$(command -v nginx || true)
  [ -n "$nginx" ] || [ ! -x /usr/sbin/nginx ] || nginx=/usr/sbin/nginx
  if [ -z "$nginx" ]; then
    _erp_apt_install nginx-light || erp_die "nginx is needed for the console (apt-get install -y nginx-light)" || return 1
    nginx=/usr/sbin/nginx
  fi
  erp_console_proxy_stop "$run_dir"
  _erp_console_conf "$run_dir" "$port"
  "$nginx" -c "$run_dir/nginx.conf" -p "$run_dir" -g 'daemon on;' || return 1
  for ((i = 0; i < 50; i++)); do
    _erp_port_open 127.0.0.1 "$port" && return 0
    sleep 0.1
  done
  erp_error "the console's proxy did not listen on port $port (log: $run_dir/nginx-error.log)"
  return 1
}

erp_console_proxy_stop() {
  local run_dir=$1 pid
  pid=$(cat "$run_dir/nginx.pid" 2>/dev/null || true)
  case "$pid" in '' | *[!0-9]*) return 0 ;; esac
  if kill -0 "$pid" 2>/dev/null; then
    kill -QUIT "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -f "$run_dir/nginx.pid"
}
