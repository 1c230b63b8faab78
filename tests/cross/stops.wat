;; Calls that never end by themselves, for `kiln run --timeout` on every
;; target (tests/cross/stops.sh): each must end with "interrupted: deadline
;; exceeded". The host loop calls a real host function (WASI's clock).
(module
  (import "wasi_snapshot_preview1" "clock_time_get"
    (func $clock (param i32 i64 i32) (result i32)))
  (memory (export "memory") 256)
  (table 1 funcref)
  (elem (i32.const 0) $spin)
  (func $spin (export "spin") (loop $l (br $l)))
  (func $fib (export "fib") (param i32) (result i32)
    (if (result i32) (i32.lt_u (local.get 0) (i32.const 2))
      (then (local.get 0))
      (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                     (call $fib (i32.sub (local.get 0) (i32.const 2)))))))
  (func (export "fill_forever")
    (loop $l
      (memory.fill (i32.const 0) (i32.const 7) (i32.const 16777216))
      (br $l)))
  (func (export "host_loop")
    (loop $l
      (drop (call $clock (i32.const 1) (i64.const 0) (i32.const 0)))
      (br $l)))
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
  (func (export "spin_indirect") (call_indirect (i32.const 0)))
)
