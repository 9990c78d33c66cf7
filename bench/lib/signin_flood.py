"""The sign-in flood (`bench/run signin-flood`): 1,000 bad sign-ins a second for 60 s from 100 addresses while a
project page is measured at a steady rate and a passkey user, a password user on a browser the account knows and
a new browser with the right password sign in. See bench/README.md."""
import json
import os
import shutil
import sqlite3
import subprocess
import threading
import time

from common import BENCH, BENCH_DLL, OUT, SERVER_DLL, TOP_PACKAGES, Server, admin, log, run, server_env
from loadgen import cpu_seconds

TOOL_PROJECT = os.path.join(BENCH, "tools", "SignInFlood")
TOOL_DLL = os.path.join(TOOL_PROJECT, "bin", "Release", "net10.0", "SignInFlood.dll")
PASSWORD = "copper lantern meadow 93"
USERS = {"passkey": "flood-passkey", "known": "flood-known", "stranger": "flood-stranger"}


class CpuSampler:
    """A process's CPU seconds every half second, with wall-clock times, to read off any interval afterwards."""

    def __init__(self, pid):
        self.pid, self.samples = pid, []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _loop(self):
        while not self._stop.is_set():
            self.samples.append((time.time(), cpu_seconds([self.pid])))
            time.sleep(0.5)

    def cores_between(self, start, end):
        inside = [s for s in self.samples if start <= s[0] <= end]
        if len(inside) < 2:
            return None
        return (inside[-1][1] - inside[0][1]) / (inside[-1][0] - inside[0][0])

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def prepare(args):
    """A fresh SQLite data directory: a small generated corpus for the page, and three accounts with passwords."""
    data = os.path.join(OUT, "signin-flood")
    shutil.rmtree(data, ignore_errors=True)
    os.makedirs(data)
    env = server_env(data)
    # The flood comes from 100 addresses; on loopback they travel in X-Forwarded-For, which the server believes
    # from 127.0.0.1 only (the setting a deployment behind a reverse proxy uses).
    env["Bulwark__KnownProxies__0"] = "127.0.0.1"
    # Framework logging at the levels of ASP.NET's own template (issue 10, item 9, ships them as Bulwark's
    # defaults): at Information every request writes about twenty console lines (each SQL statement, each
    # routing step), and a thousand requests a second would measure the console, not the sign-in path.
    env["Logging__LogLevel__Microsoft.AspNetCore"] = "Warning"
    env["Logging__LogLevel__Microsoft.EntityFrameworkCore"] = "Warning"
    admin(env, "user", "add", "bench", "--email", "bench@example.com")
    manifest = os.path.join(data, "manifest.json")
    run(["dotnet", BENCH_DLL, "generate", "--db", "sqlite", "--data-dir", data, "--top", TOP_PACKAGES,
         "--manifest", manifest, "--projects", str(args.projects or 200), "--owner", "bench"])
    for name in USERS.values():
        subprocess.run(["dotnet", SERVER_DLL, "user", "add", name, "--email", f"{name}@example.com", "--password-stdin"],
                       env=env, input=PASSWORD + "\n", text=True, check=True, stdout=subprocess.DEVNULL)
    with open(manifest) as f:
        return data, env, json.load(f)


def database_counts(data, since):
    """What the flood left in the database: counted failures and audit rows by type, since the flood began."""
    with sqlite3.connect(os.path.join(data, "bulwark.db")) as db:
        cutoff = int(since * 10_000_000) + 621_355_968_000_000_000  # DateTimeOffset ticks, as the SQLite model stores them
        attempts = db.execute("select count(*) from auth_attempts where OccurredAt >= ?", (cutoff,)).fetchone()[0]
        audit = dict(db.execute("select Type, count(*) from audit_events where OccurredAt >= ? group by Type", (cutoff,)).fetchall())
    return {"auth_attempts": attempts, "audit_by_type": audit}


def run_signin_flood(args):
    if not args.no_build:
        run(["dotnet", "build", TOOL_PROJECT, "-c", "Release", "-nologo", "-v", "q"])
    data, env, manifest = prepare(args)
    server = Server(env).start()
    page = f"/project/{manifest['Small']['NormalizedName']}/"
    out = os.path.join(data, "figures.json")
    try:
        load_before = os.getloadavg()
        tool = subprocess.Popen(["dotnet", TOOL_DLL, "--url", server.base, "--origin", f"http://localhost:{server.port}",
                                 "--rp-id", "localhost", "--password", PASSWORD, "--page", page,
                                 "--passkey-user", USERS["passkey"], "--known-user", USERS["known"], "--stranger-user", USERS["stranger"],
                                 "--rate", str(args.rate), "--flood-seconds", str(args.flood_seconds), "--idle-seconds", "30",
                                 "--networks", "100", "--out", out])
        with CpuSampler(server.pid) as cpu, CpuSampler(tool.pid) as tool_cpu:
            tool.wait()
        if tool.returncode not in (0, 1):  # 1: it ran, and some sign-in failed (the figures say which)
            raise RuntimeError(f"the flood tool failed ({tool.returncode}); see its output above")
        with open(out) as f:
            figures = json.load(f)
        figures["server_cores_during_flood"] = cpu.cores_between(figures["floodStarted"], figures["floodEnded"])
        figures["tool_cores_during_flood"] = tool_cpu.cores_between(figures["floodStarted"], figures["floodEnded"])
        figures["database"] = database_counts(data, figures["floodStarted"])
        figures["load_before"], figures["load_after"] = list(load_before), list(os.getloadavg())
        figures["all_signed_in"] = tool.returncode == 0
        figures["rss_end_mib"] = _rss_mib(server.pid)
        return figures
    finally:
        server.stop()


