#!/usr/bin/env bash
# Regenerates src/Bulwark.Core/Accounts/Passwords/Data/common-passwords.txt from the npm package
# @zxcvbn-ts/language-common (MIT). Needs npm (registry access) and python3. Run from anywhere.
# Usage: scripts/generate-password-blocklist.sh [VERSION]
set -euo pipefail
cd "$(dirname "$0")/.."
version=${1:-4.1.3}
out=src/Bulwark.Core/Accounts/Passwords/Data/common-passwords.txt
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "@zxcvbn-ts/language-common@$version" >/dev/null && tar xzf ./*.tgz)
python3 - "$work/package/src/passwords.json" "$out" "$version" <<'PY'
import json, sys
source, out, version = sys.argv[1:4]
words = json.load(open(source, encoding="utf-8"))
seen, lines = set(), []
for w in words:
    w = w.strip().lower()
    # One entry per line: anything that could break the format is dropped, not escaped.
    if not w or "\n" in w or "\r" in w or w in seen:
        continue
    seen.add(w)
    lines.append(w)
with open(out, "w", encoding="utf-8", newline="\n") as f:
    f.write(f"# @zxcvbn-ts/language-common {version} passwords.json, most common first; see README.md\n")
    f.write("\n".join(lines) + "\n")
print(f"{len(lines)} entries -> {out}")
PY
