"""Shared plumbing for bench/run: paths, tools, building, the Bulwark process and its memory."""
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request

BENCH = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REPO = os.path.dirname(BENCH)
OUT = os.path.join(BENCH, "out")
# Overridable to measure a saved build (say, before a change) with the current harness.
SERVER_DLL = os.environ.get("BULWARK_BENCH_SERVER", os.path.join(REPO, "src/Bulwark/bin/Release/net10.0/Bulwark.dll"))
BENCH_DLL = os.environ.get("BULWARK_BENCH_TOOL", os.path.join(REPO, "bench/Bulwark.Bench/bin/Release/net10.0/Bulwark.Bench.dll"))
TOP_PACKAGES = os.path.normpath(os.path.join(REPO, "..", "shared", "data", "top-pypi-packages.json"))
PIP_ACCEPT = "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html; q=0.1, text/html; q=0.01"


def log(message):
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def run(args, env=None, capture=False, check=True, quiet=False, secret=None):
    if not quiet:
        shown = " ".join(args)
        log("$ " + (shown.replace(secret, "***") if secret else shown))
    result = subprocess.run(args, env=env, check=check, text=True,
                            stdout=subprocess.PIPE if capture else None)
    return result.stdout if capture else result.returncode


def sudo():
    return [] if os.geteuid() == 0 else ["sudo"]


def ensure_tools(packages):
    """Installs missing Debian packages (nginx, wrk, ...) with apt-get."""
    missing = [p for p in packages if shutil.which(packages[p]) is None and not os.path.exists(packages[p])]
    if not missing:
        return
    log(f"installing {' '.join(missing)} from Debian")
    run(sudo() + ["apt-get", "update", "-qq"])
    run(sudo() + ["env", "DEBIAN_FRONTEND=noninteractive", "apt-get", "install", "-y", "-qq",
                  "--no-install-recommends"] + missing)


def build():
    run(["dotnet", "build", os.path.join(REPO, "src/Bulwark"), "-c", "Release", "-nologo", "-v", "q"])
    run(["dotnet", "build", os.path.join(BENCH, "Bulwark.Bench"), "-c", "Release", "-nologo", "-v", "q"])


def git_commit():
    try:
        return subprocess.run(["git", "-C", REPO, "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    except OSError:
        return "unknown"


def machine():
    cpu = "unknown"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as f:
        mem_kib = int(f.readline().split()[1])
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gib": round(mem_kib / 1024 / 1024, 1),
            "load_avg": os.getloadavg()}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_get(url, accept=None, timeout=120, encoding=None):
    """(status, body, headers) without raising on 4xx/5xx; with `encoding`, the body as sent (not decoded)."""
    headers = {"Accept": accept} if accept else {}
    if encoding:
        headers["Accept-Encoding"] = encoding
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as r:
            return r.status, r.read(), dict(r.headers)
    except urllib.error.HTTPError as e:
        return e.code, e.read(), dict(e.headers)


def server_env(data_dir, postgres=None):
    env = dict(os.environ)
    env["Bulwark__DataDirectory"] = data_dir
    # The server runs with its own defaults (logging, GC); only the upload limit is raised, so the
    # "100 MiB" wheel may carry its zip overhead on top.
    env["Bulwark__Uploads__MaxFileSize"] = str(200 * 1024 * 1024)
    if postgres:
        env["Bulwark__Database"] = "Postgres"
        env["ConnectionStrings__Bulwark"] = postgres
    return env


def admin(env, *args):
    """Runs an admin verb of the server binary (user add, token create, project yank)."""
    return run(["dotnet", SERVER_DLL, *args], env=env, capture=True).strip()


class Server:
    """A Bulwark server process on a loopback port, started from the Release build."""

    def __init__(self, env, port=None):
        self.env = env
        self.port = port or free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process = None

    def start(self, timeout=300):
        log(f"starting Bulwark on {self.base}")
        self.started = time.monotonic()
        self.process = subprocess.Popen(["dotnet", SERVER_DLL, "--urls", self.base], env=self.env,
                                        stdout=open(os.path.join(OUT, "server.log"), "a"), stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"Bulwark exited with {self.process.returncode}; see bench/out/server.log")
            try:
                if http_get(self.base + "/_health", timeout=2)[0] == 200:
                    self.startup_seconds = time.monotonic() - self.started
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError("Bulwark did not answer /_health in time")

    @property
    def pid(self):
        return self.process.pid

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def memory_kib(pid):
    """(VmRSS, VmHWM) of a process in KiB."""
    values = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                values[key] = int(rest.split()[0])
    return values.get("VmRSS", 0), values.get("VmHWM", 0)


def reset_peak(pid):
    """Resets VmHWM to the current RSS (Linux: writing 5 to clear_refs)."""
    try:
        with open(f"/proc/{pid}/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


class RssSampler:
    """Samples VmRSS every few milliseconds in a thread, to catch a peak that VmHWM might not (if it cannot be reset)."""

    def __init__(self, pid, interval=0.005):
        self.pid, self.interval, self.peak = pid, interval, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _loop(self):
        while not self._stop.is_set():
            self.peak = max(self.peak, memory_kib(self.pid)[0])
            time.sleep(self.interval)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def write_json(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        json.dump(data, f, indent=2)
