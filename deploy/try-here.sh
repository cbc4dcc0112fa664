#!/usr/bin/env bash
# Try docs/deploy.md on one machine, without systemd and without touching /etc, /srv or /var:
# this directory's nginx config and systemd units, their paths pointed at this checkout and a
# scratch folder; a throwaway self-signed certificate; redis-server on a free port; the two
# units' own ExecStart lines run by hand (two gunicorn instances, two job consumers) on one
# PostgreSQL database; nginx in front. It fetches a page, a static file and /healthz through
# nginx, checks both instances answered, runs `systemd-analyze verify` on the units, then
# stops everything it started and removes the scratch folder.
#
#   deploy/try-here.sh postgresql+psycopg://outreach:outreach@127.0.0.1:5432/outreach_try
#
# Needs nginx, redis-server, openssl, curl, the project's virtualenv (VENV, default .venv) and
# an existing PostgreSQL database (migrated here: use a scratch one, never production's).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
database_url=${1:?usage: deploy/try-here.sh POSTGRESQL_URL}
venv=${VENV:-$repo/.venv}
host=outreach.library.example
scratch=$(mktemp -d /tmp/outreach-try.XXXXXX)
chmod 755 "$scratch"  # nginx's workers (nobody) go through it
pids=()  # session leaders of what this script starts, with the signal that stops each
signals=()

stop() {
  [ -f "$scratch/nginx.pid" ] && nginx -c "$scratch/nginx.conf" -s quit 2>/dev/null || true
  # As systemd stops the units: TERM for gunicorn (graceful), INT for a consumer (graceful).
  for i in "${!pids[@]}"; do kill "-${signals[$i]}" -- "-${pids[$i]}" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$pid" 2>/dev/null || true
  done
  wait 2>/dev/null || true
  rm -rf "$scratch"
}
trap stop EXIT

free_port() { "$venv/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
https_port=$(free_port); http_port=$(free_port); redis_port=$(free_port); web_a=$(free_port); web_b=$(free_port)
echo "== scratch $scratch; nginx on $https_port (https) and $http_port (http), gunicorn on $web_a and $web_b, redis on $redis_port"

echo "== a throwaway self-signed certificate for $host"
mkdir -p "$scratch/tls"
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=$host" -addext "subjectAltName=DNS:$host" \
  -keyout "$scratch/tls/privkey.pem" -out "$scratch/tls/fullchain.pem" 2>/dev/null

echo "== deploy/nginx/outreach.conf with this checkout as the release in use (current -> it) and free ports"
ln -sfn "$repo" "$scratch/current"
sed -e "s#/etc/outreach/tls/#$scratch/tls/#" -e "s#/srv/outreach/current/#$scratch/current/#" \
    -e "s#127.0.0.1:8001#127.0.0.1:$web_a#" -e "s#127.0.0.1:8002#127.0.0.1:$web_b#" \
    -e "s#listen 80;#listen 127.0.0.1:$http_port;#" -e "s#listen 443 ssl http2;#listen 127.0.0.1:$https_port ssl http2;#" \
    -e '/listen \[::\]/d' deploy/nginx/outreach.conf > "$scratch/outreach.conf"
# What Debian's /etc/nginx/nginx.conf gives the site, with the files under the scratch folder.
cat > "$scratch/nginx.conf" <<EOF
worker_processes 1;
pid $scratch/nginx.pid;
error_log $scratch/nginx-error.log;
events { worker_connections 64; }
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    gzip on;
    access_log $scratch/nginx-access.log;
    client_body_temp_path $scratch/nginx-body;
    proxy_temp_path $scratch/nginx-proxy;
    fastcgi_temp_path $scratch/nginx-fastcgi;
    uwsgi_temp_path $scratch/nginx-uwsgi;
    scgi_temp_path $scratch/nginx-scgi;
    include $scratch/outreach.conf;
}
EOF
nginx -t -q -c "$scratch/nginx.conf"
echo "nginx -t: the configuration is valid"

echo "== deploy/outreach.env.example with this machine's values (no mail server: messages are held)"
secret=$("$venv/bin/python" -c 'import secrets; print(secrets.token_hex(32))')
sed -e "s#^OUTREACH_SECRET_KEY=.*#OUTREACH_SECRET_KEY=$secret#" \
    -e "s#^OUTREACH_DATABASE_URL=.*#OUTREACH_DATABASE_URL=$database_url#" \
    -e "s#^OUTREACH_REDIS_URL=.*#OUTREACH_REDIS_URL=redis://127.0.0.1:$redis_port/0#" \
    -e "s#^OUTREACH_INSTANCE_PATH=.*#OUTREACH_INSTANCE_PATH=$scratch/instance#" \
    -e '/^OUTREACH_SMTP_\|^OUTREACH_MAIL_FROM/d' deploy/outreach.env.example > "$scratch/outreach.env"

echo "== the systemd units with the same paths: systemd-analyze verify"
for unit in outreach-web@.service outreach-worker@.service; do
  sed -e "s#/srv/outreach/current/.venv#$venv#g" -e "s#/srv/outreach/current#$scratch/current#g" \
      -e "s#/etc/outreach/outreach.env#$scratch/outreach.env#" -e "s#/var/lib/outreach#$scratch/instance#g" \
      "deploy/systemd/$unit" > "$scratch/$unit"
done
cp "$scratch/outreach-web@.service" "$scratch/outreach-web@$web_a.service"
cp "$scratch/outreach-worker@.service" "$scratch/outreach-worker@1.service"
(cd "$scratch" && SYSTEMD_LOG_LEVEL=notice systemd-analyze verify "outreach-web@$web_a.service" "outreach-worker@1.service")
echo "systemd-analyze verify: no complaint"

