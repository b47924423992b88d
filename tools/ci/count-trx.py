#!/usr/bin/env python3
"""Sums the outcome counters of every TRX file under a folder and prints 'N passed, N failed, N skipped'."""
import pathlib
import sys
import xml.etree.ElementTree as ET

NS = "{http://microsoft.com/schemas/VisualStudio/TeamTest/2010}"
passed = failed = skipped = 0
files = sorted(pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "TestResults").rglob("*.trx"))
for trx in files:
    counters = ET.parse(trx).getroot().find(f"{NS}ResultSummary/{NS}Counters")
    if counters is None:
        continue
    get = lambda name: int(counters.get(name, "0"))
    passed += get("passed")
    failed += get("failed") + get("error") + get("timeout") + get("aborted")
    skipped += get("notExecuted")
if not files:
    failed += 1
    print("no TRX results were written", file=sys.stderr)
print(f"{passed} passed, {failed} failed, {skipped} skipped")
