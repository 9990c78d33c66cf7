#!/usr/bin/python3
"""Typosquat check: false positives on real names, recall on typosquats, and speed.

    bench/detection/names.py [--top-file ../shared/data/top-pypi-packages.json] [--bulwark DLL] [--pypi-names FILE]

Protected: the top 15,000 names of the top-PyPI-packages file. Measured with `bulwark names check`:
  * false positives: every one of the 15,000 judged against the names ranked above it (--against-others: as if it
    had been registered after them); names ranked
    5,001-15,000 against the top 5,000 only; Debian's python3-* package names (apt-cache, when present) not in
    the set; and, if --pypi-names is given (one name per line, or a TSV whose first column is the name), every
    other name of that list;
  * recall: typosquats generated from the top 1,000 names (one of each kind per name, fixed seed) and real
    typosquat names from public reports whose target is protected;
  * speed: candidates per second of CPU time on one core (taskset -c 0), start-up subtracted.
"""

import argparse
import collections
import json
import os
import pathlib
import random
import re
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[2]

# Real typosquats from public reports, with the project they imitate: SK-CSIRT's 2017 advisory, the 2018
# disclosures (colourama, diango...), python3-dateutil and jeIlyfish (2019), request (2020), the W4SP
# campaign (2022).
REAL_TYPOSQUATS = {
    "acqusition": "acquisition", "setup-tools": "setuptools", "urlib3": "urllib3", "urllib": "urllib3",
    "colourama": "colorama", "diango": "django", "djago": "django", "dajngo": "django", "djanga": "django",
    "mumpy": "numpy", "openvc": "opencv-python", "python-mysqldb": "mysqlclient", "virtualnv": "virtualenv",
    "python3-dateutil": "python-dateutil", "jeilyfish": "jellyfish", "request": "requests", "twyne": "twine",
    "colorsama": "colorama", "pyurllib": "urllib3", "pystyte": "pystyle", "pyslyte": "pystyle",
    "easyinstall": "easy-install", "python-sqlite": "pysqlite3", "nmap-python": "python-nmap",
    "libhttps": "httpx", "pythonkafka": "kafka-python", "python-openssl": "pyopenssl",
}

HOMOGLYPHS = {"a": "\u0430", "e": "\u0435", "o": "\u043e", "p": "\u0440", "c": "\u0441", "i": "\u0456", "s": "\u0455", "x": "\u0445", "y": "\u0443"}
QWERTY = ["qwertyuiop", "asdfghjkl", "zxcvbnm"]


def neighbours(ch):
    for r, row in enumerate(QWERTY):
        if ch in row:
            i = row.index(ch)
            return [row[j] for j in (i - 1, i + 1) if 0 <= j < len(row)]
    return []


def typosquats(name, rng):
    """One typosquat of each kind for a protected name (the kinds the issue lists)."""
    out = {}
    letters = [i for i, c in enumerate(name) if c.isalpha()]
    if len(name) >= 5 and letters:
        i = rng.choice(letters)
        out["dropped-letter"] = name[:i] + name[i + 1:]
        out["repeated-letter"] = name[:i] + name[i] + name[i:]
        j = rng.choice([k for k in range(len(name) - 1) if name[k] != name[k + 1] and name[k] != "-" and name[k + 1] != "-"] or [0])
        out["transposition"] = name[:j] + name[j + 1] + name[j] + name[j + 2:]
        subs = [k for k in letters if neighbours(name[k])]
        if subs:
            k = rng.choice(subs)
            out["keyboard-typo"] = name[:k] + rng.choice(neighbours(name[k])) + name[k + 1:]
        k = rng.randrange(1, len(name))
        out["one-edit"] = name[:k] + rng.choice("abcdefghijklmnopqrstuvwxyz") + name[k:]
    glyphs = [i for i, c in enumerate(name) if c in HOMOGLYPHS]
    if glyphs:
        i = rng.choice(glyphs)
        out["confusable"] = name[:i] + HOMOGLYPHS[name[i]] + name[i + 1:]
    out["ultranormalized"] = name.replace("-", "_") if "-" in name else name.replace("l", "1", 1) if "l" in name else name + "-" if False else name.replace("o", "0", 1)
    out["affix"] = rng.choice(["python-", "py", "py-"]) + name if rng.random() < 0.5 else name + rng.choice(["-py", "-dev", "-utils", "lib", "-sdk"])
    out["version-digit"] = name + rng.choice("23")
    out["combined-word"] = name + rng.choice(["-official", "-secure", "fast", "plus", "-latest"])
    if "-" in name:
        words = name.split("-")
        out["reordered-words"] = "-".join(reversed(words))
    return {k: v for k, v in out.items() if v != name}


def run_check(dll, protected, names, against_others=False, top=None):
    args = ["dotnet", dll, "names", "check", "--protected", str(protected)]
    if against_others:
        args.append("--against-others")
    if top:
        args += ["--top", str(top)]
    result = subprocess.run(args, input="\n".join(names) + "\n", capture_output=True, text=True, check=True)
    return [json.loads(line) for line in result.stdout.splitlines()]


def flagged(rows):
    return [r for r in rows if r["verdict"] != "ok"]


def rate(part, whole):
    return f"{len(part):,} / {len(whole):,} ({100.0 * len(part) / max(len(whole), 1):.2f}%)"


