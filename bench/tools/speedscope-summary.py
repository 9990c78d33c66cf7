#!/usr/bin/python3
"""Summarizes a speedscope file written by `dotnet-trace collect --format Speedscope` (thread-time profile):
inclusive and self time per frame, over the samples whose stack contains FILTER (e.g. "HttpProtocol" for
request handling only, which leaves idle thread-pool threads out).

    dotnet-trace collect -p PID --profile dotnet-sampled-thread-time --format Speedscope --duration 00:00:00:10 -o t.nettrace
    bench/tools/speedscope-summary.py t.speedscope.json HttpProtocol 45
"""
import collections
import json
import sys


def main(path, needle=None, top=60):
    data = json.load(open(path))
    frames = [f["name"] for f in data["shared"]["frames"]]
    inclusive, own, total = collections.Counter(), collections.Counter(), 0.0
    for profile in data["profiles"]:
        stack, last = [], None
        for event in profile["events"]:
            at = event["at"]
            if last is not None and stack:
                names = [frames[f] for f in stack]
                if not needle or any(needle in n for n in names):
                    total += at - last
                    for n in set(names):
                        inclusive[n] += at - last
                    own[names[-1]] += at - last
            last = at
            if event["type"] == "O":
                stack.append(event["frame"])
            else:
                while stack and stack[-1] != event["frame"]:
                    stack.pop()
                if stack:
                    stack.pop()
    print(f"total {total:.0f} ms of samples" + (f" containing '{needle}'" if needle else ""))
    for name, t in inclusive.most_common(top):
        if not name.startswith("Thread ("):
            print(f"{100 * t / total:5.1f}%  {name[:160]}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else None, int(sys.argv[3]) if len(sys.argv) > 3 else 60)
