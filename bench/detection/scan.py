#!/usr/bin/python3
"""Upload scan: recall on the malicious samples, false positives on legitimate code, throughput, upload overhead.

    bench/detection/scan.py [--bulwark DLL] [--out DIR] [--reuse]

1. Builds the corpora (build_samples.py, build_legit.py) under OUT (default bench/out/detection), unless --reuse.
2. Runs `bulwark scan` over both and prints, per source, how many distributions were flagged (suspicious or
   malicious) with the false positives listed.
3. Throughput: CPU time of `bulwark scan` over the whole legitimate corpus on one core (taskset -c 0), start-up
   (a scan of one tiny file) subtracted, as MB of distribution files per second.
4. Upload overhead: a 100 MiB wheel laid out like bench/run's upload wheel (a random payload.bin and an
   __init__.py) and a worst case, a 100 MiB wheel of stored (uncompressed) Python source, each scanned on one
   core and compared with `cp` + `sha256sum` of the same file (CPU time, best of three): the first scan in a fresh
   process (as `bulwark scan` runs, JIT warm-up included, start-up subtracted) and a warm scan (the third of three
   in one process, as the server runs it after its first uploads).
"""

import argparse
import collections
import json
import os
import pathlib
import random
import subprocess
import sys
import time
import zipfile

ROOT = pathlib.Path(__file__).resolve().parents[2]
HERE = pathlib.Path(__file__).resolve().parent


def scan(dll, files, core=None):
    rows = []
    for i in range(0, len(files), 200):
        cmd = (["taskset", "-c", str(core)] if core is not None else []) + ["dotnet", dll, "scan", *map(str, files[i:i + 200])]
        out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
        rows += [json.loads(line) for line in out.splitlines()]
    return rows


def cpu_of(cmd):
    start = os.times()
    subprocess.run(cmd, capture_output=True, check=True)
    end = os.times()
    return (end.children_user - start.children_user) + (end.children_system - start.children_system)


def wall_of(cmd, shell=False):
    start = time.perf_counter()
    subprocess.run(cmd, capture_output=True, check=True, shell=shell)
    return time.perf_counter() - start


