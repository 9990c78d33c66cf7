"""The scale mode: PostgreSQL with 700,000 projects and 7,000,000 files, generated directly."""
import json
import os
import shutil
import subprocess
import time

from common import (BENCH_DLL, OUT, PIP_ACCEPT, REPO, SERVER_DLL, TOP_PACKAGES, Server, admin, http_get, log, memory_kib,
                    run, server_env)
from instances import compare_instances, measured
from loadgen import wrk

DATABASE = "bulwark_bench_scale"
WRK_THREADS = 2  # loadgen.wrk's default
# Sizes each miss-path set: more than this machine answers per second, so a run never asks for a page twice.
MISSES_PER_SECOND = 8_000
ADMIN = os.environ.get("BULWARK_BENCH_POSTGRES", "Host=127.0.0.1;Port=5432;Username=bulwark;Password=bulwark;Database=postgres")


def _psql(sql, database="postgres"):
    env = dict(os.environ, PGPASSWORD="bulwark")
    return subprocess.run(["psql", "-h", "127.0.0.1", "-U", "bulwark", "-d", database, "-At", "-c", sql],
                          env=env, check=True, capture_output=True, text=True).stdout


def current_migration():
    """The newest PostgreSQL migration in the source tree, e.g. 20261127210623_Initial."""
    directory = os.path.join(REPO, "src/Bulwark.Data.PostgreSql/Migrations")
    names = [f[:-3] for f in os.listdir(directory) if f.endswith(".cs") and not f.endswith(".Designer.cs") and "_" in f]
    return max(names)


def database_migration():
    try:
        return _psql('SELECT max("MigrationId") FROM "__EFMigrationsHistory"', DATABASE).strip()
    except subprocess.CalledProcessError:
        return None


