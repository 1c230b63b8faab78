;; Calls that never end by themselves, one per way a call can run long
;; (interrupt_test.cc stops each), and a few that end, to show that the
;; instance stays usable and that polls change no result.
(module
  (import "host" "tick" (func $tick (param i32) (result i32)))
  (import "host" "reenter" (func $reenter))
  (memory (export "memory") 256)
  (table 4 funcref)
  (elem (i32.const 0) $spin)

  ;; An endless loop.
  (func $spin (export "spin") (loop $l (br $l)))

  ;; Exponential recursion of shallow depth: no loop at all.
  (func $fib (export "fib") (param i32) (result i32)
    (if (result i32) (i32.lt_u (local.get 0) (i32.const 2))
      (then (local.get 0))
      (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                     (call $fib (i32.sub (local.get 0) (i32.const 2)))))))

  ;; One memory.fill of the whole 16 MiB memory, over and over.
  (func (export "fill_forever")
    (loop $l
      (memory.fill (i32.const 0) (i32.const 7) (i32.const 16777216))
      (br $l)))

  ;; One huge memory.fill: stopped inside the builtin, between chunks.
  (func (export "fill_once") (param i32)
    (memory.fill (i32.const 0) (local.get 0) (i32.const 16777216)))

  ;; A loop that only calls a host function.
  (func (export "host_loop") (local i32)
    (loop $l (local.set 0 (call $tick (local.get 0))) (br $l)))

  ;; A loop the vectorizer turns into SIMD code, inside an endless loop.
  (func $sum (export "sum") (param $n i32) (result i32) (local $i i32) (local $s i32)
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $s (i32.add (local.get $s)
                               (i32.load (i32.shl (local.get $i) (i32.const 2)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
    (local.get $s))
  (func (export "sum_forever") (local $acc i32)
    (loop $l
      (local.set $acc (i32.add (local.get $acc) (call $sum (i32.const 65536))))
      (br $l)))

  ;; Through a table: call_indirect of the endless loop.
  (func (export "spin_indirect") (call_indirect (i32.const 0)))

  ;; Back to the host, which calls spin again (nested calls).
  (func (export "nested") (call $reenter))

  ;; Short and finite: a constant 16-trip loop (left to the entry poll).
  (func (export "short") (result i32) (local $i i32) (local $s i32)
    (loop $l
      (local.set $s (i32.add (local.get $s) (local.get $i)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 16))))
    (local.get $s))
)
