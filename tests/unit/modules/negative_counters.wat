;; Loops in the shape clang's wasm32 backend emits: an index counting from a
;; negative number up to zero, plus the array's address. SignedIndexPass
;; must turn the address into base + i + constant (no 32-bit mask), and must
;; leave alone an index whose sum can go below zero, which Wasm wraps to an
;; address near 4 GiB: that access traps.
(module
  (memory (export "memory") 1)

  ;; A byte histogram (like bench/kernels/histogram_random.c): the 4096
  ;; bytes at 16384..20479 counted into 256 i32 bins at 0..1023, four per
  ;; trip as clang unrolls it. $i runs -4096, -4092, ..., -4.
  (func (export "count_bytes")
    (local $i i32) (local $bin i32)
    (local.set $i (i32.const -4096))
    (loop $next
      (local.set $bin
        (i32.shl (i32.load8_u (i32.add (local.get $i) (i32.const 20480)))
                 (i32.const 2)))
      (i32.store (local.get $bin)
                 (i32.add (i32.load (local.get $bin)) (i32.const 1)))
      (local.set $bin
        (i32.shl (i32.load8_u (i32.add (local.get $i) (i32.const 20481)))
                 (i32.const 2)))
      (i32.store (local.get $bin)
                 (i32.add (i32.load (local.get $bin)) (i32.const 1)))
      (local.set $bin
        (i32.shl (i32.load8_u (i32.add (local.get $i) (i32.const 20482)))
                 (i32.const 2)))
      (i32.store (local.get $bin)
                 (i32.add (i32.load (local.get $bin)) (i32.const 1)))
      (local.set $bin
        (i32.shl (i32.load8_u (i32.add (local.get $i) (i32.const 20483)))
                 (i32.const 2)))
      (i32.store (local.get $bin)
                 (i32.add (i32.load (local.get $bin)) (i32.const 1)))
      (br_if $next
        (local.tee $i (i32.add (local.get $i) (i32.const 4))))))

  ;; The same walk 16 bytes too low: the first index, -4096 + 4080, wraps
  ;; to 0xfffffff0, out of bounds.
  (func (export "count_from_below_zero")
    (local $i i32) (local $bin i32)
    (local.set $i (i32.const -4096))
    (loop $next
      (local.set $bin
        (i32.shl (i32.load8_u (i32.add (local.get $i) (i32.const 4080)))
                 (i32.const 2)))
      (i32.store (local.get $bin)
                 (i32.add (i32.load (local.get $bin)) (i32.const 1)))
      (local.set $bin
        (i32.shl (i32.load8_u (i32.add (local.get $i) (i32.const 4081)))
                 (i32.const 2)))
      (i32.store (local.get $bin)
                 (i32.add (i32.load (local.get $bin)) (i32.const 1)))
      (local.set $bin
        (i32.shl (i32.load8_u (i32.add (local.get $i) (i32.const 4082)))
                 (i32.const 2)))
      (i32.store (local.get $bin)
                 (i32.add (i32.load (local.get $bin)) (i32.const 1)))
      (local.set $bin
        (i32.shl (i32.load8_u (i32.add (local.get $i) (i32.const 4083)))
                 (i32.const 2)))
      (i32.store (local.get $bin)
                 (i32.add (i32.load (local.get $bin)) (i32.const 1)))
      (br_if $next
        (local.tee $i (i32.add (local.get $i) (i32.const 4)))))))
