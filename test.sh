#!/usr/bin/env bash
# Runs the whole ContactHub test suite on a Debian machine, installing and starting what it needs:
# PostgreSQL (a throwaway role and database), an SMTP server writing to a Maildir (aiosmtpd), an
# IMAP server (Dovecot, its own config and a test user, on a loopback port) and Chromium for the
# browser tests of the agent desk (Playwright drives Debian's Chromium; its own download is not used), and Node.js
# (the README's webhook-verification function is run against real deliveries).
# SQL Server is used when CONTACTHUB_TEST_SQLSERVER is set.
# Safe to run again: it reuses a running server and recreates the throwaway role's database.
set -euo pipefail
cd "$(dirname "$0")"

log() { printf '\n== %s\n' "$*"; }

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

apt_install() {
  log "installing $* (apt-get)"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# PostgreSQL's tools refuse to run as root: everything goes through the postgres system user.
as_postgres() { as_root runuser -u postgres -- "$@"; }

setup_postgres() {
  if [ -n "${CONTACTHUB_TEST_POSTGRES:-}" ]; then
    log "PostgreSQL: using CONTACTHUB_TEST_POSTGRES from the environment"
    return
  fi
  if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || ! command -v pg_lsclusters >/dev/null; then
    apt_install postgresql postgresql-client
  fi
  local version
  version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
  if ! pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main"' | grep -q .; then
    log "PostgreSQL $version: creating the main cluster"
    as_root pg_createcluster "$version" main >/dev/null
  fi
  if ! pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main" && $4 == "online"' | grep -q .; then
    log "PostgreSQL $version: starting"
    as_root pg_ctlcluster "$version" main start
  fi
  local port
  port=$(pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main" { print $3 }')
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p "$port" && break; sleep 1; done

  # A throwaway role with a fresh password each run; it may create the per-test-class databases.
  local password
  password=$(head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')
  as_postgres psql -q -p "$port" -v ON_ERROR_STOP=1 -v pw="$password" <<'SQL' >/dev/null
SELECT format('CREATE ROLE contacthub_test LOGIN CREATEDB PASSWORD %L', :'pw')
WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'contacthub_test') \gexec
ALTER ROLE contacthub_test PASSWORD :'pw';
-- DROP DATABASE … WITH (FORCE) may have to end an autovacuum worker on a test database.
GRANT pg_signal_backend TO contacthub_test;
SELECT format('DROP DATABASE %I WITH (FORCE)', datname) FROM pg_database
WHERE datname = 'contacthub_test' OR datname LIKE 'chtest\_%' OR datname LIKE 'chmig\_%' \gexec
CREATE DATABASE contacthub_test OWNER contacthub_test;
SQL
  export CONTACTHUB_TEST_POSTGRES="Host=127.0.0.1;Port=$port;Username=contacthub_test;Password=$password;Database=contacthub_test"
  log "PostgreSQL $version on port $port: ready (role and database contacthub_test)"
}

# A real SMTP server on loopback that writes every message it accepts into a Maildir the tests read.
# Debian's python3-aiosmtpd belongs to /usr/bin/python3 (not a pyenv python on PATH).
setup_smtp() {
  if [ -n "${CONTACTHUB_TEST_SMTP:-}" ]; then
    log "SMTP: using CONTACTHUB_TEST_SMTP from the environment"
    return
  fi
  if ! /usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null; then
    apt_install python3-aiosmtpd
  fi
  local dir=/tmp/contacthub-test-smtp port=2525
  mkdir -p "$dir"
  if ! (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null; then
    rm -rf "$dir/Maildir"
    nohup /usr/bin/python3 -m aiosmtpd -n -l "127.0.0.1:$port" -c aiosmtpd.handlers.Mailbox "$dir/Maildir" >"$dir/server.log" 2>&1 &
    echo $! >"$dir/server.pid"
    for _ in $(seq 1 50); do (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.1; done
  fi
  export CONTACTHUB_TEST_SMTP="127.0.0.1:$port" CONTACTHUB_TEST_MAILDIR="$dir/Maildir"
  log "SMTP on 127.0.0.1:$port: ready (Maildir $dir/Maildir)"
}

# A real IMAP server: Dovecot with a config of its own under /tmp (the system's is left alone),
# one test user, maildirs owned by the 'mail' user, plain login on loopback only.
setup_imap() {
  if [ -n "${CONTACTHUB_TEST_IMAP:-}" ]; then
    log "IMAP: using CONTACTHUB_TEST_IMAP from the environment"
    return
  fi
  if ! command -v dovecot >/dev/null; then
    apt_install dovecot-imapd
  fi
  local dir=/tmp/contacthub-test-imap port=1143 password=contacthub-test
  if ! (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null; then
    as_root rm -rf "$dir"
    as_root mkdir -p "$dir/mail" "$dir/run" "$dir/state"
    as_root chown -R mail:mail "$dir/mail"
    echo "contacthub:{PLAIN}$password::::::" | as_root tee "$dir/passwd" >/dev/null
    as_root tee "$dir/dovecot.conf" >/dev/null <<CONF
protocols = imap
listen = 127.0.0.1
base_dir = $dir/run
state_dir = $dir/state
log_path = $dir/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:$dir/mail/%u
first_valid_uid = 8
mail_uid = mail
mail_gid = mail
default_internal_user = dovecot
default_login_user = dovenull
passdb {
  driver = passwd-file
  args = $dir/passwd
}
userdb {
  driver = static
  args = uid=mail gid=mail home=$dir/mail/%u
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = $port
  }
}
CONF
    as_root dovecot -c "$dir/dovecot.conf"
    for _ in $(seq 1 50); do (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.1; done
  fi
  export CONTACTHUB_TEST_IMAP="127.0.0.1:$port" CONTACTHUB_TEST_IMAP_USER=contacthub CONTACTHUB_TEST_IMAP_PASSWORD=$password
  log "IMAP on 127.0.0.1:$port: ready (user contacthub)"
}

setup_chromium() {
  if [ -n "${CONTACTHUB_TEST_CHROMIUM:-}" ]; then
    log "Chromium: using CONTACTHUB_TEST_CHROMIUM from the environment"
    return
  fi
  if ! command -v chromium >/dev/null; then
    apt_install chromium
  fi
  export CONTACTHUB_TEST_CHROMIUM
  CONTACTHUB_TEST_CHROMIUM=$(command -v chromium)
  log "Chromium: $("$CONTACTHUB_TEST_CHROMIUM" --version 2>/dev/null | head -n 1)"
}

# The service loads culture data (ICU): SqlClient cannot open a connection without it, nor DacFx (the SQL Server model suite) run.
setup_icu() {
  if ! ldconfig -p 2>/dev/null | grep -q 'libicuuc\.so'; then
    apt_install libicu72 || apt_install libicu-dev
  fi
}

# The README's Node.js webhook-verification function is run by the tests against real deliveries.
setup_node() {
  if ! command -v node >/dev/null && ! command -v nodejs >/dev/null; then
    apt_install nodejs
  fi
}

# The benchmark smoke drives the service from outside with Debian's wrk.
setup_wrk() {
  if ! command -v wrk >/dev/null; then
    apt_install wrk
  fi
}

setup_icu
setup_wrk
setup_node
setup_postgres
setup_smtp
setup_imap
setup_chromium

log "dotnet test"
set +e
# Extra arguments go to dotnet test, e.g. ./test.sh --filter "FullyQualifiedName~Reports" (the benchmark smoke is then skipped).
dotnet test ContactHub.sln --logger "console;verbosity=normal" "$@" 2>&1 | tee /tmp/contacthub-test.log
status=${PIPESTATUS[0]}
set -e

# The benchmark harness in smoke mode: tiny sizes, no timing judged — it must run and answer.
if [ "$status" = 0 ] && [ $# = 0 ]; then
  log "benchmark harness (smoke)"
  if ! dotnet run -c Release --project tests/ContactHub.Benchmarks -- all --smoke >/tmp/contacthub-bench-smoke.log 2>&1; then
    tail -n 30 /tmp/contacthub-bench-smoke.log
    echo "The benchmark harness failed in smoke mode."
    status=1
  else
    grep -E '^\| ' /tmp/contacthub-bench-smoke.log | head -n 20
  fi
fi

# One closing line any CI can read: "N passed, N failed, N skipped".
# One summary per test project (the service's suite and the SQL Server model suite): add them up.
count() { grep -E "^ +$1: +[0-9]+" /tmp/contacthub-test.log | grep -oE '[0-9]+' | awk '{ n += $1 } END { print n + 0 }'; }
# The skipped tests, then each failed test with its message and the start of its stack, then the count: a CI that
# keeps only the end of the output still shows what failed and why.
echo
grep -E '^ +Skipped ' /tmp/contacthub-test.log | sed 's/^ */skipped: /' || true
awk '/^ +Failed [A-Za-z]/ { on = 1; n = 0; sub(/^ +/, ""); print ""; print "FAILED: " $0; next }
     /^ +(Passed|Skipped) [A-Za-z]/ || /^\[xUnit/ { on = 0 }
     on && n++ < 40 { print }' /tmp/contacthub-test.log || true
echo
echo "$(count Passed) passed, $(count Failed) failed, $(count Skipped) skipped"
exit "$status"
