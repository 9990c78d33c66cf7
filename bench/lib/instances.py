"""Scale mode, part two: one Bulwark instance against two behind nginx, on the same PostgreSQL corpus.

nginx runs the shipped site (docs/deploy/bulwark-nginx.conf) with its ports replaced, once with one upstream
line and once with both, so the only difference between the two runs is the second instance. Each run gets
its own random project set for the miss path (a set the other run already fetched would be cached)."""
import os
import subprocess
import time

from common import OUT, PIP_ACCEPT, REPO, Server, free_port, http_get, log
from loadgen import wrk

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


def process_cpu(names):
    """User + system CPU seconds so far of every process whose name is in `names` (e.g. the postgres backends)."""
    ticks = 0
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/stat") as f:
                text = f.read()
        except OSError:
            continue
        name = text[text.index("(") + 1:text.rindex(")")]
        if name in names:
            fields = text.rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


class SiteProxy:
    """nginx running the shipped site in front of the given instances."""

    def __init__(self, directory, servers):
        self.directory = directory
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
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
        self.process = None

    def start(self):
        log(f"starting nginx (shipped site) on {self.base}")
        self.process = subprocess.Popen(["nginx", "-c", self.config, "-p", self.directory, "-g", "daemon off;"],
                                        stderr=subprocess.DEVNULL)
        for _ in range(100):
            try:
                if http_get(self.base + "/_health", timeout=2)[0] == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError("nginx did not proxy /_health; see " + os.path.join(self.directory, "error.log"))

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)


def measured(url, seconds, servers, script, headers=()):
    """One wrk run through the proxy with CPU per request of Bulwark (all instances), PostgreSQL and nginx."""
    before = {k: process_cpu(v) for k, v in CPU_GROUPS.items()}
    bulwark_before = sum(process_cpu_of(s.pid) for s in servers)
    result = wrk(url, seconds, PIP_ACCEPT, script=script, headers=headers)
    requests = max(1, round(result["rps"] * seconds)) if result["rps"] else 1
    result["cpu_us_per_request"] = {k: (process_cpu(v) - before[k]) * 1e6 / requests for k, v in CPU_GROUPS.items()}
    result["cpu_us_per_request"]["bulwark"] = (sum(process_cpu_of(s.pid) for s in servers) - bulwark_before) * 1e6 / requests
    return result


# wrk is not among them: it has exited (and taken its CPU time with it) when the run's figures are read.
CPU_GROUPS = {"postgres": {"postgres"}, "nginx": {"nginx"}}


def process_cpu_of(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except OSError:
        return 0.0


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
