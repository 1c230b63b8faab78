#!/usr/bin/env python3
"""agent_bench.py - what `kiln agent` costs and what an update costs.

  bench/agent/agent_bench.py --kiln build/bin/kiln --app build/examples/sensor_app \
      [--runtime-kiln build-runtime/bin/kiln] [--cross-kiln aarch64=DIR/kiln ...] \
      [--updates 20] [--seconds 10]

1. Footprint of the runtime-only `kiln` (the device's build, with the agent):
   text size of each binary given, and for this machine's one, resident
   memory and CPU over --seconds with the supervisor's two-module test
   application (tests/agent/modules), idle (no periodic task) and with a
   1 kHz task. An aarch64 build runs under qemu-user: its resident memory
   is the emulator's, an upper bound, printed as such.
2. Updates of the example application (sensor -> filter -> classifier, a
   1 kHz sampling task): --updates hot updates of the filter, alternating
   version 2 and version 1, each with its state; reported: the switch-over
   time (the exclusive section), the sampling task's missed periods during
   the updates against the same number of equal windows without one, and
   whether the filter's window count ever went back (state lost).
   Then bad versions (a trapping health check, a missed deadline): the time
   from the fault to the old version back.

Nothing here is asserted: it prints figures. The platform's own wake-up
jitter (a 1 kHz clock_nanosleep loop, measured the same way) is printed
beside them, since a period missed because the thread woke late is the
machine's, not the agent's.
"""
import argparse
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


def sha256(path):
    import hashlib
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def text_size(binary):
    out = run(["size", binary]).stdout.splitlines()
    if len(out) < 2:
        return None
    return int(out[1].split()[0])


class Agent:
    """A kiln agent on a state directory, driven through kiln ctl."""

    def __init__(self, kiln, state, manifest=None, prefix=(), ctl_kiln=None):
        self.kiln, self.state = kiln, state
        self.ctl_kiln = ctl_kiln or kiln
        cmd = list(prefix) + [kiln, "agent", "-q", "--state-dir", state]
        if manifest:
            cmd.append(manifest)
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)
        for _ in range(400):
            if self.ctl("status").returncode == 0:
                return
            time.sleep(0.05)
        raise RuntimeError("agent did not start: " + self.proc.stderr.read())

    def ctl(self, *args):
        return run([self.ctl_kiln, "ctl", "--state-dir", self.state] + list(args))

    def status(self):
        return json.loads(self.ctl("status", "--json").stdout)

    def value(self, task):
        out = self.ctl("run", task).stdout
        m = re.search(r"returned (-?\d+)", out)
        return int(m.group(1)) if m else None

    def stop(self):
        self.ctl("shutdown")
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def task(status, name):
    return next(t for t in status["tasks"] if t["name"] == name)


def proc_cpu_rss(pid):
    """(CPU seconds, resident KiB) of a running process."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    cpu = (int(fields[11]) + int(fields[12])) / ticks
    rss = 0
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1])
    return cpu, rss


def counting_app(kiln, wat2wasm, work, target, periodic):
    """The supervisor's test application compiled for `target`."""
    mods = os.path.join(ROOT, "tests", "agent", "modules")
    for m in ("counter_v1", "driver"):
        wasm = os.path.join(work, m + ".wasm")
        subprocess.run([wat2wasm, os.path.join(mods, m + ".wat"), "-o", wasm],
                       check=True)
        subprocess.run([kiln, "compile", "--target", target, wasm, "-o",
                        os.path.join(work, m + ".kiln")], check=True)
    tasks = ""
    if periodic:
        tasks = ('[tasks.tick]\nmodule = "driver"\nexport = "tick"\n'
                 'kind = "periodic"\nperiod = "1ms"\n')
    text = f"""manifest-version = 1
name = "counting"

[modules.counter]
artifact = "counter_v1.kiln"
sha256 = "{sha256(os.path.join(work, 'counter_v1.kiln'))}"
version = "1"

[modules.driver]
artifact = "driver.kiln"
sha256 = "{sha256(os.path.join(work, 'driver.kiln'))}"
version = "1"
imports = {{ counter = "counter" }}

[tasks.read]
module = "driver"
export = "read"
kind = "on-demand"

{tasks}"""
    path = os.path.join(work, "app.toml")
    with open(path, "w") as f:
        f.write(text)
    return path