def big_wheels(out, legit_dir):
    mib = 100 * 1024 * 1024
    random_wheel = out / "bench_big_upload-1.0.0-py3-none-any.whl"
    if not random_wheel.exists():
        rng = random.Random(1)
        with zipfile.ZipFile(random_wheel, "w") as whl:
            with whl.open(zipfile.ZipInfo("bench_big_upload/payload.bin"), "w", force_zip64=True) as f:
                for _ in range(100):
                    f.write(rng.randbytes(1024 * 1024))
            whl.writestr("bench_big_upload/__init__.py", "\n")
            whl.writestr("bench_big_upload-1.0.0.dist-info/METADATA", "Metadata-Version: 2.1\nName: bench-big-upload\nVersion: 1.0.0\n")
            whl.writestr("bench_big_upload-1.0.0.dist-info/WHEEL", "Wheel-Version: 1.0\nRoot-Is-Purelib: true\nTag: py3-none-any\n")
            whl.writestr("bench_big_upload-1.0.0.dist-info/RECORD", "")
    source_wheel = out / "bench_big_source-1.0.0-py3-none-any.whl"
    if not source_wheel.exists():
        sources = []
        for whl in sorted((legit_dir / "debian").glob("*.whl")) + sorted((legit_dir / "stdlib").glob("*.whl")):
            with zipfile.ZipFile(whl) as z:
                sources += [z.read(n) for n in z.namelist() if n.endswith(".py")]
        written, i = 0, 0
        with zipfile.ZipFile(source_wheel, "w", zipfile.ZIP_STORED) as whl:
            while written < mib:
                data = sources[i % len(sources)]
                whl.writestr(f"bench_big_source/m{i:06d}.py", data)
                written += len(data)
                i += 1
            whl.writestr("bench_big_source-1.0.0.dist-info/METADATA", "Metadata-Version: 2.1\nName: bench-big-source\nVersion: 1.0.0\n")
    return random_wheel, source_wheel


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bulwark", default=str(ROOT / "src/Bulwark/bin/Release/net10.0/Bulwark.dll"))
    parser.add_argument("--out", default=str(ROOT / "bench/out/detection"))
    parser.add_argument("--reuse", action="store_true")
    args = parser.parse_args()
    out = pathlib.Path(args.out)
    mal_dir, legit_dir = out / "malicious", out / "legit"
    if not args.reuse or not mal_dir.exists():
        subprocess.run([sys.executable, HERE / "build_samples.py", mal_dir], check=True)
    if not args.reuse or not legit_dir.exists():
        subprocess.run([sys.executable, HERE / "build_legit.py", legit_dir], check=True)

    malicious = sorted(mal_dir.iterdir())
    legit = sorted(p for p in legit_dir.rglob("*") if p.is_file())
    mal_rows = scan(args.bulwark, malicious)
    legit_rows = scan(args.bulwark, legit)
    (out / "scan-malicious.jsonl").write_text("".join(json.dumps(r) + "\n" for r in mal_rows))
    (out / "scan-legit.jsonl").write_text("".join(json.dumps(r) + "\n" for r in legit_rows))

    verdicts = collections.Counter(r["verdict"] for r in mal_rows)
    flagged = [r for r in mal_rows if r["verdict"] != "clean"]
    print("| corpus | distributions | flagged | detail |\n| --- | --- | --- | --- |")
    print(f"| malicious samples | {len(mal_rows)} | {len(flagged)} ({100 * len(flagged) / len(mal_rows):.1f}%) | "
          f"malicious {verdicts['malicious']}, suspicious {verdicts['suspicious']}, clean {verdicts['clean']}"
          + (f": missed {', '.join(pathlib.Path(r['file']).name for r in mal_rows if r['verdict'] == 'clean')}" if verdicts["clean"] else "") + " |")
    by_source = collections.defaultdict(list)
    for r in legit_rows:
        by_source[pathlib.Path(r["file"]).parent.name].append(r)
    total_fp = []
    for source, rows in sorted(by_source.items()):
        fp = [r for r in rows if r["verdict"] != "clean"]
        total_fp += fp
        names = ", ".join(f"{pathlib.Path(r['file']).name} ({r['verdict']} {r['score']}: {r['findings'][0]['rule']})" for r in fp)
        print(f"| legitimate: {source} | {len(rows)} | {len(fp)} ({100 * len(fp) / len(rows):.1f}%) | {names} |")
    print(f"| legitimate: all | {len(legit_rows)} | {len(total_fp)} ({100 * len(total_fp) / len(legit_rows):.2f}%) | |")

    size = sum(p.stat().st_size for p in legit)
    tiny = mal_dir / sorted(os.listdir(mal_dir))[0]
    startup = min(cpu_of(["taskset", "-c", "0", "dotnet", args.bulwark, "scan", str(tiny)]) for _ in range(3))
    cpu = 0.0
    for i in range(0, len(legit), 200):
        cpu += cpu_of(["taskset", "-c", "0", "dotnet", args.bulwark, "scan", *map(str, legit[i:i + 200])]) - startup
    print(f"\nThroughput on one core (batches of 200 files per process): {size / 1e6:,.0f} MB in {len(legit)} distributions, {cpu:.1f} s CPU "
          f"(start-up {startup:.2f} s per run subtracted): {size / 1e6 / cpu:,.1f} MB/s")

    # CPU time, not wall time: the cores are shared, and waiting for one says nothing about the scan.
    tiny_cpu = min(cpu_of(["taskset", "-c", "0", "dotnet", args.bulwark, "scan", str(tiny)]) for _ in range(3))
    for wheel in big_wheels(out, legit_dir):
        copy = out / "copy.whl"
        baseline = min(cpu_of(["sh", "-c", f"cp {wheel} {copy} && sha256sum {copy}"]) for _ in range(3))
        copy.unlink(missing_ok=True)
        once = min(cpu_of(["taskset", "-c", "0", "dotnet", args.bulwark, "scan", str(wheel)]) for _ in range(3))
        thrice = cpu_of(["taskset", "-c", "0", "dotnet", args.bulwark, "scan", str(wheel), str(wheel), str(wheel)])
        first = max(once - tiny_cpu, 0.0)
        steady = max((thrice - once) / 2, 0.0)
        mib = wheel.stat().st_size / 2**20
        print(f"| {wheel.name} | {mib:.0f} MiB | cp+sha256sum {baseline:.2f} s | first scan in a fresh process {first:.2f} s "
              f"({100 * first / baseline:.0f}%) | warm (server) scan {steady:.2f} s ({100 * steady / baseline:.0f}%, "
              f"{wheel.stat().st_size / 1e6 / max(steady, 1e-3):,.0f} MB/s) |")


if __name__ == "__main__":
    main()
