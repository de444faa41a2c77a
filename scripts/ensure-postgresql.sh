#!/usr/bin/env bash
# Makes sure PostgreSQL server binaries are on this machine (the testkit starts real servers from them).
# Installs Debian's postgresql-15 when no server binaries are found. Needs root only when it installs.
set -euo pipefail

have_pg() {
  if [ -n "${PG_BIN:-}" ] && [ -x "$PG_BIN/postgres" ]; then return 0; fi
  if command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/postgres" ]; then return 0; fi
  compgen -G "/usr/lib/postgresql/*/bin/postgres" >/dev/null
}

if have_pg; then
  echo "PostgreSQL server binaries: found"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "PostgreSQL server binaries are missing. Install them (Debian: apt-get install postgresql-15 postgresql-client-15) or set PG_BIN." >&2
  exit 1
fi

echo "PostgreSQL server binaries are missing: installing postgresql-15 from Debian"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# the package's own cluster is not wanted: the testkit makes its own servers
mkdir -p /etc/postgresql-common/createcluster.d
echo "create_main_cluster = false" > /etc/postgresql-common/createcluster.d/no-main-cluster.conf
apt-get install -y -qq postgresql-15 postgresql-client-15 >/dev/null
have_pg && echo "PostgreSQL server binaries: installed"
