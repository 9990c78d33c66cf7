#!/usr/bin/env python3
"""Prints the failed tests of one or more .trx result files, with the first lines of each message.

The console logger interleaves a failure with thousands of lines of server logs; CI shows only the end of
the output, so scripts/test.sh calls this last to put every failure's name and reason where it is seen.
"""
import sys
import xml.etree.ElementTree as ET

NS = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}


def main(paths):
    failed = 0
    for path in paths:
        try:
            root = ET.parse(path).getroot()
        except (OSError, ET.ParseError) as error:
            print(f"!! could not read {path}: {error}")
            failed += 1
            continue
        counters = root.find("t:ResultSummary/t:Counters", NS)
        if counters is not None:
            print(f"== {path}: total {counters.get('total')}, passed {counters.get('passed')}, "
                  f"failed {counters.get('failed')}, not executed {counters.get('notExecuted')}")
        for result in root.iterfind("t:Results/t:UnitTestResult", NS):
            if result.get("outcome") not in ("Failed", "Error", "Timeout", "Aborted"):
                continue
            failed += 1
            print(f"FAILED {result.get('testName')} ({result.get('duration')})")
            message = result.find("t:Output/t:ErrorInfo/t:Message", NS)
            trace = result.find("t:Output/t:ErrorInfo/t:StackTrace", NS)
            for text, limit in ((message, 15), (trace, 8)):
                if text is not None and text.text:
                    for line in text.text.strip().splitlines()[:limit]:
                        print(f"    {line}")
    return failed


if __name__ == "__main__":
    sys.exit(1 if main(sys.argv[1:]) else 0)
