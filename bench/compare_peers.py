#!/usr/bin/env python3
"""Run Kiln's benchmark kernels on peer engines and tabulate ratios to native.

  bench/compare_peers.py --build build-bench [--out bench/results/peers.md]
                         [--repetitions 5] [--min-time 0.2] [--taskset 1]

Every engine runs the same .wasm bytes, built here from bench/kernels/ with
clang-19 -O2 exactly as bench/CMakeLists.txt builds them, in two variants:
  scalar  no -msimd128 (every peer can run it; wabt 1.0.32's wasm2c has no
          SIMD support)
  simd    -msimd128 (what kiln-bench measures by default)
Engines:
  native      the kernels' native objects inside kiln-bench (clang-19 -O2)
  kiln        kiln-bench with KILN_BENCH_DIR pointing at this script's
              artifacts (`kiln compile`, guard and --bounds-checks)
  wasm2c      wasm2c, then clang-19 -O3 with wabt's wasm-rt-impl.c (guard
              pages + signal handler, the runtime's default on Linux x86-64)
  node        node's V8 (optimizing tier after a warm-up run)
  wamr        wamrc + iwasm, only when both are on PATH
Each engine reports the checksum of every kernel; they must all equal the
native one, or the script fails. Timing everywhere: one warm-up run, then
the median over REPETITIONS samples, each a batch of runs lasting at least
MIN_TIME seconds. Times are CPU time (kiln-bench and the C drivers: the
thread's; node: the process's, which also counts V8's background threads),
because wall time on a shared machine also counts other processes.
Every ratio is to native code timed next to the engine, never to a figure
from another run: kiln-bench interleaves native and Kiln in one process; the
wasm2c driver links the kernel's native object too and alternates native and
wasm2c samples; node, which cannot host native code, is bracketed by runs of
the native driver just before and just after it.
"""

import argparse
import json
import math
import os
import re
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
KERNELS_DIR = os.path.join(HERE, "kernels")
CFLAGS = ["-O2", "-std=c11", "-fno-math-errno", "-Wall", "-Wextra"]
WASM_FLAGS = ["--target=wasm32", "-nostdlib", "-mbulk-memory"]
VARIANTS = {"scalar": [], "simd": ["-msimd128"]}

C_DRIVER = r"""
/* One process, two engines: the kernel's native object (clang-19 -O2, the
 * same one kiln-bench links) and, with -DWITH_WASM2C, its wasm2c
 * translation. Samples alternate native, wasm2c, native, ... so that load
 * on a shared machine moves both alike; the ratio comes from one process. */
#ifdef WITH_WASM2C
#include "%(mod)s.h"
#endif
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

void %(mod)s_init(void);
uint32_t %(mod)s_run(void);

static double now(void) {
  struct timespec T;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &T);
  return T.tv_sec + T.tv_nsec * 1e-9;
}

static int cmp(const void *A, const void *B) {
  double X = *(const double *)A, Y = *(const double *)B;
  return X < Y ? -1 : X > Y;
}

static double median(double *S, int N) {
  qsort(S, N, sizeof(double), cmp);
  return N %% 2 ? S[N / 2] : (S[N / 2 - 1] + S[N / 2]) / 2;
}

#ifdef WITH_WASM2C
static Z_%(mod)s_instance_t I;
static uint32_t runWasm(void) { return %(run)s(&I); }
#endif
static uint32_t runNative(void) { return %(mod)s_run(); }

/* Batch size: enough runs of Fn to last MinTime. */
static long batch(uint32_t (*Fn)(void), double MinTime) {
  double T0 = now();
  Fn();
  double One = now() - T0;
  return One > 0 ? (long)(MinTime / One) + 1 : 1;
}

static double sample(uint32_t (*Fn)(void), long N, uint32_t Sum) {
  double S = now();
  for (long K = 0; K < N; ++K)
    if (Fn() != Sum) {
      printf("checksum changed\n");
      exit(1);
    }
  return (now() - S) / N;
}

int main(int Argc, char **Argv) {
  double MinTime = atof(Argv[1]);
  int Reps = atoi(Argv[2]);
  if (Argc < 3 || Reps < 1 || Reps > 64)
    return 2;
  %(mod)s_init();
  uint32_t NativeSum = runNative();
  long NativeN = batch(runNative, MinTime);
  double Native[64];
#ifdef WITH_WASM2C
  wasm_rt_init();
  Z_%(mod)s_init_module();
  Z_%(mod)s_instantiate(&I);
  %(init)s(&I);
  uint32_t WasmSum = runWasm();
  long WasmN = batch(runWasm, MinTime);
  double Wasm[64];
#endif
  for (int R = 0; R < Reps; ++R) {
    Native[R] = sample(runNative, NativeN, NativeSum);
#ifdef WITH_WASM2C
    Wasm[R] = sample(runWasm, WasmN, WasmSum);
#endif
  }
  printf("native checksum=0x%%08x ns=%%.1f\n", NativeSum, median(Native, Reps) * 1e9);
#ifdef WITH_WASM2C
  printf("wasm2c checksum=0x%%08x ns=%%.1f\n", WasmSum, median(Wasm, Reps) * 1e9);
  Z_%(mod)s_free(&I);
  wasm_rt_free();
#endif
  return 0;
}
"""