def footprint(args, work):
    print("== Footprint of the runtime-only kiln (with the agent)")
    bins = []
    if args.runtime_kiln:
        bins.append(("x86_64", args.runtime_kiln, []))
    for spec in args.cross_kiln:
        arch, path = spec.split("=", 1)
        qemu = {"aarch64": ["qemu-aarch64", "-L", "/usr/aarch64-linux-gnu"],
                "riscv64": ["qemu-riscv64", "-L", "/usr/riscv64-linux-gnu"],
                "armv7": ["qemu-arm", "-L", "/usr/arm-linux-gnueabihf"]}[arch]
        bins.append((arch, path, qemu))
    triples = {"x86_64": "x86_64-linux-gnu", "aarch64": "aarch64-linux-gnu",
               "riscv64": "riscv64-linux-gnu", "armv7": "armv7-linux-gnueabihf"}
    print(f"{'build':<10} {'text bytes':>11} {'RSS idle KiB':>13} "
          f"{'RSS 1kHz KiB':>13} {'CPU idle %':>11} {'CPU 1kHz %':>11}")
    for arch, binary, prefix in bins:
        row = [arch, text_size(binary)]
        for periodic in (False, True):
            d = os.path.join(work, f"fp-{arch}-{periodic}")
            os.makedirs(d)
            app = counting_app(args.kiln, args.wat2wasm, d, triples[arch],
                               periodic)
            a = Agent(binary, os.path.join(d, "st"), app, prefix=prefix,
                      ctl_kiln=args.kiln)
            time.sleep(1)  # past start-up
            c0, _ = proc_cpu_rss(a.proc.pid)
            t0 = time.monotonic()
            time.sleep(args.seconds)
            c1, rss = proc_cpu_rss(a.proc.pid)
            t1 = time.monotonic()
            a.stop()
            row += [rss, 100.0 * (c1 - c0) / (t1 - t0)]
        rss_note = " (qemu-user: the emulator's RSS)" if prefix else ""
        print(f"{row[0]:<10} {row[1]:>11} {row[2]:>13} {row[4]:>13} "
              f"{row[3]:>11.2f} {row[5]:>11.2f}{rss_note}")


def platform_jitter(seconds):
    """Missed 1 ms periods of a bare clock_nanosleep loop (this machine)."""
    src = os.path.join(HERE, "period_probe.c")
    exe = os.path.join(tempfile.gettempdir(), "kiln-period-probe")
    subprocess.run(["cc", "-O2", src, "-o", exe], check=True)
    out = run([exe, str(int(seconds * 1000))]).stdout.split()
    return int(out[0]), int(out[1])


