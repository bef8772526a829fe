#!/usr/bin/env bash
# A local GNU Health 5.0 (Tryton 7.0, SQLite) with the SAO 7.0 web client and our demo data,
# for the end-to-end tests (tests/e2e/gnuhealth.test.mjs). Everything comes from PyPI and npm.
#
#   tests/gnuhealth/setup.sh [DIR]      (default: target/gnuhealth; gitignored)
#
# Idempotent and cached: each step leaves a stamp in DIR and is skipped when its stamp (the
# versions, and for the database the hash of this script and demo_data.py) is already there.
# The result is a template database DIR/db/health.sqlite that the tests copy before starting
# trytond on a free port, so a run never changes the cache. A second run takes about a second.
#
# Exit codes: 0 ready; 3 this machine has no Python venv support (the tests skip, visibly);
# anything else is a failure.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
DIR=${1:-$ROOT/target/gnuhealth}
GNUHEALTH_VERSION=5.0.6      # requires trytond >=7.0,<7.1
PROTEUS_SPEC='proteus>=7.0,<7.1'
SAO_VERSION=7.0.56           # npm tryton-sao 7.0.x, matching trytond 7.0
DB=health
ADMIN_PASSWORD=admin

say() { printf '[gnuhealth] %s\n' "$*" >&2; }
mkdir -p "$DIR"
DIR=$(cd "$DIR" && pwd)
exec 9>"$DIR/.lock"
flock 9    # one setup at a time (parallel test runs, several workers)
T0=$(date +%s)

if ! python3 -c 'import venv, ensurepip' 2>/dev/null; then
  say "python3 has no venv/ensurepip support (Debian: apt-get install python3-venv)"
  exit 3
fi

# 1. venv with GNU Health's core module from PyPI.
VENV_STAMP="gnuhealth==$GNUHEALTH_VERSION $PROTEUS_SPEC $(python3 -V 2>&1)"
if [ "$(cat "$DIR/venv/.precall-stamp" 2>/dev/null)" != "$VENV_STAMP" ]; then
  say "creating the Python venv and installing gnuhealth $GNUHEALTH_VERSION (about a minute)"
  rm -rf "$DIR/venv"
  python3 -m venv "$DIR/venv" || { say "python3 -m venv failed: no venv support"; rm -rf "$DIR/venv"; exit 3; }
  "$DIR/venv/bin/pip" install -q --disable-pip-version-check "gnuhealth==$GNUHEALTH_VERSION" "$PROTEUS_SPEC"
  printf '%s' "$VENV_STAMP" > "$DIR/venv/.precall-stamp"
fi

# 2. SAO from npm: the tarball has a prebuilt dist/; its bower dependencies (its postinstall
#    would fetch them from GitHub) are taken from the same libraries on npm.
SAO_STAMP="tryton-sao@$SAO_VERSION deps-1"
if [ "$(cat "$DIR/sao/.precall-stamp" 2>/dev/null)" != "$SAO_STAMP" ]; then
  say "fetching SAO $SAO_VERSION and its libraries from npm"
  rm -rf "$DIR/sao" "$DIR/sao-build"
  mkdir -p "$DIR/sao-build/deps"
  ( cd "$DIR/sao-build" && npm pack --silent "tryton-sao@$SAO_VERSION" >/dev/null && tar xzf "tryton-sao-$SAO_VERSION.tgz" )
  ( cd "$DIR/sao-build/deps" && echo '{"name":"sao-deps","version":"1.0.0","private":true}' > package.json &&
    npm install --silent --ignore-scripts --no-audit --no-fund jquery@3 bootstrap@3.4.1 moment@2 \
      gettext.js@0.7 c3@0.7 d3@5 papaparse@5 fullcalendar@3.10.2 mousetrap@1.6 sortablejs@1 >/dev/null )
  NM=$DIR/sao-build/deps/node_modules
  B=$DIR/sao-build/package/bower_components
  mkdir -p "$B/d3"
  for p in jquery bootstrap moment gettext.js c3 papaparse fullcalendar mousetrap; do cp -r "$NM/$p" "$B/$p"; done
  cp -r "$NM/sortablejs" "$B/Sortable"
  cp "$NM/d3/dist/d3.min.js" "$B/d3/d3.min.js"
  touch "$DIR/sao-build/package/custom.js" "$DIR/sao-build/package/custom.css"
  ( cd "$DIR/sao-build/package" && for f in $(grep -o 'bower_components/[^"]*' index.html); do
      test -f "$f" || { say "SAO: missing $f"; exit 1; }; done )
  mv "$DIR/sao-build/package" "$DIR/sao"
  rm -rf "$DIR/sao-build"
  printf '%s' "$SAO_STAMP" > "$DIR/sao/.precall-stamp"
fi

# 3. The configuration. The database folder and the listen address are not in it: they come
#    from TRYTOND_DATABASE__PATH and TRYTOND_WEB__LISTEN (trytond lets the file override the
#    environment, so they must stay out of the file).
cat > "$DIR/trytond.conf" <<CONF
[database]
uri = sqlite://
language = en

[web]
root = $DIR/sao

[session]
timeout = 36000
CONF
printf '%s\n' "$ADMIN_PASSWORD" > "$DIR/adminpass"

# 4. The template database: modules activated, demo data loaded.
DB_STAMP="$(cat "$HERE/setup.sh" "$HERE/demo_data.py" | sha256sum | cut -c1-16) $VENV_STAMP"
if [ "$(cat "$DIR/db/.precall-stamp" 2>/dev/null)" != "$DB_STAMP" ]; then
  say "creating the database and activating the health module (about a minute)"
  rm -rf "$DIR/db-build" && mkdir -p "$DIR/db-build"
  touch "$DIR/db-build/$DB.sqlite"
  export TRYTONPASSFILE=$DIR/adminpass TRYTOND_DATABASE__PATH=$DIR/db-build
  quiet() { grep -v -i -e 'warn' -e 'unable to add' -e 'from crypt' || true; }
  "$DIR/venv/bin/trytond-admin" -c "$DIR/trytond.conf" -d $DB --all --email admin@example.com 2>&1 | quiet
  "$DIR/venv/bin/trytond-admin" -c "$DIR/trytond.conf" -d $DB -u health --activate-dependencies 2>&1 | quiet
  say "loading the demo data"
  ( cd "$DIR" && DB=$DB TRYTOND_CONFIG=$DIR/trytond.conf "$DIR/venv/bin/python" "$HERE/demo_data.py" > "$DIR/demo_data.log" 2>&1 ) \
    || { cat "$DIR/demo_data.log" >&2; exit 1; }
  rm -rf "$DIR/db" && mv "$DIR/db-build" "$DIR/db"
  printf '%s' "$DB_STAMP" > "$DIR/db/.precall-stamp"
fi
say "ready in $(( $(date +%s) - T0 )) s: $DIR"