def speed(dll, protected, names):
    def cpu(input_names):
        start = os.times()
        subprocess.run(["taskset", "-c", "0", "dotnet", dll, "names", "check", "--protected", str(protected)],
                       input="\n".join(input_names) + "\n", capture_output=True, text=True, check=True)
        end = os.times()
        return (end.children_user - start.children_user) + (end.children_system - start.children_system)
    empty = min(cpu(["x"]) for _ in range(3))
    full = min(cpu(names) for _ in range(3))
    return len(names) / max(full - empty, 1e-6), full, empty


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--top-file", default=str(ROOT.parent / "shared/data/top-pypi-packages.json"))
    parser.add_argument("--bulwark", default=str(ROOT / "src/Bulwark/bin/Release/net10.0/Bulwark.dll"))
    parser.add_argument("--pypi-names")
    parser.add_argument("--out", default=str(ROOT / "bench/out/detection"))
    args = parser.parse_args()
    out = pathlib.Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    top = [r["project"] for r in json.load(open(args.top_file))["rows"]][:15000]
    norm = lambda n: re.sub(r"[-_.]+", "-", n).lower()
    protected_set = {norm(n) for n in top}
    lines = []

    rows = run_check(args.bulwark, args.top_file, top, against_others=True)
    fp_all = flagged(rows)
    (out / "names-fp-top15000.jsonl").write_text("".join(json.dumps(r) + "\n" for r in fp_all))
    lines.append(f"| top 15,000 names, each against the names ranked above it | {rate(fp_all, rows)} | "
                 f"block {sum(r['verdict'] == 'block' for r in fp_all):,}, hold {sum(r['verdict'] == 'hold' for r in fp_all):,} |")
    rule_counts = collections.Counter(r["rule"] for r in fp_all)

    rows = run_check(args.bulwark, args.top_file, top[5000:], top=5000)
    fp = flagged(rows)
    lines.append(f"| names ranked 5,001-15,000 against the top 5,000 | {rate(fp, rows)} | "
                 f"block {sum(r['verdict'] == 'block' for r in fp):,}, hold {sum(r['verdict'] == 'hold' for r in fp):,} |")

    try:
        apt = subprocess.run(["apt-cache", "pkgnames", "python3-"], capture_output=True, text=True).stdout.split()
    except OSError:
        apt = []
    debian = sorted({n[len("python3-"):] for n in apt if n.startswith("python3-")} - protected_set)
    debian = [n for n in debian if not n.endswith(("-dbg", "-doc"))]
    if debian:
        rows = run_check(args.bulwark, args.top_file, debian)
        fp = flagged(rows)
        (out / "names-fp-debian.jsonl").write_text("".join(json.dumps(r) + "\n" for r in fp))
        lines.append(f"| Debian python3-* names not in the set | {rate(fp, rows)} | "
                     f"block {sum(r['verdict'] == 'block' for r in fp):,}, hold {sum(r['verdict'] == 'hold' for r in fp):,} |")

    if args.pypi_names:
        names = []
        for line in open(args.pypi_names, encoding="utf-8", errors="replace"):
            name = line.split("\t")[0].strip()
            if name and name != "name" and norm(name) not in protected_set:
                names.append(name)
        rows = run_check(args.bulwark, args.top_file, names)
        fp = flagged(rows)
        lines.append(f"| every other PyPI name ({len(names):,}) | {rate(fp, rows)} | "
                     f"block {sum(r['verdict'] == 'block' for r in fp):,}, hold {sum(r['verdict'] == 'hold' for r in fp):,} |")

    rng = random.Random(13)
    generated = []
    for name in top[:1000]:
        for kind, squat in typosquats(norm(name), rng).items():
            if norm(squat) not in protected_set:
                generated.append((kind, squat))
    rows = run_check(args.bulwark, args.top_file, [s for _, s in generated])
    by_kind = collections.defaultdict(lambda: [0, 0])
    for (kind, _), row in zip(generated, rows):
        by_kind[kind][1] += 1
        by_kind[kind][0] += row["verdict"] != "ok"
    caught = flagged(rows)
    lines.append(f"| recall: generated typosquats of the top 1,000 | {rate(caught, rows)} | "
                 + ", ".join(f"{k} {v[0]}/{v[1]}" for k, v in sorted(by_kind.items())) + " |")

    real = {k: v for k, v in REAL_TYPOSQUATS.items() if norm(v) in protected_set and norm(k) not in protected_set}
    rows = run_check(args.bulwark, args.top_file, list(real))
    caught = flagged(rows)
    missed = [r["name"] for r in rows if r["verdict"] == "ok"]
    lines.append(f"| recall: real typosquats from public reports (target protected) | {rate(caught, rows)} | missed: {', '.join(missed) or 'none'} |")

    sample = (top + debian) * 4
    per_second, full, empty = speed(args.bulwark, args.top_file, sample)
    lines.append(f"| speed: names/s on one core against 15,000 protected | {per_second:,.0f} names/s | "
                 f"{len(sample):,} names in {full:.2f} s CPU, {empty:.2f} s of it start-up and loading the set |")

    print("| measure | result | detail |\n| --- | --- | --- |")
    print("\n".join(lines))
    print("\nRules behind the top-15,000 false positives:", ", ".join(f"{k} {v}" for k, v in rule_counts.most_common()))


if __name__ == "__main__":
    main()
