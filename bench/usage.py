"""Benchmark the usage importer: 300,000 Lambda REPORT lines as ``aws logs tail`` prints them,
read by ``manage.py usage`` (a fresh process, as a user runs it), against a plain Python loop
with one regular expression over the same file (also a fresh process) and the command's own
start-up (the same command on a one-line file).

Goal: (usage - start-up) <= 2 x the plain loop, and a peak resident memory of at most 250 MB.
Times are CPU seconds (user + system) of each process, the median of RUNS runs.
Run from the repository root: ``.venv/bin/python bench/usage.py [LINES]``.
"""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

RUNS = 3
# The baseline: what anyone would write first, one regular expression for the REPORT line's
# fields applied to each line, summing the run time.
PLAIN_LOOP = r"""
import re, sys
rx = re.compile(r"REPORT RequestId: \S+\s+Duration: ([0-9.]+) ms\s+Billed Duration: ([0-9.]+) ms"
                r"\s+Memory Size: (\d+) MB\s+Max Memory Used: (\d+) MB(?:\s+Init Duration: ([0-9.]+) ms)?")
n = 0
total = 0.0
with open(sys.argv[1], encoding="utf-8") as fh:
    for line in fh:
        m = rx.search(line)
        if m:
            n += 1
            total += float(m.group(1))
print(n, total / max(n, 1))
"""


WRITE = r"""
import sys
from pathlib import Path
from tests import usage_gen
invs = usage_gen.invocations(int(sys.argv[1]), days=7, seed=1)
Path(sys.argv[2]).write_text(usage_gen.tail_text(invs, noise=False))
Path(sys.argv[3]).write_text(usage_gen.tail_text(invs[:2], noise=False))
"""


def timed(args: list[str]) -> tuple[float, float, float]:
    """CPU seconds (user + system), wall seconds and peak resident MB of one child process.

    The goal is judged on CPU time: on a shared machine the wall time mostly measures the
    other processes (the wall times are printed too)."""
    start = time.perf_counter()
    proc = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{args} failed: {proc.stderr.read().decode() if proc.stderr else ''}")
    return usage.ru_utime + usage.ru_stime, wall, usage.ru_maxrss / 1024


def median_of(args: list[str]) -> tuple[float, float, float]:
    runs = [timed(args) for _ in range(RUNS)]
    return (statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs),
            max(r[2] for r in runs))


def main() -> None:
    lines = int(sys.argv[1]) if len(sys.argv) > 1 else 300_000
    python = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        big = Path(tmp) / "report.txt"
        one = Path(tmp) / "one.txt"
        # Written by a child process: a child forked from a parent holding the invocations
        # would count the parent's pages in its own peak memory.
        subprocess.run([python, "-c", WRITE, str(lines), str(big), str(one)], cwd=ROOT,
                       check=True)
        size_mb = big.stat().st_size / 1e6
        plain, plain_wall, plain_mb = median_of([python, "-c", PLAIN_LOOP, str(big)])
        startup, startup_wall, startup_mb = median_of([python, "manage.py", "usage", str(one)])
        usage, usage_wall, usage_mb = median_of([python, "manage.py", "usage", str(big)])
    ratio = (usage - startup) / plain
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
          f"load average {os.getloadavg()[0]:.1f}")
    print(f"file: {lines:,} REPORT lines, {size_mb:.1f} MB; median of {RUNS} runs each")
    print("                            CPU s   wall s   peak MB")
    print(f"plain loop, one regex:      {plain:6.2f}  {plain_wall:6.2f}  {plain_mb:7.1f}")
    print(f"manage.py usage, one line:  {startup:6.2f}  {startup_wall:6.2f}  {startup_mb:7.1f}"
          "  (start-up)")
    print(f"manage.py usage, the file:  {usage:6.2f}  {usage_wall:6.2f}  {usage_mb:7.1f}")
    print(f"(usage - start-up) / plain loop = {ratio:.2f} (goal <= 2); peak {usage_mb:.0f} MB "
          "(goal <= 250)")
    if ratio > 2 or usage_mb > 250:
        sys.exit(1)


if __name__ == "__main__":
    main()