def prepare(args):
    data = os.path.join(OUT, "scale")
    connection = ADMIN.replace("Database=postgres", f"Database={DATABASE}")
    env = server_env(data, postgres=connection)
    run([os.path.join(REPO, "scripts/postgres-start.sh")])
    manifest_path = os.path.join(data, "manifest.json")
    total = int(args.projects * args.mean_files)
    if os.path.exists(manifest_path) and not args.regenerate:
        with open(manifest_path) as f:
            manifest = json.load(f)
        exists = _psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE}'").strip() == "1"
        schema = database_migration() if exists else None
        if exists and schema != current_migration():
            # A corpus written for another schema cannot be migrated in place (nothing is deployed, so the
            # migrations are regenerated rather than appended to): build it again.
            log(f"{DATABASE} has schema {schema}, the source has {current_migration()}: regenerating")
        elif exists and manifest["Projects"] == args.projects and manifest["Files"] >= total:
            log(f"reusing {DATABASE}: {manifest['Projects']:,} projects, {manifest['Files']:,} files (--regenerate to rebuild)")
            return data, env, manifest
    log(f"generating {args.projects:,} projects and {total:,} files into {DATABASE}; this takes 20-40 minutes")
    shutil.rmtree(data, ignore_errors=True)
    os.makedirs(data)
    _psql(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
    _psql(f'CREATE DATABASE "{DATABASE}"')
    admin(env, "user", "add", "bench", "--email", "bench@example.com")
    # Blobs only for the top 1,000 projects (and the big one): 7 million small files would take hours and
    # tens of GB while measuring nothing the quick mode does not; every row still has real digests.
    run(["dotnet", BENCH_DLL, "generate", "--db", "postgres", "--connection", connection, "--data-dir", data,
         "--top", TOP_PACKAGES, "--manifest", manifest_path, "--projects", str(args.projects),
         "--total-files", str(total), "--blob-projects", "1000", "--owner", "bench"])
    with open(manifest_path) as f:
        return data, env, json.load(f)


def time_to_last_byte(url, accept):
    out = subprocess.run(["curl", "-sS", "-o", "/dev/null", "-H", f"Accept: {accept}", "-w",
                          "%{http_code} %{time_starttransfer} %{time_total} %{size_download}", url],
                         check=True, capture_output=True, text=True).stdout.split()
    return {"status": int(out[0]), "ttfb_s": float(out[1]), "ttlb_s": float(out[2]), "bytes": int(out[3])}


def _paths_script(directory, names, tag, kind, body):
    """Writes the project pages of `names` to a file and a wrk script that loads them and then runs `body`."""
    paths = os.path.join(directory, f"paths-{tag}.txt")
    with open(paths, "w") as f:
        f.write("\n".join(f"/simple/{n}/" for n in names) + "\n")
    script = os.path.join(directory, f"{kind}-{tag}.lua")
    with open(script, "w") as f:
        f.write(f"""local paths = {{}}
for line in io.lines("{paths}") do paths[#paths + 1] = line end
""" + body)
    return script


def random_paths_script(directory, count, tag=None):
    names = _psql(f'SELECT "NormalizedName" FROM projects ORDER BY random() LIMIT {count}', DATABASE).split()
    return _paths_script(directory, names, tag or str(count), "random", """math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
request = function() return wrk.format("GET", paths[math.random(#paths)]) end
""")


_next_unfetched = 0


def unfetched_paths_script(directory, count, tag):
    """A wrk script that asks for `count` projects no earlier run of this server has fetched, each once, in a
    random order: every request is a cache miss (until the set is used up; the result says how many were
    sent). The sets of one bench run never overlap."""
    global _next_unfetched
    shuffled = os.path.join(directory, "shuffled-names.txt")
    if _next_unfetched == 0 or not os.path.exists(shuffled):
        names = _psql('SELECT "NormalizedName" FROM projects ORDER BY random()', DATABASE).split()
        with open(shuffled, "w") as f:
            f.write("\n".join(names) + "\n")
    with open(shuffled) as f:
        names = f.read().split()
    chosen = names[_next_unfetched:_next_unfetched + count]
    if len(chosen) < count:
        raise RuntimeError(f"only {len(names) - _next_unfetched:,} projects are left unfetched; lower the counts")
    _next_unfetched += count
    # Each wrk thread has its own Lua state; thread i of n takes paths i, i + n, i + 2n, ... so no two
    # requests of the run ask for the same project.
    return _paths_script(directory, chosen, tag, "unfetched", f"""local threads = {{}}
function setup(thread)
   thread:set("id", #threads)
   table.insert(threads, thread)
end
function init(args)
   n = 0
   step = {WRK_THREADS}
end
request = function()
   local i = id + n * step + 1
   n = n + 1
   if i > #paths then i = (i - 1) % #paths + 1 end
   return wrk.format("GET", paths[i])
end
""")


def wait_until(predicate, timeout=30, interval=0.02):
    """When the predicate first held (monotonic time) and after how many tries; (None, tries) on timeout."""
    started = time.monotonic()
    tries = 0
    while time.monotonic() - started < timeout:
        tries += 1
        if predicate():
            return time.monotonic(), tries
        time.sleep(interval)
    return None, tries


def upload_small(server, token, data, name, version):
    out_dir = os.path.join(data, "upload")
    wheel = run(["dotnet", BENCH_DLL, "big-wheel", "--out", out_dir, "--mib", "0", "--name", name, "--version", version], capture=True).strip()
    sha256 = subprocess.run(["sha256sum", wheel], check=True, capture_output=True, text=True).stdout.split()[0]
    form = ["-F", ":action=file_upload", "-F", "protocol_version=1", "-F", f"name={name}", "-F", f"version={version}",
            "-F", "filetype=bdist_wheel", "-F", "pyversion=py3", "-F", "metadata_version=2.1",
            "-F", "summary=A large wheel for the upload benchmark", "-F", f"sha256_digest={sha256}",
            "-F", f"content=@{wheel};type=application/octet-stream"]
    started = time.monotonic()
    code = subprocess.run(["curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "-u", f"__token__:{token}", *form,
                           server.base + "/legacy/"], check=True, capture_output=True, text=True).stdout
    returned = time.monotonic()
    if code != "200":
        raise RuntimeError(f"upload of {name} {version} failed with HTTP {code}")
    return os.path.basename(wheel), started, returned


def visibility(server, token, data, manifest):
    """How long after an upload returns it shows on its page and in the root; and a yank from another process."""
    result = {}
    stamp = str(int(time.time()))
    # The first upload of a process pays for JIT and query compilation; it is reported but not the figure.
    _, started, returned = upload_small(server, token, data, f"bench-warmup-{stamp}", "1.0.0")
    result["first_upload_s"] = returned - started
    name = f"bench-visible-{stamp}"
    filename, started, returned = upload_small(server, token, data, name, "1.0.0")
    page, tries = wait_until(lambda: filename.encode() in http_get(f"{server.base}/simple/{name}/", PIP_ACCEPT)[1])
    root = root_contains(server, f'href="{name}/"')
    result["new_project"] = {"upload_s": returned - started, "page_after_return_s": page and page - returned,
                             "page_fetches": tries, "root_first_fetch": root}
    # A new release of a project whose page is cached: the cache must not hide it.
    big = manifest["Big"]["NormalizedName"]
    http_get(f"{server.base}/simple/{big}/", PIP_ACCEPT)
    filename, started, returned = upload_small(server, token, data, manifest["Big"]["Name"], f"999.{stamp}")
    page, tries = wait_until(lambda: filename.encode() in http_get(f"{server.base}/simple/{big}/", PIP_ACCEPT)[1])
    result["new_release_cached_page"] = {"upload_s": returned - started, "page_after_return_s": page and page - returned,
                                         "page_fetches": tries}
    # A yank by the CLI, another process on this machine: its change signal makes the server read the journal
    # before the next request, so the first fetch after the CLI exits should already show it.
    version = f"999.{stamp}"
    admin(server.env, "project", "yank", big, version, "--reason", "bench")
    yanked = time.monotonic()
    marker = f'"filename":"{filename}"'.encode()

    def shows_yank():
        body = http_get(f"{server.base}/simple/{big}/", PIP_ACCEPT)[1]
        i = body.find(marker)
        return i >= 0 and b'"yanked":"bench"' in body[i:body.find(b"}", body.find(b'"yanked"', i)) + 1]
    seen, tries = wait_until(shows_yank)
    result["cli_yank"] = {"page_after_cli_exit_s": seen and seen - yanked, "page_fetches": tries}
    return result


def root_contains(server, needle):
    """Fetches the root once (curl, to a file) right after the upload returned: does it list the project, and how
    long did that fetch take (the upper bound of the delay)."""
    body = os.path.join(OUT, "root.html")
    out = subprocess.run(["curl", "-sS", "-o", body, "-H", "Accept: text/html", "-w", "%{time_starttransfer} %{time_total}",
                          server.base + "/simple/"], check=True, capture_output=True, text=True).stdout.split()
    with open(body, "rb") as f:
        found = needle.encode() in f.read()
    os.remove(body)
    return {"listed": found, "ttfb_s": float(out[0]), "ttlb_s": float(out[1])}


def nginx_reference(server, data, path, seconds):
    """The same page served by nginx from a copy, in the same run, for a sense of what p99 this machine allows."""
    from mirror import Nginx, Target
    target = Target("page", "page", path, PIP_ACCEPT)
    nginx = Nginx(os.path.join(data, "nginx"))
    nginx.mirror(server.base, [target])
    nginx.start().verify([target])
    try:
        wrk(nginx.base + target.nginx_path, 2, PIP_ACCEPT)
        return wrk(nginx.base + target.nginx_path, seconds, PIP_ACCEPT)
    finally:
        nginx.stop()


def run_scale(args):
    data, env, manifest = prepare(args)
    token = admin(env, "token", "create", "bench", "--expires", "1d").splitlines()[-1]
    server = Server(env).start(timeout=900)
    try:
        r = {"corpus": manifest, "startup_s": server.startup_seconds, "rss_start_mib": memory_kib(server.pid)[0] / 1024}
        r["root_html_first"] = time_to_last_byte(server.base + "/simple/", "text/html")
        r["root_html_again"] = time_to_last_byte(server.base + "/simple/", "text/html")
        r["root_json_first"] = time_to_last_byte(server.base + "/simple/", "application/vnd.pypi.simple.v1+json")
        # The miss path: every request asks for a project no request of this run asked for before. Fifteen
        # seconds of it first: a server that has just started runs the miss path at about half this speed while
        # the JIT recompiles it with profile data (measured: 275 µs → 145 µs of Bulwark CPU per miss), and the
        # steady state is what a running index has.
        def unfetched(seconds, tag):
            return unfetched_paths_script(data, MISSES_PER_SECOND * seconds, tag)
        wrk(server.base + "/", 15, PIP_ACCEPT, script=unfetched(15, "warm-miss"))
        r["pages_unfetched"] = measured(server.base + "/", args.seconds, [server], unfetched(args.seconds, "cold"))
        r["pages_unfetched"]["miss_set"] = True
        # The same as pip asks for it: with Accept-Encoding: gzip the first request of a page also pays for its
        # compressed copy.
        r["pages_unfetched_gzip"] = measured(server.base + "/", args.seconds, [server], unfetched(args.seconds, "cold-gzip"),
                                             headers=("Accept-Encoding: gzip",))
        r["pages_unfetched_gzip"]["miss_set"] = True
        warm = random_paths_script(data, 1_000)
        wrk(server.base + "/", 10, PIP_ACCEPT, script=warm)
        r["pages_random_cached"] = wrk(server.base + "/", args.seconds, PIP_ACCEPT, script=warm)
        small = _psql('SELECT "NormalizedName" FROM projects ORDER BY "Id" OFFSET 350000 LIMIT 1', DATABASE).strip()
        wrk(f"{server.base}/simple/{small}/", 2, PIP_ACCEPT)
        r["page_hot"] = wrk(f"{server.base}/simple/{small}/", args.seconds, PIP_ACCEPT)
        r["page_hot_nginx"] = nginx_reference(server, data, f"/simple/{small}/", args.seconds)
        r["rss_warm_mib"], r["hwm_warm_mib"] = (v / 1024 for v in memory_kib(server.pid))
        r["instances"] = compare_instances(server, env, args.seconds, lambda count, tag: random_paths_script(data, count, tag), unfetched)
        r["visibility"] = visibility(server, token, data, manifest)
        r["rss_end_mib"], r["hwm_end_mib"] = (v / 1024 for v in memory_kib(server.pid))
        r["load_end"] = list(os.getloadavg())
        r["rows"] = rows(r)
        return r
    finally:
        server.stop()


def instance_rows(results, lat):
    one, two = results["one"], results["two"]
    return [
        ("behind nginx, one instance: 1,000 random projects (cached)", lat(one["cached"]), ""),
        ("behind nginx, two instances: the same", lat(two["cached"]), f"two ÷ one: req/s {two['cached']['rps'] / one['cached']['rps']:.2f}"),
        ("behind nginx, one instance: projects not fetched before (misses)", lat(one["cold"]), ""),
        ("behind nginx, two instances: other projects not fetched before (misses)", lat(two["cold"]), f"two ÷ one: req/s {two['cold']['rps'] / one['cold']['rps']:.2f}"),
    ]


def rows(r):
    def ms(x):
        return f"{x * 1000:.0f} ms" if x is not None else "not seen"

    def fetches(x):
        n = x.get("page_fetches")
        return "" if n is None else (" (first fetch)" if n == 1 else f" ({n} fetches)")

    def lat(w):
        load = f"; load {w['load_before']:.1f} → {w['load_after']:.1f}" if "load_before" in w else ""
        if w.get("miss_set") and w["rps"] > MISSES_PER_SECOND:
            load += "; MORE REQUESTS THAN PROJECTS IN THE SET: some were cache hits"
        cpu = w.get("cpu_us_per_request")
        cpu = "; CPU µs/req " + ", ".join(f"{k} {v:.0f}" for k, v in cpu.items()) if isinstance(cpu, dict) else ""
        return f"{w['p50_ms']:.2f} / {w['p99_ms']:.2f} ms ({w['rps']:,.0f} req/s{load}{cpu})"

    def miss_goal(w):
        return f"≥ 5,000 req/s and p99 ≤ 50 ms: {'PASS' if w['rps'] >= 5000 and w['p99_ms'] <= 50 else 'MISS'}"
    v = r["visibility"]
    hot, nginx, cached, cold = r["page_hot"], r["page_hot_nginx"], r["pages_random_cached"], r["pages_unfetched"]
    root = v["new_project"]["root_first_fetch"]
    return [
        ("project page, one project (cached), p50 / p99", lat(hot), f"p99 ≤ 5 ms: {'PASS' if hot['p99_ms'] <= 5 else 'MISS'}"),
        ("the same page from nginx, same run, p50 / p99", lat(nginx), f"Bulwark ÷ nginx: req/s {hot['rps'] / nginx['rps']:.2f}, p99 {hot['p99_ms'] / nginx['p99_ms']:.2f}"),
        ("project pages, 1,000 random projects (cached), p50 / p99", lat(cached), f"p99 ≤ 5 ms: {'PASS' if cached['p99_ms'] <= 5 else 'MISS'}"),
        ("project pages, every request a project not fetched before (cache misses), p50 / p99", lat(cold), miss_goal(cold)),
        ("the same with `Accept-Encoding: gzip` (as pip asks), other projects", lat(r["pages_unfetched_gzip"]), miss_goal(r["pages_unfetched_gzip"])),
        *instance_rows(r["instances"], lat),
        ("`/simple/` HTML, first request: TTFB / TTLB", f"{r['root_html_first']['ttfb_s'] * 1000:.0f} / {r['root_html_first']['ttlb_s'] * 1000:.0f} ms, {r['root_html_first']['bytes']:,} B", "includes the load if the start-up warm-up was still running"),
        ("`/simple/` HTML, again: TTFB / TTLB", f"{r['root_html_again']['ttfb_s'] * 1000:.0f} / {r['root_html_again']['ttlb_s'] * 1000:.0f} ms", ""),
        ("`/simple/` JSON: TTLB", f"{r['root_json_first']['ttlb_s'] * 1000:.0f} ms, {r['root_json_first']['bytes']:,} B", ""),
        ("server RSS after start / after warm-up / peak (VmHWM)", f"{r['rss_start_mib']:.0f} / {r['rss_warm_mib']:.0f} / {r['hwm_end_mib']:.0f} MiB", f"≤ 1024 MiB: {'PASS' if r['hwm_end_mib'] <= 1024 else 'MISS'}"),
        ("first upload of the process (JIT, query compilation)", ms(v["first_upload_s"]), ""),
        ("new project: upload took / on its page after the upload returned", f"{ms(v['new_project']['upload_s'])} / {ms(v['new_project']['page_after_return_s'])}{fetches(v['new_project'])}", "≤ 1 s"),
        ("new project: in the first root fetched after the upload returned (fetch TTLB)", f"{'yes' if root['listed'] else 'NO'} ({root['ttlb_s'] * 1000:.0f} ms)", "≤ 1 s"),
        ("new release of a cached 520-file project: on its page after the upload returned", ms(v["new_release_cached_page"]["page_after_return_s"]) + fetches(v["new_release_cached_page"]), "≤ 1 s"),
        ("yank by the CLI (another process): on the page after the CLI exits", ms(v["cli_yank"]["page_after_cli_exit_s"]) + fetches(v["cli_yank"]), "at once (first fetch; includes that fetch and a render)"),
    ]
