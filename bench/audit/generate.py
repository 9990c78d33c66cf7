#!/usr/bin/env python3
"""Writes N linked audit events straight into an empty Bulwark database, for the `audit verify` benchmark.

Rows go in with bulk statements (one SQLite transaction of prepared inserts, or PostgreSQL COPY), not through
the app. Each row carries its hash chain link, computed with the canonical form of
src/Bulwark.Core/Audit/AuditChainHash.cs (re-stated here; `audit verify` then checks every one of them).

usage: generate.py sqlite PATH N  |  generate.py postgres N   (PostgreSQL: rows on stdout, for COPY FROM STDIN)
"""
import datetime
import hashlib
import sqlite3
import sys

VERSION = b"bulwark-audit-chain-1\n"
GENESIS = "0" * 64
EPOCH = datetime.datetime(1, 1, 1)
START = datetime.datetime(2025, 1, 1)
TYPES = [1001, 1001, 1001, 3002, 4020, 4010, 1002, 1005]
AGENTS = ["Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
          "twine/5.1.1 CPython/3.12.3", "pip/24.0 {\"ci\":null}", None]


def num(v):
    return b"-\n" if v is None else str(v).encode() + b"\n"


def text(v):
    if v is None:
        return b"-\n"
    b = v.encode("utf-8")
    return str(len(b)).encode() + b":" + b + b"\n"


def events(n):
    previous = GENESIS
    for i in range(1, n + 1):
        when = START + datetime.timedelta(microseconds=i * 2_345)
        ticks = (when - EPOCH) // datetime.timedelta(microseconds=1) * 10
        user = 1 + i % 50_000
        project = 1 + i % 200_000 if i % 3 == 0 else None
        ip = f"203.0.{i % 250}.{i % 199}"
        agent = AGENTS[i % len(AGENTS)]
        token = f"{i:08x}-0000-4000-8000-{i * 7919 % 10**12:012x}" if i % 4 == 0 else None
        details = f'{{"filename":"pkg_{i % 200_000}-1.{i % 97}.0-py3-none-any.whl","version":"1.{i % 97}.0"}}' if i % 5 else None
        kind = TYPES[i % len(TYPES)]
        canon = (VERSION + num(i) + (when.strftime("%Y-%m-%dT%H:%M:%S.%f") + "Z\n").encode() + num(kind) + num(user) + num(user)
                 + num(project) + text(ip) + text(agent) + text(token) + text(details) + text(previous))
        digest = hashlib.sha256(canon).hexdigest()
        yield (i, when, ticks, kind, user, user, project, ip, agent, token, details, previous, digest)
        previous = digest


def sqlite(path, n):
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=OFF")
    db.execute("BEGIN")
    db.executemany(
        'INSERT INTO audit_events ("Id","OccurredAt","Type","UserId","ActorUserId","ProjectId","IpAddress","UserAgent","TokenId","Details","PreviousHash","Hash") '
        "VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
        ((i, ticks, k, u, a, p, ip, ua, t.upper() if t else None, d, prev, h)
         for (i, _, ticks, k, u, a, p, ip, ua, t, d, prev, h) in events(n)))
    db.execute("COMMIT")
    db.close()


def copy_field(v):
    if v is None:
        return "\\N"
    return str(v).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


def postgres(n):
    out = sys.stdout
    for (i, when, _, k, u, a, p, ip, ua, t, d, prev, h) in events(n):
        out.write("\t".join(copy_field(v) for v in (i, when.strftime("%Y-%m-%d %H:%M:%S.%f+00"), k, u, a, p, ip, ua, t, d, prev, h)))
        out.write("\n")


if __name__ == "__main__":
    if sys.argv[1] == "sqlite":
        sqlite(sys.argv[2], int(sys.argv[3]))
    else:
        postgres(int(sys.argv[2]))