NODE_DRIVER = r"""
const fs = require('fs');
const [file, name, minTime, reps] = process.argv.slice(2);
const m = new WebAssembly.Module(fs.readFileSync(file));
const i = new WebAssembly.Instance(m, {});
i.exports[name + '_init']();
const run = i.exports[name + '_run'];
// CPU time (user + system) of the process, as kiln-bench and the wasm2c
// driver measure CPU time: wall time on a shared machine counts other
// processes too.
const now = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; };
let t0 = now();
const sum = run() >>> 0;
const one = now() - t0;
// A second warm-up lets V8 tier up before the samples.
t0 = now();
while (now() - t0 < Math.max(0.05, 2 * one)) run();
const n = Math.floor(Number(minTime) / Math.max(one, 1e-9)) + 1;
const samples = [];
for (let r = 0; r < Number(reps); ++r) {
  const s = now();
  for (let k = 0; k < n; ++k)
    if ((run() >>> 0) !== sum) { console.log('checksum changed'); process.exit(1); }
  samples.push((now() - s) / n);
}
samples.sort((a, b) => a - b);
const R = samples.length;
const med = R % 2 ? samples[(R - 1) / 2] : (samples[R / 2 - 1] + samples[R / 2]) / 2;
console.log('checksum=0x' + sum.toString(16).padStart(8, '0') + ' ns=' + (med * 1e9).toFixed(1));
"""


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, text=True, capture_output=True, **kw)


def kernels():
    rows = []
    with open(os.path.join(HERE, "kernels.def")) as f:
        for line in f:
            m = re.match(r"KILN_BENCH_KERNEL\((\w+), (\w+)\)", line)
            if m:
                rows.append((m.group(1), m.group(2)))
    return rows


def parse_result(out, engine=None):
    tag = (re.escape(engine) + " ") if engine else ""
    m = re.search(r"^" + tag + r"checksum=0x([0-9a-f]{8}) ns=([0-9.]+)", out, re.M)
    if not m:
        raise RuntimeError("no result in output: " + out[-300:])
    return int(m.group(1), 16), float(m.group(2))


