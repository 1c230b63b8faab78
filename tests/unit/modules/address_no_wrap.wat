;; AddressNoWrapPass (compiler/codegen/address_no_wrap.h): an address that a
;; successful access dominates, within 64 KiB of it, is computed in 64 bits.
;; Each function pairs a shape the pass rewrites with inputs at which Wasm's
;; i32 address wraps, and the rest are shapes it must leave alone.
(module
  (memory (export "memory") 1)

  ;; clang's `Insn I = Program[Pc]` for an 8-byte {u8 Op; i32 Imm} at 1040:
  ;; the immediate at Pc*8 + 1044 is loaded first, then the opcode 4 below
  ;; it. Returns Op + Imm.
  (func (export "fetch") (param $pc i32) (result i32)
    (local $at i32) (local $imm i32)
    (local.set $at (i32.shl (local.get $pc) (i32.const 3)))
    (local.set $imm (i32.load (i32.add (local.get $at) (i32.const 1044))))
    (i32.add (i32.load8_u (i32.add (local.get $at) (i32.const 1040)))
             (local.get $imm)))

  ;; The same pair 8 bytes above $x: at $x = -8 the first access is at 0 and
  ;; the second at -4, which Wasm wraps to 0xfffffffc: out of bounds.
  (func (export "pair_below") (param $x i32) (result i32)
    (local $hi i32)
    (local.set $hi (i32.load (i32.add (local.get $x) (i32.const 8))))
    (i32.add (i32.load8_u (i32.add (local.get $x) (i32.const 4)))
             (local.get $hi)))

  ;; As pair_below, but the lower access carries offset=4: rebased, it would
  ;; read address 0 where Wasm's 0xfffffffc + 4 is past 4 GiB and traps.
  (func (export "pair_below_displaced") (param $x i32) (result i32)
    (local $hi i32)
    (local.set $hi (i32.load (i32.add (local.get $x) (i32.const 8))))
    (i32.add (i32.load8_u offset=4 (i32.add (local.get $x) (i32.const 4)))
             (local.get $hi)))

  ;; An access at $x, then one 4 above it.
  (func (export "pair_above") (param $x i32) (result i32)
    (local $lo i32)
    (local.set $lo (i32.load (local.get $x)))
    (i32.add (i32.load (i32.add (local.get $x) (i32.const 4)))
             (local.get $lo)))

  ;; No access before x + 4: at x = 0xfffffffc Wasm reads address 0.
  (func (export "unproven") (param $x i32) (result i32)
    (i32.load (i32.add (local.get $x) (i32.const 4))))

  ;; An access at x only on one path: it proves nothing after the join.
  (func (export "not_dominating") (param $c i32) (param $x i32) (result i32)
    (local $sum i32)
    (if (local.get $c)
      (then (local.set $sum (i32.load (local.get $x)))))
    (i32.add (local.get $sum)
             (i32.load (i32.add (local.get $x) (i32.const 4)))))

  ;; clang's `while (*p < v) ++p;`: the pointer steps by 4 after each access.
  ;; Returns where it stopped.
  (func (export "scan") (param $p i32) (param $v i32) (result i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (i32.load (local.get $p)) (local.get $v)))
        (local.set $p (i32.add (local.get $p) (i32.const 4)))
        (br $next)))
    (local.get $p))

  ;; A quicksort partition's scans, `while (A[i] < v) ++i` and
  ;; `while (A[j] > v) --j`, with A at 4096: the address is 4096 + 4*i, a
  ;; recurrence of the index rather than a pointer of its own. Return where
  ;; they stopped.
  (func (export "scan_up") (param $i i32) (param $v i32) (result i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (i32.load (i32.add (i32.shl (local.get $i) (i32.const 2))
                                                  (i32.const 4096)))
                               (local.get $v)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $i))
  (func (export "scan_down") (param $j i32) (param $v i32) (result i32)
    (block $done
      (loop $next
        (br_if $done (i32.le_u (i32.load (i32.add (i32.shl (local.get $j) (i32.const 2))
                                                  (i32.const 4096)))
                               (local.get $v)))
        (local.set $j (i32.sub (local.get $j) (i32.const 1)))
        (br $next)))
    (local.get $j))
)
