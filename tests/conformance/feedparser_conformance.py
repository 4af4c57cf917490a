#!/usr/bin/python3
"""Runs the shared feedparser conformance scorer against `tributary parse --json`
and fails when fewer cases pass than the floor.

Usage: feedparser_conformance.py TRIBUTARY SHARED_DIR FLOOR [JOBS]

SHARED_DIR is the read-only ../shared folder next to the checkout; when it (or
its scorer or corpus) is missing the test is skipped with exit status 77. The
floor is the best passing count reached so far: raise it when the parser gets
better, never lower it.
"""
import os
import re
import subprocess
import sys

SKIP = 77


def main(argv):
    if len(argv) < 4:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    tributary, shared, floor = argv[1], argv[2], int(argv[3])
    jobs = argv[4] if len(argv) > 4 else "2"
    scorer = os.path.join(shared, "conformance", "feedparser_cases.py")
    corpus = os.path.join(shared, "corpora", "feedparser")
    if not os.path.isfile(scorer) or not os.path.isdir(corpus):
        print("SKIP: %s or %s not found (the shared test material is not next to "
              "this checkout)" % (scorer, corpus))
        return SKIP
    cmd = "%s parse --json {http_args} {file}" % tributary
    proc = subprocess.run(
        [sys.executable, scorer, "--jobs", jobs, "--list-failures", "--cmd", cmd, corpus],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    out = proc.stdout
    sys.stdout.write(out)
    m = re.search(r"^(\d+) passed, (\d+) failed\s*$", out, re.M)
    if not m:
        print("FAIL: the scorer printed no 'N passed, M failed' line (exit %d)" % proc.returncode)
        return 1
    passed, failed = int(m.group(1)), int(m.group(2))
    if passed < floor:
        print("FAIL: %d passed, below the floor of %d" % (passed, floor))
        return 1
    print("OK: %d passed (floor %d), %d failed" % (passed, floor, failed))
    if passed > floor:
        print("note: raise the floor in tests/conformance/CMakeLists.txt to %d" % passed)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
