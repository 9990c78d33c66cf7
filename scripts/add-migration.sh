#!/usr/bin/env bash
# Adds a migration with the given name to both providers (SQLite and PostgreSQL).
# Usage: scripts/add-migration.sh NAME
set -euo pipefail
cd "$(dirname "$0")/.."
name=${1:?usage: scripts/add-migration.sh NAME}
dotnet tool restore >/dev/null
for provider in Sqlite PostgreSql; do
  dotnet ef migrations add "$name" --project "src/Bulwark.Data.$provider" --startup-project "src/Bulwark.Data.$provider" -o Migrations
done