def _rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0


AUDIT_NAMES = {1001: "LoginSuccess", 1002: "LoginFailure", 1003: "LoginThrottled", 1004: "SignedOut", 1036: "SignInProofRequired",
               1037: "SignInLinkSent"}


def markdown(meta, r):
    a = r["attack"]
    idle, flood = r["idle"], r["flood"]
    ratio = r["p99Ratio"]
    lines = [f"### Sign-in flood {meta['date']} (commit {meta['commit']})", "",
             f"Machine: {meta['machine']['cpu']}, {meta['machine']['cores']} cores, {meta['machine']['memory_gib']} GiB; "
             f"load average before {', '.join(f'{x:.1f}' for x in r['load_before'])}, after {', '.join(f'{x:.1f}' for x in r['load_after'])}. "
             f"SQLite, server defaults (plus `KnownProxies=127.0.0.1` for the flood's addresses). The flood: {a['Planned']:,} POSTs to "
             f"`/account/login` planned at {a['Planned'] / max(a['Seconds'], 1):,.0f}/s, {a['Sent']:,} sent in {a['Seconds']:.1f} s "
             f"({a['NotSentBacklog']:,} not sent: client backlog), from 100 addresses, half at the known-browser user's account, half "
             f"sprayed over made-up names. Page: `{r['page']}` fetched {r['probeRate']:.0f} times a second (open loop).", "",
             "| page | requests | errors | p50 ms | p90 ms | p99 ms | max ms |", "|---|---:|---:|---:|---:|---:|---:|",
             f"| idle | {idle['Count']} | {idle['Errors']} | {idle['P50']:.1f} | {idle['P90']:.1f} | {idle['P99']:.1f} | {idle['Max']:.1f} |",
             f"| during the flood | {flood['Count']} | {flood['Errors']} | {flood['P50']:.1f} | {flood['P90']:.1f} | {flood['P99']:.1f} | {flood['Max']:.1f} |",
             "", f"p99 during the flood ÷ idle: **{ratio:.2f}** ({'PASS' if ratio <= 2 else 'MISS'}, goal ≤ 2).", "",
             "| the flood was answered with | count |", "|---|---:|"]
    for answer, count in sorted(a["Answers"].items(), key=lambda kv: -kv[1]):
        lines.append(f"| {answer} | {count:,} |")
    checks = a["PasswordChecksPerSecond"]
    lines += ["", f"Flood answer time: p50 {a['AnswerTime']['P50']:.1f} ms, p99 {a['AnswerTime']['P99']:.1f} ms. Passwords the flood got "
              f"checked (Argon2): {sum(checks)} in all, at most {max(checks) if checks else 0} in one second. Server CPU during the flood: "
              f"{(r['server_cores_during_flood'] or 0):.2f} cores, about {(r['server_cores_during_flood'] or 0) * a['Seconds'] * 1e6 / max(a['Sent'], 1):,.0f} µs "
              f"per flood request (page and sign-ins included); the load generator, on the same cores: {(r.get('tool_cores_during_flood') or 0):.2f} cores. Rows written during the flood: {r['database']['auth_attempts']} counted failures; audit "
              + ", ".join(f"{AUDIT_NAMES.get(int(k), k)} {v}" for k, v in sorted(r['database']['audit_by_type'].items(), key=lambda kv: int(kv[0]))) + ".", "",
              "| t (s) | who | signed in | ms | how |", "|---:|---|---|---:|---|"]
    for s in r["calm"]:
        lines.append(f"| before | {s['Who']} | {'yes' if s['SignedIn'] else '**no**'} | {s['Ms']:.0f} | {s['Detail']} |")
    for s in r["during"]:
        proof = f"; proof {s['ProofBits']} bits solved in {s['SolveMs']:.0f} ms" if s.get("ProofBits") else ""
        lines.append(f"| {s['AtSeconds']:.1f} | {s['Who']} | {'yes' if s['SignedIn'] else '**no**'} | {s['Ms']:.0f} | {s['Detail']}{proof} |")
    lines += ["", f"Server RSS at the end: {r['rss_end_mib']:.0f} MiB. (A limit trip is audited when it starts and every 5 minutes "
              "while it lasts, so the warm-up flood's `SignInProofRequired` row covers this flood too.)", ""]
    return "\n".join(lines)
