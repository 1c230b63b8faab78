#!/usr/bin/env python3
"""Writes the pathological (but valid, or just over a limit) modules of the
limits tests, so that no large binary is checked in.

  gen_wasm.py OUT.wasm params N [FUNCS]  one type of N i32 params, FUNCS
                                         (default 1) empty functions of it
  gen_wasm.py OUT.wasm results N         one function returning N i32s
  gen_wasm.py OUT.wasm types N           N ()->() types, one function
  gen_wasm.py OUT.wasm funcs N           N empty ()->() functions
  gen_wasm.py OUT.wasm tables N ELEMS    N funcref tables of ELEMS elements
  gen_wasm.py OUT.wasm grow PAGES [MAX]  a memory of PAGES pages (max MAX)
                                         and grow(delta) -> memory.grow
  gen_wasm.py OUT.wasm tablegrow ELEMS   a table of ELEMS elements and
                                         grow(delta) -> table.grow

Every module exports a function "f" (no params, no results, except for the
params/results modules, where it is function 0 as declared) except grow's.
"""
import sys


def uleb(v):
    out = bytearray()
    while True:
        b = v & 0x7F
        v >>= 7
        if v:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def vec(items):
    return uleb(len(items)) + b"".join(items)


def section(sid, payload):
    return bytes([sid]) + uleb(len(payload)) + payload


def name(s):
    b = s.encode()
    return uleb(len(b)) + b


I32 = b"\x7f"
FUNCREF = b"\x70"


def functype(params, results):
    return b"\x60" + vec([I32] * params) + vec([I32] * results)


def body(code):
    payload = b"\x00" + code + b"\x0b"  # no locals
    return uleb(len(payload)) + payload


def module(types, funcs, bodies, exports=(), tables=(), memories=()):
    out = b"\x00asm\x01\x00\x00\x00"
    out += section(1, vec(types))
    out += section(3, vec([uleb(t) for t in funcs]))
    if tables:
        out += section(4, vec(list(tables)))
    if memories:
        out += section(5, vec(list(memories)))
    if exports:
        out += section(7, vec([name(n) + b"\x00" + uleb(i) for n, i in exports]))
    out += section(10, vec(bodies))
    return out


def limits(lo, hi=None):
    return (b"\x00" + uleb(lo)) if hi is None else (b"\x01" + uleb(lo) + uleb(hi))


def build(kind, args):
    if kind == "params":
        n, funcs = args[0], (args[1] if len(args) > 1 else 1)
        return module([functype(n, 0)], [0] * funcs, [body(b"")] * funcs,
                      [("f", 0)])
    if kind == "results":
        n = args[0]
        code = b"\x41\x00" * n  # i32.const 0
        return module([functype(0, n)], [0], [body(code)], [("f", 0)])
    if kind == "types":
        n = args[0]
        return module([functype(0, 0)] * n, [0], [body(b"")], [("f", 0)])
    if kind == "funcs":
        n = args[0]
        return module([functype(0, 0)], [0] * n, [body(b"")] * n, [("f", 0)])
    if kind == "tables":
        n, elems = args
        return module([functype(0, 0)], [0], [body(b"")], [("f", 0)],
                      tables=[FUNCREF + limits(elems)] * n)
    if kind == "grow":
        pages = args[0]
        mem = limits(pages, args[1]) if len(args) > 1 else limits(pages)
        # (func (param i32) (result i32) local.get 0 memory.grow 0)
        code = b"\x20\x00\x40\x00"
        return module([functype(1, 1)], [0], [body(code)], [("grow", 0)],
                      memories=[mem])
    if kind == "tablegrow":
        elems = args[0]
        # (func (param i32) (result i32) ref.null func local.get 0 table.grow 0)
        code = b"\xd0\x70\x20\x00\xfc\x0f\x00"
        return module([functype(1, 1)], [0], [body(code)], [("grow", 0)],
                      tables=[FUNCREF + limits(elems)])
    raise SystemExit("unknown kind " + kind)


def main():
    if len(sys.argv) < 4:
        raise SystemExit(__doc__)
    out, kind = sys.argv[1], sys.argv[2]
    data = build(kind, [int(a) for a in sys.argv[3:]])
    with open(out, "wb") as f:
        f.write(data)


if __name__ == "__main__":
    main()