echo "== redis-server, flask db upgrade, the units' ExecStart lines"
setsid redis-server --port "$redis_port" --bind 127.0.0.1 --dir "$scratch" --save '' --appendonly no \
  --logfile "$scratch/redis.log" & pids+=($!); signals+=(TERM)
set -a; . "$scratch/outreach.env"; set +a
mkdir -p "$scratch/instance/cache"
export XDG_CACHE_HOME=$scratch/instance/cache MPLCONFIGDIR=$scratch/instance/cache/matplotlib
"$venv/bin/flask" --app outreach db upgrade 2>&1 | tail -1
exec_start() { sed -n 's/^ExecStart=//p' "$scratch/$1" | sed "s/%i/$2/g"; }
# As systemd runs them: in WorkingDirectory (the release in use), the settings exported.
start_web() {
  setsid bash -c "cd '$scratch/current' && eval \"$(exec_start outreach-web@.service "$1")\"" >> "$scratch/web-$1.log" 2>&1 & pids+=($!); signals+=(TERM)
}
start_web "$web_a"; start_web "$web_b"
for n in 1 2; do
  setsid bash -c "cd '$scratch/current' && eval \"$(exec_start outreach-worker@.service "$n")\"" > "$scratch/worker-$n.log" 2>&1 & pids+=($!); signals+=(INT)
done
ready() {
  for _ in $(seq 1 120); do
    curl -fsS -o /dev/null -H 'X-Forwarded-Proto: https' "http://127.0.0.1:$1/healthz" 2>/dev/null && return; sleep 0.5
  done
  echo "instance $1 did not start" >&2; exit 1
}
ready "$web_a"; ready "$web_b"
web_a_pid=${pids[1]}

echo "== nginx in front"
nginx -c "$scratch/nginx.conf"
through() { curl -sS --cacert "$scratch/tls/fullchain.pem" --resolve "$host:$https_port:127.0.0.1" "$@"; }
base=https://$host:$https_port

health=$(through "$base/healthz")
echo "GET /healthz: $health"
[[ $health == *'"database":"ok"'* && $health == *'"migrations":"ok"'* && $health == *'"queue":"ok"'* ]]

page=$(through -D "$scratch/page.headers" "$base/")
grep -q '^HTTP/2 200' "$scratch/page.headers"
grep -qi '^strict-transport-security:' "$scratch/page.headers"  # the app saw https (OUTREACH_PROXY_FIX)
css=$(grep -o '/static/css/outreach.css?v=[0-9a-f]*' <<< "$page")
echo "GET /: 200, $(wc -c <<< "$page") bytes of HTML, HSTS set; it links $css"

through -o "$scratch/outreach.css" -D "$scratch/css.headers" "$base$css"
grep -q '^HTTP/2 200' "$scratch/css.headers"
grep -qi '^cache-control: public, max-age=31536000, immutable' "$scratch/css.headers"
if grep -qi '^content-security-policy' "$scratch/css.headers"; then echo "the app answered, not nginx" >&2; exit 1; fi
cmp -s "$scratch/outreach.css" static/css/outreach.css
echo "GET $css: 200 from nginx, the file itself, $(grep -i '^cache-control' "$scratch/css.headers" | tr -d '\r')"

through -o /dev/null -D "$scratch/pico.headers" "$base/static/vendor/pico-2.1.1/pico.min.css"
grep -qi '^cache-control: public, max-age=31536000, immutable' "$scratch/pico.headers"
echo "GET /static/vendor/pico-2.1.1/pico.min.css: $(head -1 "$scratch/pico.headers" | tr -d '\r'), immutable"

redirect=$(curl -sS -o /dev/null -w '%{http_code} %{redirect_url}' -H "Host: $host" "http://127.0.0.1:$http_port/events/")
echo "GET http://$host/events/: $redirect"
[[ $redirect == "301 https://$host/events/" ]]

for _ in 1 2 3 4 5 6; do through -o /dev/null "$base/"; done
# The request log (OUTREACH_LOG_FORMAT=json): {"time": ..., "message": "GET / 200 12.3ms 4039B", ...}
a=$(grep -c '"message": "GET / 200' "$scratch/web-$web_a.log" || true)
b=$(grep -c '"message": "GET / 200' "$scratch/web-$web_b.log" || true)
echo "the page, 7 times through nginx: instance $web_a answered $a, instance $web_b answered $b"
if [ "$a" = 0 ] || [ "$b" = 0 ]; then echo "one instance answered nothing" >&2; exit 1; fi
grep -q 'Consuming jobs from redis://127.0.0.1' "$scratch/worker-1.log"
grep -q 'Consuming jobs from redis://127.0.0.1' "$scratch/worker-2.log"
echo "both consumers: $(grep -o 'Consuming jobs from .*' "$scratch/worker-1.log")"
echo "== a rolling restart: instance $web_a stops (as systemctl restart does), nginx sends everything to $web_b"
kill -TERM -- "-$web_a_pid"
wait "$web_a_pid" || true  # gunicorn lets its running requests finish, then exits
codes=$(for _ in 1 2 3 4 5 6; do through -o /dev/null -w '%{http_code} ' "$base/"; done)
echo "the page, 6 times with $web_a down: $codes"
[[ $codes == "200 200 200 200 200 200 " ]]
start_web "$web_a"; ready "$web_a"
echo "instance $web_a is back: $(through "$base/healthz")"
echo "== all tried; stopping"
