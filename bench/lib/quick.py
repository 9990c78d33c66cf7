"""The quick mode: Bulwark against nginx serving the same bytes, and the 100 MiB upload."""
import json
import os
import shutil
import statistics
import subprocess
import time

from common import (BENCH_DLL, OUT, PIP_ACCEPT, TOP_PACKAGES, RssSampler, Server, admin, http_get, log, memory_kib,
                    reset_peak, run, server_env)
from loadgen import wrk
from mirror import Nginx, Target


def prepare(args):
    """A fresh SQLite data directory with the generated corpus, a user and a token."""
    data = os.path.join(OUT, "quick")
    env = server_env(data)
    manifest_path = os.path.join(data, "manifest.json")
    if args.reuse and os.path.exists(manifest_path):
        with open(manifest_path) as f, open(os.path.join(data, "token")) as t:
            return data, env, t.read().strip(), json.load(f)
    shutil.rmtree(data, ignore_errors=True)
    os.makedirs(data)
    admin(env, "user", "add", "bench", "--email", "bench@example.com")
    token = admin(env, "token", "create", "bench", "--expires", "7d").splitlines()[-1]
    with open(os.path.join(data, "token"), "w") as f:
        f.write(token)
    run(["dotnet", BENCH_DLL, "generate", "--db", "sqlite", "--data-dir", data, "--top", TOP_PACKAGES,
         "--manifest", os.path.join(data, "manifest.json"), "--projects", str(args.projects), "--owner", "bench"])
    with open(os.path.join(data, "manifest.json")) as f:
        manifest = json.load(f)
    return data, env, token, manifest


def targets(manifest):
    small, big = manifest["Small"]["NormalizedName"], manifest["Big"]["NormalizedName"]
    wheel = manifest["Small"]["WheelPath"]
    return [
        Target("small-json", f"/simple/{small}/ JSON ({manifest['Small']['Files']} files)", f"/simple/{small}/", PIP_ACCEPT),
        Target("small-html", f"/simple/{small}/ HTML", f"/simple/{small}/", "text/html"),
        Target("big-json", f"/simple/{big}/ JSON ({manifest['Big']['Files']} files)", f"/simple/{big}/", PIP_ACCEPT),
        Target("big-html", f"/simple/{big}/ HTML", f"/simple/{big}/", "text/html"),
        # What pip sends: Accept-Encoding gzip. Both serve the same pre-compressed bytes (nginx from a file, as
        # gzip_static would); the rows above are the uncompressed worst case.
        Target("big-json-gzip", f"/simple/{big}/ JSON, gzip", f"/simple/{big}/", PIP_ACCEPT, encoding="gzip"),
        Target("big-html-gzip", f"/simple/{big}/ HTML, gzip", f"/simple/{big}/", "text/html", encoding="gzip"),
        Target("root-html", f"/simple/ HTML ({manifest['Projects']} projects)", "/simple/", "text/html"),
        Target("wheel", f"wheel download ({manifest['Small']['WheelSize']} B)", wheel, "*/*"),
        Target("metadata", "its .metadata", wheel + ".metadata", "*/*"),
    ]


def compare(server, nginx, target_list, seconds):
    rows = []
    for t in target_list:
        # An unrecorded run first: JIT tiers, caches and connection setup are not what is measured.
        wrk(server.base + t.path, 5, t.accept, headers=t.wrk_headers)
        wrk(nginx.base + t.nginx_path, 2, t.accept, headers=t.wrk_headers)
        load_before = os.getloadavg()[0]
        b = wrk(server.base + t.path, seconds, t.accept, pids=[server.pid], headers=t.wrk_headers)
        n = wrk(nginx.base + t.nginx_path, seconds, t.accept, pids=nginx.pids(), headers=t.wrk_headers)
        row = {"key": t.key, "label": t.label, "bytes": len(t.body), "bulwark": b, "nginx": n,
               "load_before": load_before, "load_after": os.getloadavg()[0],
               "rps_ratio": b["rps"] / n["rps"], "p50_ratio": b["p50_ms"] / n["p50_ms"], "p99_ratio": b["p99_ms"] / n["p99_ms"],
               "cpu_ratio": b.get("cpu_us_per_request", 0) / max(n.get("cpu_us_per_request", 0), 1e-9)}
        log(f"{t.key}: Bulwark {b['rps']:.0f} req/s p50 {b['p50_ms']:.2f} p99 {b['p99_ms']:.2f} ms | "
            f"nginx {n['rps']:.0f} req/s p50 {n['p50_ms']:.2f} p99 {n['p99_ms']:.2f} ms | ratio {row['rps_ratio']:.2f}")
        rows.append(row)
    return rows