def build_wasm(work, variant, kiln, build_modules):
    """clang-19 -> .wasm, kiln compile -> .guard.kiln/.bounds.kiln."""
    d = os.path.join(work, variant)
    os.makedirs(d, exist_ok=True)
    for name, file in kernels():
        src = os.path.join(KERNELS_DIR, file + ".c")
        obj = os.path.join(d, file + ".wasm.o")
        wasm = os.path.join(d, file + ".wasm")
        run(["clang-19"] + CFLAGS + WASM_FLAGS + VARIANTS[variant] +
            ["-c", src, "-o", obj])
        run(["wasm-ld-19", "--no-entry", "--export-memory", obj, "-o", wasm])
        run([kiln, "compile", wasm, "-o", os.path.join(d, file + ".guard.kiln")])
        run([kiln, "compile", "--bounds-checks", wasm,
             "-o", os.path.join(d, file + ".bounds.kiln")])
    # kiln-bench's other parts read these at startup.
    for extra in ("fir_simd128.wasm", "all_kernels.wasm", "ttf.wasm"):
        p = os.path.join(build_modules, extra)
        if os.path.exists(p):
            shutil.copy(p, d)
    return d


def run_kiln(bench, moddir, args, prefix):
    out_json = os.path.join(moddir, "kiln-bench.json")
    env = dict(os.environ, KILN_BENCH_DIR=moddir)
    cmd = prefix + [bench, "--benchmark_filter=^kernel/",
                    "--benchmark_repetitions=%d" % args.repetitions,
                    "--benchmark_min_time=%g" % args.min_time,
                    "--benchmark_report_aggregates_only=true",
                    "--benchmark_enable_random_interleaving=true",
                    "--benchmark_out=" + out_json,
                    "--benchmark_out_format=json"]
    p = subprocess.run(cmd, env=env, text=True, capture_output=True)
    if p.returncode != 0:
        raise RuntimeError("kiln-bench failed:\n" + p.stdout[-2000:] + p.stderr[-2000:])
    sums = {}
    for m in re.finditer(r"^\s+(\w+)\s+0x([0-9a-f]{8}) 0x([0-9a-f]{8}) "
                         r"0x([0-9a-f]{8})\s+agree", p.stdout, re.M):
        sums[m.group(1)] = int(m.group(2), 16)
    medians, samples = {}, {}
    with open(out_json) as f:
        for b in json.load(f)["benchmarks"]:
            name = b["run_name"].replace("/real_time", "")
            ns = b["real_time"] * {"ns": 1, "us": 1e3, "ms": 1e6,
                                   "s": 1e9}[b["time_unit"]]
            if b.get("run_type") == "aggregate":
                if b.get("aggregate_name") == "median":
                    medians[name] = ns
            else:
                samples.setdefault(name, []).append(ns)
    times = {n: statistics.median(v) for n, v in samples.items()}
    times.update(medians)
    return sums, times


def native_driver(work, build_modules, name, file):
    """The C driver with only the native kernel: node's reference."""
    d = os.path.join(work, "native")
    os.makedirs(d, exist_ok=True)
    exe = os.path.join(d, name)
    if not os.path.exists(exe):
        drv = os.path.join(d, name + "_driver.c")
        with open(drv, "w") as f:
            f.write(C_DRIVER % {"mod": name, "init": "", "run": ""})
        run(["clang-19", "-O2", drv,
             os.path.join(build_modules, file + ".native.o"), "-o", exe])
    return exe


def run_wasm2c(work, variant, moddir, build_modules, name, file, args, prefix):
    """(wasm2c ns / native ns from the same process, wasm2c ns, checksum)."""
    d = os.path.join(work, variant, "wasm2c")
    os.makedirs(d, exist_ok=True)
    rt = "/usr/share/wabt/wasm2c"
    c = os.path.join(d, name + ".c")
    p = subprocess.run(["wasm2c", os.path.join(moddir, file + ".wasm"),
                        "-n", name, "-o", c], text=True, capture_output=True)
    if p.returncode < 0:
        return None, ("wasm2c crashed (signal %d)%s" % (
            -p.returncode, "; wabt 1.0.32's wasm2c does not translate these "
            "SIMD instructions" if variant == "simd" else ""))
    if p.returncode != 0:
        return None, "wasm2c refused: " + (
            p.stderr.strip().splitlines() or ["exit %d" % p.returncode])[-1]
    hdr = open(os.path.join(d, name + ".h")).read()
    init = re.search(r"void (Z_%sZ_\w+_init)\(" % name, hdr).group(1)
    runf = re.search(r"u32 (Z_%sZ_\w+_run)\(" % name, hdr).group(1)
    drv = os.path.join(d, name + "_driver.c")
    with open(drv, "w") as f:
        f.write(C_DRIVER % {"mod": name, "init": init, "run": runf})
    exe = os.path.join(d, name)
    run(["clang-19", "-O3", "-DWITH_WASM2C", "-I", d, "-I", rt, drv, c,
         os.path.join(rt, "wasm-rt-impl.c"),
         os.path.join(build_modules, file + ".native.o"), "-lm", "-o", exe])
    out = run(prefix + [exe, str(args.min_time), str(args.repetitions)]).stdout
    _, nat = parse_result(out, "native")
    got, ns = parse_result(out, "wasm2c")
    return (got, ns / nat), None


