# Sourced by scripts/app.sh and scripts/test-all.sh: installs the npm packages
# from package-lock.json when node_modules is missing or older than the lock.
ensure_node_modules() {
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    echo "==> Installing npm packages (npm ci; better-sqlite3 compiles from source, about 2 minutes)"
    npm ci --no-audit --no-fund
  fi
}

# Sets TEST_DATABASE_URL to a PostgreSQL server the tests may create
# databases on. Uses the one on 127.0.0.1:5432 when it lets this user in;
# otherwise installs Debian's PostgreSQL (when missing), starts its cluster
# and makes a test role with a generated password (kept in .tmp/).
pg_answers() {
  node -e '
    const pg = require("pg");
    const os = require("node:os");
    const url = new URL(process.argv[1]);
    if (!url.username) url.username = process.env.PGUSER || os.userInfo().username;
    const c = new pg.Client({ connectionString: url.toString(), connectionTimeoutMillis: 3000 });
    c.connect().then(() => c.query("select 1")).then(() => c.end()).then(() => process.exit(0), () => process.exit(1));
  ' "$1" >/dev/null 2>&1
}

ensure_postgres() {
  if [ -n "${TEST_DATABASE_URL:-}" ] && pg_answers "$TEST_DATABASE_URL"; then return 0; fi
  local url="postgres://127.0.0.1:5432/postgres"
  if pg_answers "$url"; then export TEST_DATABASE_URL="$url"; return 0; fi
  local SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  if ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
    echo "==> Installing Debian's PostgreSQL for the PostgreSQL test run"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql
  fi
  local version
  version="$(ls /etc/postgresql | sort -n | tail -1)"
  echo "==> Starting PostgreSQL $version"
  $SUDO pg_ctlcluster --skip-systemctl-redirect "$version" main start 2>/dev/null || true
  for _ in $(seq 1 30); do
    $SUDO runuser -u postgres -- psql -Atqc "select 1" >/dev/null 2>&1 && break
    sleep 1
  done
  mkdir -p .tmp
  if [ ! -s .tmp/pg-test-password ]; then
    node -e 'process.stdout.write(require("node:crypto").randomBytes(18).toString("hex"))' > .tmp/pg-test-password
  fi
  local password
  password="$(cat .tmp/pg-test-password)"
  $SUDO runuser -u postgres -- psql -Atqc "do \$\$ begin
      if not exists (select from pg_roles where rolname = 'newsroom_test') then
        create role newsroom_test login createdb superuser password '$password';
      else
        alter role newsroom_test login createdb superuser password '$password';
      end if;
    end \$\$;" >/dev/null
  url="postgres://newsroom_test:$password@127.0.0.1:5432/postgres"
  if ! pg_answers "$url"; then
    echo "PostgreSQL does not answer on 127.0.0.1:5432; set TEST_DATABASE_URL to a server the tests may use" >&2
    return 1
  fi
  export TEST_DATABASE_URL="$url"
}
