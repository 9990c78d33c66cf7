"""Prints a run's figures against the goals of issue 6 and keeps them as JSON and Markdown rows."""
import os

GOAL_RPS = 0.7
GOAL_P99 = 2.0


def verdict(ok):
    return "PASS" if ok else "MISS"


def load(row):
    """The one-minute load average before and after a measurement (older runs did not record it)."""
    if "load_before" not in row:
        return ""
    return f"{row['load_before']:.1f} / {row['load_after']:.1f}"


def compare_table(rows):
    lines = ["| URL | bytes | Bulwark req/s | nginx req/s | ratio (≥ 0.7) | Bulwark p50 / p99 ms | nginx p50 / p99 ms | p50 ratio | p99 ratio (≤ 2) | server CPU µs/req Bulwark / nginx | load before / after |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        b, n = r["bulwark"], r["nginx"]
        # The 500-file page's goal is requests/s only; every other row has both.
        p99_goal = r["key"].startswith("big") or r["p99_ratio"] <= GOAL_P99
        lines.append(
            f"| {r['label']} | {r['bytes']} | {b['rps']:,.0f} | {n['rps']:,.0f} | {r['rps_ratio']:.2f} {verdict(r['rps_ratio'] >= GOAL_RPS)} | "
            f"{b['p50_ms']:.2f} / {b['p99_ms']:.2f} | {n['p50_ms']:.2f} / {n['p99_ms']:.2f} | {r['p50_ratio']:.2f} | "
            f"{r['p99_ratio']:.2f} {verdict(p99_goal) if not r['key'].startswith('big') else ''} | "
            f"{b.get('cpu_us_per_request', 0):.0f} / {n.get('cpu_us_per_request', 0):.0f} | {load(r)} |")
    return lines


def upload_table(upload):
    lines = ["| round | bytes | upload s | cp+sha256sum+b2sum s | ratio (≤ 2) | RSS before MiB | RSS peak MiB | growth MiB (≤ 32) | load before / after |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in upload["rounds"]:
        lines.append(f"| {r['version']} | {r['bytes']} | {r['upload_s']:.2f} | {r['reference_s']:.2f} | {r['ratio']:.2f} {verdict(r['ratio'] <= 2)} | "
                     f"{r['rss_before_mib']:.0f} | {r['rss_peak_mib']:.0f} | {r['rss_growth_mib']:.1f} {verdict(r['rss_growth_mib'] <= 32)} | {load(r)} |")
    return lines


def quick_markdown(meta, result):
    c = result["corpus"]
    lines = [f"### Quick run {meta['date']} (commit {meta['commit']})", "",
             f"Machine: {meta['machine']['cpu']}, {meta['machine']['cores']} cores, {meta['machine']['memory_gib']} GiB; "
             f"load average at start {', '.join(f'{x:.1f}' for x in meta['machine']['load_avg'])}. "
             f"wrk -t2 -c32 -d{meta['seconds']}s --latency. Corpus: SQLite, {c['Projects']} projects, {c['Releases']} releases, "
             f"{c['Files']} files (generated in {c['LoadSeconds']:.0f} s); {result['api_upload']['files']} more files through the "
             f"upload API in {result['api_upload']['seconds']:.1f} s.", ""]
    lines += compare_table(result["compare"]) + [""] + upload_table(result["upload"])
    lines += ["", f"Server RSS at the end: {result['rss_end_mib']:.0f} MiB. Load average at the end: "
              f"{', '.join(f'{x:.1f}' for x in result.get('load_end', []))}.", ""]
    return "\n".join(lines)


def scale_markdown(meta, result):
    c = result["corpus"]
    g = result
    lines = [f"### Scale run {meta['date']} (commit {meta['commit']})", "",
             f"Machine: {meta['machine']['cpu']}, {meta['machine']['cores']} cores, {meta['machine']['memory_gib']} GiB; "
             f"load average at start {', '.join(f'{x:.1f}' for x in meta['machine']['load_avg'])}. PostgreSQL 15, "
             f"{c['Projects']:,} projects, {c['Releases']:,} releases, {c['Files']:,} files, {c['JournalEntries']:,} journal entries "
             f"(generated in {c['LoadSeconds']:.0f} s). Server start: {g['startup_s']:.1f} s.", "",
             "| figure | value | goal |", "|---|---:|---|"]
    for row in g["rows"]:
        lines.append(f"| {row[0]} | {row[1]} | {row[2]} |")
    if g.get("load_end"):
        lines += ["", f"Load average at the end: {', '.join(f'{x:.1f}' for x in g['load_end'])}."]
    lines.append("")
    return "\n".join(lines)


def save(meta, mode, result, markdown):
    from common import OUT, write_json
    stamp = meta["date"].replace(":", "").replace(" ", "T")
    write_json(os.path.join(OUT, f"{mode}-{stamp}.json"), {"meta": meta, "result": result})
    path = os.path.join(OUT, f"{mode}-{stamp}.md")
    with open(path, "w") as f:
        f.write(markdown)
    return path
