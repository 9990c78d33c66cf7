#!/usr/bin/env bash
# Runs Bulwark's whole test suite on a fresh Debian 12 machine: installs what the tests need,
# starts PostgreSQL on loopback, then runs every test project.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  postgresql
  twine python3-pip python3-venv python3-build python3-setuptools python3-wheel
  python3-setuptools-whl python3-wheel-whl python3-hatchling python3-poetry python3-poetry-core
  python3-keyring flit python3-trove-classifiers oathtool python3-aiosmtpd chromium chromium-driver
  nginx
)
# End-to-end tests: twine, pip (Debian's in a venv, and the first python3 on PATH with --target), poetry
# (poetry-core builds), flit (flit_core ships inside the 'flit' package; Debian 12 has no python3-flit-core),
# hatchling, and setuptools through 'python3 -m build --no-isolation'. nginx: the two-instance test runs
# docs/deploy/bulwark-nginx.conf in front of two published servers (its own nginx process on loopback; the
# package's system service is not used).

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "== installing: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The object-storage tests run s3rver (an S3-protocol server in Node.js) from tests/s3, pinned by its lock file.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "== installing: nodejs npm"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
fi
echo "== installing s3rver (tests/s3)"
(cd tests/s3 && npm ci --no-audit --no-fund --loglevel=error)

echo "== starting PostgreSQL"
scripts/postgres-start.sh
export BULWARK_TEST_POSTGRES="Host=127.0.0.1;Port=5432;Username=bulwark;Password=bulwark;Database=postgres"

echo "== restoring (locked: packages.lock.json must match)"
dotnet restore Bulwark.slnx --locked-mode -nologo -v q

echo "== building"
dotnet build Bulwark.slnx -c Release -nologo -v q --no-restore

status=0
results="$(mktemp -d)"
for project in tests/Bulwark.Core.Tests tests/Bulwark.Tests tests/Bulwark.EndToEnd.Tests; do
  echo "== $project"
  dotnet test "$project" -c Release --no-build --nologo --logger "console;verbosity=normal" \
    --logger "trx;LogFileName=$results/$(basename "$project").trx" \
    --blame-hang-timeout 10m || status=1
done
# The failures again, last, without the server logs around them (CI shows the end of the output).
echo "== summary"
python3 scripts/test-summary.py "$results"/*.trx || status=1
exit $status
