#!/usr/bin/python3
"""The upload scan's cost on a 100 MiB wheel through the wired upload path: scan on vs off, in one run.

    bench/detection/upload_scan.py [--rounds N] [--kind random|source]

Two Bulwark servers from the Release build share one fresh SQLite data directory, one with the default settings
(scan on), one with Bulwark:Scanning:Enabled=false. Each round builds a fresh ~100 MiB wheel per server and
uploads it with curl, alternating which server goes first, and records the wall time and the server's CPU time
(utime + stime from /proc) of each upload. The machine may be loaded by other work: the figures that matter are
the ratios within the run, CPU time above all (it moves little when other processes compete for the cores).

--kind random: the upload benchmark's wheel (one stored member of random bytes and an __init__.py).
--kind source: the worst case, a wheel of ~100 MiB of Python modules (stored), all of which the scan reads.
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
import zipfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "lib"))
from common import BENCH_DLL, OUT, Server, admin, log, run, server_env  # noqa: E402

MODULE = '''"""A module of the scan benchmark's source wheel."""
import os
import json


def load(path):
    with open(os.path.join(path, "data.json")) as f:
        return json.load(f)


class Store:
    def __init__(self, root):
        self.root = root
        self.items = {}

    def put(self, key, value):
        self.items[key] = value
        return len(self.items)

'''


def source_wheel(out, name, version, mib):
    pkg = name.replace("-", "_")
    path = os.path.join(out, f"{pkg}-{version}-py3-none-any.whl")
    target = mib * 1024 * 1024
    written = 0
    records = []
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
        i = 0
        while written < target:
            body = MODULE + "".join(f"CONSTANT_{i}_{j} = {j}\n" for j in range(400))
            member = f"{pkg}/mod{i:05d}.py"
            z.writestr(member, body)
            records.append(member)
            written += len(body)
            i += 1
        dist = f"{pkg}-{version}.dist-info"
        z.writestr(f"{pkg}/__init__.py", "\n")
        z.writestr(f"{dist}/METADATA", f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\nSummary: scan benchmark\n")
        z.writestr(f"{dist}/WHEEL", "Wheel-Version: 1.0\nGenerator: bulwark-bench\nRoot-Is-Purelib: true\nTag: py3-none-any\n")
        z.writestr(f"{dist}/RECORD", "".join(f"{r},,\n" for r in records + [f"{pkg}/__init__.py", f"{dist}/METADATA", f"{dist}/WHEEL", f"{dist}/RECORD"]))
    return path


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def upload(server, token, wheel, name, version):
    import hashlib
    sha = hashlib.sha256()
    with open(wheel, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            sha.update(chunk)
    form = ["-F", ":action=file_upload", "-F", "protocol_version=1", "-F", f"name={name}",
            "-F", f"version={version}", "-F", "filetype=bdist_wheel", "-F", "pyversion=py3",
            "-F", "metadata_version=2.1", "-F", "summary=scan benchmark",
            "-F", f"sha256_digest={sha.hexdigest()}", "-F", f"content=@{wheel};type=application/octet-stream"]
    cpu_before = cpu_seconds(server.pid)
    started = time.monotonic()
    out = subprocess.run(["curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "-u", f"__token__:{token}",
                          *form, server.base + "/legacy/"], check=True, capture_output=True, text=True).stdout
    elapsed = time.monotonic() - started
    time.sleep(0.5)  # let the request's last work (logging, disposal) land in the CPU counters
    cpu = cpu_seconds(server.pid) - cpu_before
    if out != "200":
        raise RuntimeError(f"upload to {server.base} failed with HTTP {out}")
    return elapsed, cpu


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--kind", choices=["random", "source"], default="random")
    parser.add_argument("--mib", type=int, default=100)
    parser.add_argument("--warmup", type=int, default=2, help="rounds not counted (JIT tiering, caches)")
    args = parser.parse_args()

    data = os.path.join(OUT, "upload-scan")
    shutil.rmtree(data, ignore_errors=True)
    os.makedirs(data)
    env = server_env(data)
    admin(env, "user", "add", "scanbench", "--email", "scanbench@example.com")
    token = admin(env, "token", "create", "scanbench", "--expires", "7d").splitlines()[-1]
    on = Server(env).start()
    off_env = dict(env)
    off_env["Bulwark__Scanning__Enabled"] = "false"
    off = Server(off_env).start()
    work = os.path.join(data, "wheels")
    os.makedirs(work)
    results = {"on": [], "off": []}
    try:
        for i in range(args.warmup + args.rounds):  # the first rounds warm both servers up and are not counted
            order = [("on", on), ("off", off)] if i % 2 == 0 else [("off", off), ("on", on)]
            for label, server in order:
                name = f"scan-bench-{label}"
                version = f"{int(time.time())}.{i}"
                if args.kind == "random":
                    wheel = run(["dotnet", BENCH_DLL, "big-wheel", "--out", work, "--mib", str(args.mib), "--name", name,
                                 "--version", version], capture=True).strip()
                else:
                    wheel = source_wheel(work, name, version, args.mib)
                elapsed, cpu = upload(server, token, wheel, name, version)
                log(f"round {i} scan {label}: {elapsed:.2f} s wall, {cpu:.2f} s server CPU, load {os.getloadavg()[0]:.1f}")
                if i >= args.warmup:
                    results[label].append((elapsed, cpu))
                os.remove(wheel)
    finally:
        on.stop()
        off.stop()

    def med(label, k):
        return statistics.median(r[k] for r in results[label])

    load = open("/proc/loadavg").read().strip()
    print(f"| wheel | {args.kind}, {args.mib} MiB, {args.rounds} rounds per server after {args.warmup} warm-up rounds (medians) |")
    print(f"| scan off: wall / server CPU | {med('off', 0):.2f} s / {med('off', 1):.2f} s |")
    print(f"| scan on: wall / server CPU | {med('on', 0):.2f} s / {med('on', 1):.2f} s |")
    print(f"| on ÷ off: wall / server CPU | {med('on', 0) / med('off', 0):.2f} / {med('on', 1) / med('off', 1):.2f} |")
    print(f"| load average (1, 5, 15 min) at the end | {load} |")


if __name__ == "__main__":
    main()