def updates(args, work):
    print(f"\n== Updates of the example application ({args.updates} hot "
          "updates of the filter, 1 kHz sampling task)")
    app = os.path.join(args.app, "app.toml")
    a = Agent(args.kiln, os.path.join(work, "st-upd"), app)
    time.sleep(2)
    switch, upd_miss, base_miss, lost, carried = [], [], [], 0, 0
    at_switch = []
    window = 0.5  # seconds around each update, and each baseline window
    for i in range(args.updates):
        # A baseline window: no update.
        s0 = task(a.status(), "sample")["misses"]
        time.sleep(window)
        base_miss.append(task(a.status(), "sample")["misses"] - s0)
        # An update window of the same length.
        artifact, version = (("filter_v2.kiln", f"2.{i}") if i % 2 == 0
                             else ("filter.kiln", f"1.{i}"))
        w0 = a.value("windows")
        s0 = task(a.status(), "sample")["misses"]
        t0 = time.monotonic()
        out = a.ctl("deploy", os.path.join(args.app, artifact), "--module",
                    "filter", "--version", version).stdout
        m = re.search(r"switch ([\d.]+) us", out)
        if not m:
            print("  update failed:", out.strip())
            continue
        switch.append(float(m.group(1)))
        carried += "state carried over" in out
        m = re.search(r"(\d+) period\(s\) missed at the switch", out)
        at_switch.append(int(m.group(1)) if m else 0)
        rest = window - (time.monotonic() - t0)
        if rest > 0:
            time.sleep(rest)
        upd_miss.append(task(a.status(), "sample")["misses"] - s0)
        w1 = a.value("windows")
        if w1 is None or w0 is None or w1 < w0:
            lost += 1
    st = a.status()
    print(f"  committed {len(switch)} of {args.updates}, state carried over "
          f"in {carried}, window count went back (state lost) {lost} times")
    if switch:
        print(f"  switch-over (exclusive section): min {min(switch):.1f} us, "
              f"median {statistics.median(switch):.1f} us, max "
              f"{max(switch):.1f} us")
    print(f"  periods any task missed at a switch (jobs released from one "
          f"deadline before the exclusive section to its end): "
          f"{sum(at_switch)} over {len(at_switch)} switches")
    print(f"  sampling task, missed 1 ms periods per {window} s window: "
          f"with an update {sum(upd_miss)} in {len(upd_miss)} windows "
          f"(max {max(upd_miss or [0])}), without {sum(base_miss)} in "
          f"{len(base_miss)} windows (max {max(base_miss or [0])})")
    probe_runs, probe_miss = platform_jitter(window * len(base_miss))
    print(f"  this machine, a bare 1 kHz clock_nanosleep loop for the same "
          f"time: {probe_miss} of {probe_runs} periods woken more than 1 ms "
          "late")
    s = task(st, "sample")
    print(f"  sampling task overall: {s['runs']} runs, {s['misses']} misses "
          f"({s['late_starts']} released after their deadline, "
          f"{s['overruns']} releases skipped, {s['late_ends']} late ends), "
          f"{s['interruptions']} stopped, p50 {s['latency_p50_ns']/1000:.1f} "
          f"us, p99 {s['latency_p99_ns']/1000:.1f} us, jitter p99 "
          f"{s['jitter_p99_ns']/1000:.1f} us")

    print("\n== Bad versions, rolled back")
    for artifact, what in (("filter_bad_health.kiln", "health check traps"),
                           ("filter_slow.kiln", "misses its deadline")):
        times = []
        for i in range(5):
            out = a.ctl("deploy", os.path.join(args.app, artifact), "--module",
                        "filter", "--version", f"bad.{i}").stderr
            m = re.search(r"was back ([\d.]+) us after the fault", out)
            if m:
                times.append(float(m.group(1)))
        running = all(m["state"] == "running" for m in a.status()["modules"])
        print(f"  {what}: rolled back {len(times)} of 5; fault to old version "
              f"back: median {statistics.median(times) if times else 0:.1f} "
              f"us, max {max(times or [0]):.1f} us; every module running "
              f"after: {running}")
    a.stop()


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--kiln", required=True, help="the full build's kiln")
    p.add_argument("--app", required=True, help="build/examples/sensor_app")
    p.add_argument("--runtime-kiln", help="this machine's runtime-only kiln")
    p.add_argument("--cross-kiln", action="append", default=[],
                   help="ARCH=PATH of a cross-built runtime-only kiln")
    p.add_argument("--wat2wasm", default=shutil.which("wat2wasm"))
    p.add_argument("--updates", type=int, default=20)
    p.add_argument("--seconds", type=float, default=10)
    args = p.parse_args()
    work = tempfile.mkdtemp(prefix="kiln-agent-bench.")
    try:
        if args.runtime_kiln or args.cross_kiln:
            footprint(args, work)
        updates(args, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
