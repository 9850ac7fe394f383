"""Starts a program once its gate (a FIFO) opens; reports its CPU time when it ends.

    python gate.py GATE REPORT PROGRAM [ARGS...]

Writes the program's pid to REPORT.pid once started and {"cpu": seconds} to REPORT when it ends:
the kernel's account of it (user + system, all its threads, to the microsecond).
"""

import json
import os
import sys

gate, report, *argv = sys.argv[1:]
with open(gate) as opened:
    opened.read()
pid = os.fork()
if pid == 0:
    os.execvp(argv[0], argv)
with open(report + ".pid", "w") as written:
    written.write(str(pid))
_, _, usage = os.wait4(pid, 0)
with open(report + ".tmp", "w") as written:
    json.dump({"cpu": usage.ru_utime + usage.ru_stime}, written)
os.rename(report + ".tmp", report)