def run_node(work, moddir, build_modules, name, file, args, prefix):
    """(node ns / native ns, checksum): V8 cannot host the native kernel, so
    the native driver runs right before and right after node, pinned alike,
    and node is set against the mean of the two."""
    js = os.path.join(work, "node_driver.js")
    with open(js, "w") as f:
        f.write(NODE_DRIVER)
    native = native_driver(work, build_modules, name, file)
    bench_args = [str(args.min_time), str(args.repetitions)]
    before = parse_result(run(prefix + [native] + bench_args).stdout, "native")[1]
    p = subprocess.run(prefix + ["node", js, os.path.join(moddir, file + ".wasm"),
                                 name] + bench_args,
                       text=True, capture_output=True)
    after = parse_result(run(prefix + [native] + bench_args).stdout, "native")[1]
    if p.returncode != 0:
        return None, "node failed: " + (p.stderr.strip().splitlines() or ["?"])[-1]
    got, ns = parse_result(p.stdout)
    return (got, ns / ((before + after) / 2)), None


def geomean(xs):
    """Only over a complete column: a partial geomean would mislead."""
    if not xs or any(x is None for x in xs):
        return None
    return math.exp(sum(map(math.log, xs)) / len(xs))


def fmt(x):
    return "n/a" if x is None else "%.2fx" % x


