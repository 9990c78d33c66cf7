"""Scale mode, part two: one Bulwark instance against two behind nginx, on the same PostgreSQL corpus.

nginx runs the shipped site (docs/deploy/bulwark-nginx.conf) with its ports replaced, once with one upstream
line and once with both, so the only difference between the two runs is the second instance. Each run gets
its own random project set for the miss path (a set the other run already fetched would be cached)."""
import os

from common import OUT, PIP_ACCEPT, REPO, Server
from loadgen import cpu_seconds, wrk
from mirror import Nginx

SITE = os.path.join(REPO, "docs", "deploy", "bulwark-nginx.conf")

WRAPPER = """worker_processes auto;
pid {pid};
error_log {error_log} warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    include {site};
}}
"""

# wrk is not among them: it has exited (and taken its CPU time with it) when the run's figures are read.
CPU_GROUPS = {"postgres": "postgres", "nginx": "nginx"}


def pids_named(name):
    """Every process called `name` right now (e.g. the postgres backends, which come and go with connections)."""
    pids = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/comm") as f:
                if f.read().strip() == name:
                    pids.append(int(pid))
        except OSError:
            pass
    return pids


class SiteProxy(Nginx):
    """nginx running the shipped site in front of the given instances (started and stopped as mirror.Nginx)."""

    def __init__(self, directory, servers):
        super().__init__(directory)
        os.makedirs(directory, exist_ok=True)
        with open(SITE) as f:
            site = f.read()
        upstreams = "\n    ".join(f"server 127.0.0.1:{s.port} max_fails=3 fail_timeout=10s;" for s in servers)
        edits = [("listen 80;", f"listen 127.0.0.1:{self.port};"),
                 ("server 127.0.0.1:8081 max_fails=3 fail_timeout=10s;\n    server 127.0.0.1:8082 max_fails=3 fail_timeout=10s;",
                  upstreams)]
        for old, new in edits:
            if old not in site:
                raise RuntimeError(f"{SITE} no longer contains {old!r}; update bench/lib/instances.py")
            site = site.replace(old, new)
        site_path = os.path.join(directory, "site.conf")
        with open(site_path, "w") as f:
            f.write(site)
        self.config = os.path.join(directory, "nginx.conf")
        with open(self.config, "w") as f:
            f.write(WRAPPER.format(pid=os.path.join(directory, "nginx.pid"), error_log=os.path.join(directory, "error.log"),
                                   site=site_path))


def measured(url, seconds, servers, script, headers=()):
    """One wrk run with CPU per request of Bulwark (all instances), PostgreSQL and nginx."""
    groups = {"bulwark": lambda: [s.pid for s in servers], **{k: (lambda n=n: pids_named(n)) for k, n in CPU_GROUPS.items()}}
    # Read as a sum over the processes alive at each end: a backend that ended during the run takes its time with it.
    before = {k: cpu_seconds(pids()) for k, pids in groups.items()}
    result = wrk(url, seconds, PIP_ACCEPT, script=script, headers=headers)
    requests = max(1, round(result["rps"] * seconds)) if result["rps"] else 1
    result["cpu_us_per_request"] = {k: (cpu_seconds(pids()) - before[k]) * 1e6 / requests for k, pids in groups.items()}
    return result


def compare_instances(first, env, seconds, cached_paths, unfetched_paths):
    """Requests/s and latency through nginx with one instance and with two, on cached pages and on cache misses
    (`unfetched_paths(seconds, tag)` gives a script of projects nobody fetched yet)."""
    second = Server(env).start(timeout=900)
    results = {}
    try:
        warm = cached_paths(1_000, "instances-warm")
        for label, servers in (("one", [first]), ("two", [first, second])):
            proxy = SiteProxy(os.path.join(OUT, "scale", f"nginx-{label}"), servers).start()
            try:
                # Every instance's cache gets the same 1,000 pages (round robin reaches each), and the miss path
                # runs for a few seconds first so that no instance is measured while it still compiles it.
                wrk(proxy.base + "/", 10, PIP_ACCEPT, script=warm)
                wrk(proxy.base + "/", 5, PIP_ACCEPT, script=unfetched_paths(5, f"instances-warm-miss-{label}"))
                results[label] = {
                    "cached": measured(proxy.base + "/", seconds, servers, warm),
                    "cold": measured(proxy.base + "/", seconds, servers, unfetched_paths(seconds, f"instances-cold-{label}")),
                }
                results[label]["cold"]["miss_set"] = True
            finally:
                proxy.stop()
    finally:
        second.stop()
    return results