def upload_benchmark(server, token, data, repeats):
    """Each round: a fresh 100 MiB wheel; cp + sha256sum + b2sum of it, then its upload with curl, RSS sampled."""
    work = os.path.join(data, "upload")
    os.makedirs(work, exist_ok=True)
    rounds = []
    for i in range(repeats):
        version = f"{int(time.time())}.{i}"  # unique, so a reused data directory accepts it
        wheel = run(["dotnet", BENCH_DLL, "big-wheel", "--out", work, "--mib", "100", "--version", version], capture=True).strip()
        size = os.path.getsize(wheel)
        copy = os.path.join(work, "copy.whl")
        started = time.monotonic()
        subprocess.run(["cp", wheel, copy], check=True)
        sha256 = subprocess.run(["sha256sum", copy], check=True, capture_output=True, text=True).stdout.split()[0]
        subprocess.run(["b2sum", copy], check=True, capture_output=True)
        reference = time.monotonic() - started
        os.remove(copy)

        time.sleep(1)
        load_before = os.getloadavg()[0]
        before_rss, _ = memory_kib(server.pid)
        hwm_reset = reset_peak(server.pid)
        form = ["-F", ":action=file_upload", "-F", "protocol_version=1", "-F", "name=bench-big-upload",
                "-F", f"version={version}", "-F", "filetype=bdist_wheel", "-F", "pyversion=py3",
                "-F", "metadata_version=2.1", "-F", "summary=A large wheel for the upload benchmark",
                "-F", f"sha256_digest={sha256}", "-F", f"content=@{wheel};type=application/octet-stream"]
        with RssSampler(server.pid) as sampler:
            started = time.monotonic()
            out = subprocess.run(["curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "-u", f"__token__:{token}",
                                  *form, server.base + "/legacy/"], check=True, capture_output=True, text=True).stdout
            elapsed = time.monotonic() - started
        _, hwm = memory_kib(server.pid)
        peak = max(sampler.peak, hwm if hwm_reset else 0)
        growth_mib = (peak - before_rss) / 1024
        log(f"upload {version}: HTTP {out} in {elapsed:.2f}s (cp+sha256sum+b2sum {reference:.2f}s), "
            f"RSS {before_rss / 1024:.0f} MiB -> peak {peak / 1024:.0f} MiB (+{growth_mib:.1f} MiB)")
        if out != "200":
            raise RuntimeError(f"the upload failed with HTTP {out}")
        rounds.append({"version": version, "bytes": size, "upload_s": elapsed, "reference_s": reference,
                       "ratio": elapsed / reference, "rss_before_mib": before_rss / 1024, "rss_peak_mib": peak / 1024,
                       "rss_growth_mib": growth_mib, "hwm_reset": hwm_reset,
                       "load_before": load_before, "load_after": os.getloadavg()[0]})
        os.remove(wheel)
    return {"rounds": rounds,
            "median_ratio": statistics.median(r["ratio"] for r in rounds),
            "max_rss_growth_mib": max(r["rss_growth_mib"] for r in rounds)}


def corpus_upload(server, token, projects):
    """The second load path, through the upload API. Names come from a time-dependent slice of the synthetic
    list, so a reused data directory gets new projects."""
    started = time.monotonic()
    run(["dotnet", BENCH_DLL, "upload", "--url", server.base + "/legacy/", "--token", token, "--top", TOP_PACKAGES,
         "--projects", str(projects), "--offset", str(20000 + int(time.time()) % 50000), "--versions", "2"], secret=token)
    files = projects * 4
    return {"projects": projects, "files": files, "seconds": time.monotonic() - started}


def run_quick(args):
    data, env, token, manifest = prepare(args)
    server = Server(env).start()
    nginx = None
    try:
        result = {"corpus": manifest, "startup_s": server.startup_seconds}
        result["api_upload"] = corpus_upload(server, token, args.upload_projects)
        target_list = targets(manifest)
        nginx = Nginx(os.path.join(data, "nginx"))
        nginx.mirror(server.base, target_list)
        nginx.start().verify(target_list)
        result["compare"] = compare(server, nginx, target_list, args.seconds)
        result["upload"] = upload_benchmark(server, token, data, args.upload_rounds)
        result["rss_end_mib"] = memory_kib(server.pid)[0] / 1024
        result["load_end"] = list(os.getloadavg())
        return result
    finally:
        if nginx:
            nginx.stop()
        server.stop()
