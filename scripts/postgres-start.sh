#!/usr/bin/env bash
# Starts the Debian PostgreSQL cluster on loopback and ensures the test role exists. Idempotent.
set -euo pipefail
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
version=$(ls /usr/lib/postgresql | sort -n | tail -n 1)
if ! $SUDO pg_lsclusters -h | grep -q "^$version main"; then
  $SUDO pg_createcluster "$version" main >/dev/null
fi
$SUDO pg_ctlcluster "$version" main start 2>/dev/null || true
for _ in $(seq 1 30); do
  $SUDO runuser -u postgres -- pg_isready -q -h 127.0.0.1 && break
  sleep 1
done
$SUDO runuser -u postgres -- psql -q -h 127.0.0.1 -c "SELECT 1" >/dev/null 2>&1 || $SUDO runuser -u postgres -- pg_isready -h 127.0.0.1
$SUDO runuser -u postgres -- psql -q -v ON_ERROR_STOP=1 <<'SQL'
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'bulwark') THEN
    CREATE ROLE bulwark LOGIN CREATEDB PASSWORD 'bulwark';
  END IF;
END $$;
SQL
# Test servers run in parallel, each with its own pool and, for several-instance support, one LISTEN
# connection; the default of 100 connections is too few for the whole suite at once.
# (The postgres role signs in over the local socket; over TCP it would need a password.)
if [ "$($SUDO runuser -u postgres -- psql -tAq -c "SHOW max_connections")" -lt 300 ]; then
  $SUDO runuser -u postgres -- psql -q -c "ALTER SYSTEM SET max_connections = 300" >/dev/null
  $SUDO pg_ctlcluster "$version" main restart
  for _ in $(seq 1 30); do
    $SUDO runuser -u postgres -- pg_isready -q -h 127.0.0.1 && break
    sleep 1
  done
fi
