#!/usr/bin/env python3
"""compile_linearity.py KILN GEN_WASM_PY - kiln compile stays linear below
the implementation limits (compiler/wasm/limits.h).

For each pathological shape a small valid module can take (a type with
1,000 params used by many functions, 1,000 results, a million () -> ()
types, 100,000 empty functions), compiles it at size N and 2N and checks,
with generous bounds that only a superlinear blow-up can break:
  - the 2N module compiles within LIMIT_S seconds of CPU time and under
    LIMIT_RSS of peak memory (the child's ru_utime + ru_stime and
    ru_maxrss, from wait4: CPU time, not wall time, so that a machine
    shared with other builds does not fail the test);
  - doubling the size costs well under 8x the CPU time (4x would already
    be quadratic; a linear compiler gives about 2x).
Prints each measurement (wall time too), so a run doubles as the report of
the figures. Never asserts tight timings.
"""
import os
import subprocess
import sys
import tempfile
import time

LIMIT_S = 120.0  # CPU seconds
LIMIT_RSS_KB = 4 * 1024 * 1024  # 4 GiB
MAX_RATIO = 8.0
FLOOR_S = 1.0  # times below this are startup noise, not growth

# name, gen_wasm.py arguments at N and at 2N
CASES = [
    ("params: one type of 500 / 1000 params, 200 functions",
     ["params", "500", "200"], ["params", "1000", "200"]),
    ("params: one type of 1000 params, 1000 / 2000 functions",
     ["params", "1000", "1000"], ["params", "1000", "2000"]),
    ("results: one function of 500 / 1000 results",
     ["results", "500"], ["results", "1000"]),
    ("types: 250,000 / 500,000 () -> () types",
     ["types", "250000"], ["types", "500000"]),
    # ~0.8 ms of CPU per function, nearly all of it LLVM's -O2 pipeline;
    # sizes that show growth without spending CI minutes on it.
    ("funcs: 10,000 / 20,000 empty functions",
     ["funcs", "10000"], ["funcs", "20000"]),
]


def compile_measure(kiln, wasm, out):
    start = time.monotonic()
    proc = subprocess.Popen([kiln, "compile", wasm, "-o", out],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    err = proc.stderr.read().decode(errors="replace")  # until it exits
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.monotonic() - start
    proc.stderr.close()
    ok = os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
    cpu = usage.ru_utime + usage.ru_stime
    return ok, cpu, elapsed, usage.ru_maxrss, err


def main():
    kiln, gen = sys.argv[1], sys.argv[2]
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        for name, small, large in CASES:
            times = []
            for i, args in enumerate((small, large)):
                wasm = os.path.join(tmp, "m%d.wasm" % i)
                subprocess.run([sys.executable, gen, wasm] + args, check=True)
                ok, t, wall, rss, err = compile_measure(
                    kiln, wasm, os.path.join(tmp, "m.kiln"))
                size = os.path.getsize(wasm)
                print("%-56s %-18s %8d bytes %7.2f s cpu %7.2f s wall "
                      "%8d KB" % (name, " ".join(args), size, t, wall, rss),
                      flush=True)
                if not ok:
                    print("FAIL: %s: kiln compile failed: %s" % (name, err))
                    failures += 1
                times.append(t)
                if i == 1 and t > LIMIT_S:
                    print("FAIL: %s: %.1f s, the bound is %.0f s" %
                          (name, t, LIMIT_S))
                    failures += 1
                if i == 1 and rss > LIMIT_RSS_KB:
                    print("FAIL: %s: %d KB peak, the bound is %d KB" %
                          (name, rss, LIMIT_RSS_KB))
                    failures += 1
            ratio = max(times[1], FLOOR_S) / max(times[0], FLOOR_S)
            print("  2x size -> %.2fx cpu time" % ratio)
            if ratio >= MAX_RATIO:
                print("FAIL: %s: doubling the size took %.1fx the time" %
                      (name, ratio))
                failures += 1
    if failures:
        print("%d compile linearity check(s) failed" % failures)
        return 1
    print("all compile linearity checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