def tool_version(cmd):
    try:
        p = subprocess.run(cmd, text=True, capture_output=True)
        return (p.stdout or p.stderr).strip().splitlines()[0]
    except (OSError, IndexError):
        return "not found"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default="build-bench",
                    help="the CMake build directory (kiln, kiln-bench)")
    ap.add_argument("--out", help="write the markdown table here too")
    ap.add_argument("--repetitions", type=int, default=5)
    ap.add_argument("--min-time", type=float, default=0.2)
    ap.add_argument("--taskset", help="pin every engine to this CPU list")
    ap.add_argument("--variants", default="scalar,simd")
    args = ap.parse_args()

    kiln = os.path.join(args.build, "bin", "kiln")
    bench = os.path.join(args.build, "bin", "kiln-bench")
    build_modules = os.path.join(args.build, "bench", "modules")
    for p in (kiln, bench):
        if not os.access(p, os.X_OK):
            sys.exit("compare_peers: %s not found; build first" % p)
    prefix = ["taskset", "-c", args.taskset] if args.taskset else []
    work = os.path.join(args.build, "bench", "peers")
    os.makedirs(work, exist_ok=True)
    have_node = shutil.which("node") is not None
    have_w2c = shutil.which("wasm2c") is not None and os.path.exists(
        "/usr/share/wabt/wasm2c/wasm-rt-impl.c")
    have_wamr = shutil.which("wamrc") and shutil.which("iwasm")

    lines = ["# Kiln vs peers: time relative to native (clang-19 -O2)", "",
             "Generated by `bench/compare_peers.py` on %s; %d repetitions, "
             "min %.2f s per sample%s; load average at start %s." % (
                 time.strftime("%Y-%m-%d %H:%M"), args.repetitions,
                 args.min_time,
                 ", pinned to CPU %s" % args.taskset if args.taskset else "",
                 "%.2f %.2f %.2f" % os.getloadavg()),
             "", "CPU time; lower is better; 1.00x = native. Every engine's checksum "
             "equals native's for every kernel shown.", "",
             "Every ratio is taken against native code timed alongside it: Kiln's "
             "in kiln-bench's process (interleaved), wasm2c's in its driver's "
             "process (native and wasm2c samples alternate), node's by the "
             "native driver run just before and just after node. ", "",
             "Engines: native and Kiln from kiln-bench (same process); "
             "wasm2c = `%s` + clang-19 -O3 + wasm-rt-impl.c; node = V8 %s; "
             "WAMR: %s." % (tool_version(["wasm2c", "--version"]),
                            tool_version(["node", "--version"]),
                            "wamrc+iwasm on PATH but no harness yet"
                            if have_wamr else "skipped (wamrc/iwasm not on PATH)"),
             ""]
    failed = False
    behind = []  # kernels where a peer beats Kiln guard
    for variant in args.variants.split(","):
        log("== variant %s: building" % variant)
        moddir = build_wasm(work, variant, kiln, build_modules)
        log("== %s: kiln-bench" % variant)
        sums, times = run_kiln(bench, moddir, args, prefix)
        cols = ["Kiln guard", "Kiln bounds", "wasm2c -O3", "node"]
        ratios = {c: [] for c in cols}
        notes = []
        rows = []
        for name, file in kernels():
            nat = times.get("kernel/%s/native" % name)
            want = sums.get(name)
            if nat is None or want is None:
                notes.append("%s: kiln-bench reported no result" % name)
                failed = True
                continue
            cells = {"Kiln guard": times["kernel/%s/guard" % name] / nat,
                     "Kiln bounds": times["kernel/%s/bounds" % name] / nat}
            for col, fn, have in (
                    ("wasm2c -O3", lambda: run_wasm2c(work, variant, moddir,
                                                      build_modules, name, file,
                                                      args, prefix), have_w2c),
                    ("node", lambda: run_node(work, moddir, build_modules, name,
                                              file, args, prefix), have_node)):
                if not have:
                    cells[col] = None
                    continue
                log("   %s: %s" % (name, col))
                res, why = fn()
                if res is None:
                    cells[col] = None
                    notes.append("%s on %s: %s" % (col, name, why))
                    continue
                got, ratio = res
                if got != want:
                    notes.append("%s on %s: CHECKSUM 0x%08x, native 0x%08x" %
                                 (col, name, got, want))
                    failed = True
                    cells[col] = None
                    continue
                cells[col] = ratio
            peers = [cells[c] for c in ("wasm2c -O3", "node") if cells[c] is not None]
            if peers and cells["Kiln guard"] >= min(peers):
                behind.append("%s (%s)" % (name, variant))
            for c in cols:
                ratios[c].append(cells[c])
            rows.append("| %s | %.1f | %s |" % (
                name, nat / 1e3, " | ".join(fmt(cells[c]) for c in cols)))
        lines += ["## %s wasm (clang-19 -O2 %s)" % (
            variant, " ".join(WASM_FLAGS + VARIANTS[variant])), "",
            "| kernel | native µs | " + " | ".join(cols) + " |",
            "|---|---:|" + "---:|" * len(cols)] + rows
        lines.append("| **geomean** | | " + " | ".join(
            "**%s**" % fmt(geomean(ratios[c])) for c in cols) + " |")
        if notes:
            lines += [""] + ["- " + n for n in notes]
        lines.append("")
    lines.append("Kiln guard is faster than every peer that ran, on every kernel."
                 if not behind else
                 "A peer is at least as fast as Kiln guard on: " + ", ".join(behind) + ".")
    text = "\n".join(lines)
    print(text)
    if args.out:
        with open(args.out, "w") as f:
            f.write(text)
    if failed:
        sys.exit("compare_peers: FAILED (checksum mismatch or missing result)")


if __name__ == "__main__":
    main()
