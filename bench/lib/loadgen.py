"""wrk runs and the parsing of their output."""
import os
import re
import subprocess

from common import log

UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def _ms(text):
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip())
    return float(m.group(1)) * UNITS[m.group(2)] if m else None


def parse(output):
    """Requests/s, p50/p99 in ms, and error counts from `wrk --latency` output."""
    result = {"rps": None, "p50_ms": None, "p99_ms": None, "errors": 0, "non2xx": 0, "transfer_per_s": None}
    in_distribution = False
    for line in output.splitlines():
        s = line.strip()
        if s.startswith("Latency Distribution"):
            in_distribution = True
            continue
        if in_distribution:
            m = re.match(r"(\d+)%\s+(\S+)", s)
            if m:
                if m.group(1) == "50":
                    result["p50_ms"] = _ms(m.group(2))
                elif m.group(1) == "99":
                    result["p99_ms"] = _ms(m.group(2))
                continue
            in_distribution = False
        if s.startswith("Requests/sec:"):
            result["rps"] = float(s.split()[1])
        elif s.startswith("Transfer/sec:"):
            result["transfer_per_s"] = s.split()[1]
        elif s.startswith("Socket errors:"):
            result["errors"] = sum(int(n) for n in re.findall(r"\d+", s))
        elif s.startswith("Non-2xx or 3xx responses:"):
            result["non2xx"] = int(s.split(":")[1])
    return result


def cpu_seconds(pids):
    """User + system CPU time consumed so far by these processes (clock ticks of /proc/PID/stat)."""
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except OSError:
            pass
    return total / os.sysconf("SC_CLK_TCK")


def wrk(url, seconds, accept=None, connections=32, threads=2, script=None, timeout_s=10, pids=None, headers=()):
    """One wrk run. With `pids`, also the server's CPU time per request: unlike requests/s, that figure
    hardly moves when other work competes for the cores."""
    args = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", f"--timeout={timeout_s}s"]
    if accept:
        args += ["-H", f"Accept: {accept}"]
    for header in headers:
        args += ["-H", header]
    if script:
        args += ["-s", script]
    args.append(url)
    before = cpu_seconds(pids) if pids else None
    load_before = os.getloadavg()[0]
    output = subprocess.run(args, check=True, capture_output=True, text=True).stdout
    result = parse(output)
    # The machine is shared: the one-minute load average around each run says how much else was running.
    result["load_before"], result["load_after"] = load_before, os.getloadavg()[0]
    if pids:
        requests = re.search(r"(\d+) requests in", output)
        if requests and int(requests.group(1)) > 0:
            result["cpu_us_per_request"] = (cpu_seconds(pids) - before) * 1e6 / int(requests.group(1))
    if result["errors"] or result["non2xx"]:
        log(f"wrk reported {result['errors']} socket errors and {result['non2xx']} non-2xx responses for {url}")
    return result
