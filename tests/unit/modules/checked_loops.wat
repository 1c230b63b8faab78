;; Loops whose memory accesses walk an address that is affine in the trip
;; number, in the shapes BoundsCheckVersioningPass versions in
;; bounds-checked mode: rising and falling, several widths and offsets, two
;; walks at once, an early exit that depends on the data, an access at a
;; loop-invariant address, an i64 counter wrapped to an address, and an
;; unsigned-compare exit. Every function takes its start address and trip
;; count as parameters, so a test can place the walk so that it stays
;; inside the memory, ends exactly at its edge, crosses it on any trip, or
;; wraps past 2^32; bounds_check_versioning_test runs each against a model.
;; store_strided walks with a step that is a parameter; reset and hash set
;; and read the memory for the tests.
(module
  (memory (export "memory") 1)

  ;; k = 0 .. n-1: i32 at p + 4k + 8 := v + k.
  (func (export "store_up4") (param $p i32) (param $n i32) (param $v i32)
    (local $k i32)
    (if (i32.eqz (local.get $n)) (then (return)))
    (loop $next
      (i32.store offset=8 (local.get $p) (i32.add (local.get $v) (local.get $k)))
      (local.set $p (i32.add (local.get $p) (i32.const 4)))
      (br_if $next (i32.ne (local.tee $k (i32.add (local.get $k) (i32.const 1)))
                           (local.get $n)))))

  ;; k = 0 .. n-1: i16 at p - 2k + 3 := v + k (falling, unaligned).
  (func (export "store_down2") (param $p i32) (param $n i32) (param $v i32)
    (local $k i32)
    (if (i32.eqz (local.get $n)) (then (return)))
    (loop $next
      (i32.store16 offset=3 (local.get $p) (i32.add (local.get $v) (local.get $k)))
      (local.set $p (i32.sub (local.get $p) (i32.const 2)))
      (br_if $next (i32.ne (local.tee $k (i32.add (local.get $k) (i32.const 1)))
                           (local.get $n)))))

  ;; The sum of the i64s at p + 8k, k = 0 .. n-1 (loads only).
  (func (export "sum_up8") (param $p i32) (param $n i32) (result i64)
    (local $k i32) (local $sum i64)
    (if (i32.eqz (local.get $n)) (then (return (i64.const 0))))
    (loop $next
      (local.set $sum (i64.add (local.get $sum) (i64.load (local.get $p))))
      (local.set $p (i32.add (local.get $p) (i32.const 8)))
      (br_if $next (i32.ne (local.tee $k (i32.add (local.get $k) (i32.const 1)))
                           (local.get $n))))
    (local.get $sum))

  ;; k = 0 .. n-1: byte at dst + k := byte at src + k + 1 (two walks).
  (func (export "copy_bytes") (param $dst i32) (param $src i32) (param $n i32)
    (local $k i32)
    (if (i32.eqz (local.get $n)) (then (return)))
    (loop $next
      (i32.store8 (i32.add (local.get $dst) (local.get $k))
                  (i32.load8_u offset=1 (i32.add (local.get $src) (local.get $k))))
      (br_if $next (i32.ne (local.tee $k (i32.add (local.get $k) (i32.const 1)))
                           (local.get $n)))))

  ;; k = 0 .. n-1 while the byte at p + k is not zero: byte at p + k + 16384
  ;; := that byte + 1. Returns the trips made. The data decides the exit,
  ;; so only a maximum trip count is known.
  (func (export "mark_until_zero") (param $p i32) (param $n i32) (result i32)
    (local $k i32) (local $b i32)
    (block $done
      (br_if $done (i32.eqz (local.get $n)))
      (loop $next
        (local.set $b (i32.load8_u (i32.add (local.get $p) (local.get $k))))
        (br_if $done (i32.eqz (local.get $b)))
        (i32.store8 offset=16384 (i32.add (local.get $p) (local.get $k))
                    (i32.add (local.get $b) (i32.const 1)))
        (br_if $next (i32.ne (local.tee $k (i32.add (local.get $k) (i32.const 1)))
                             (local.get $n)))))
    (local.get $k))

  ;; k = 0 .. n-1: i32 at q := k (the same address every trip), then the
  ;; byte at p + k := k.
  (func (export "store_invariant") (param $p i32) (param $q i32) (param $n i32)
    (local $k i32)
    (if (i32.eqz (local.get $n)) (then (return)))
    (loop $next
      (i32.store (local.get $q) (local.get $k))
      (i32.store8 (i32.add (local.get $p) (local.get $k)) (local.get $k))
      (br_if $next (i32.ne (local.tee $k (i32.add (local.get $k) (i32.const 1)))
                           (local.get $n)))))

  ;; An i64 counter j = p, p + 3, ... (n trips) wrapped to the address:
  ;; byte at wrap(j) := j.
  (func (export "store_i64_counter") (param $p i64) (param $n i32)
    (local $k i32) (local $j i64)
    (if (i32.eqz (local.get $n)) (then (return)))
    (local.set $j (local.get $p))
    (loop $next
      (i64.store8 (i32.wrap_i64 (local.get $j)) (local.get $j))
      (local.set $j (i64.add (local.get $j) (i64.const 3)))
      (br_if $next (i32.ne (local.tee $k (i32.add (local.get $k) (i32.const 1)))
                           (local.get $n)))))

  ;; while p <u end: i16 at p := p; p += 2.
  (func (export "store_until_end") (param $p i32) (param $end i32)
    (block $done
      (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
      (loop $next
        (i32.store16 (local.get $p) (local.get $p))
        (br_if $next (i32.lt_u (local.tee $p (i32.add (local.get $p) (i32.const 2)))
                               (local.get $end))))))
  ;; k = 0 .. n-1: i32 at p + k * step := v + k, the step a parameter
  ;; (any sign, zero, or too large for the pre-loop test to accept).
  (func (export "store_strided") (param $p i32) (param $step i32) (param $n i32) (param $v i32)
    (local $k i32)
    (if (i32.eqz (local.get $n)) (then (return)))
    (loop $next
      (i32.store (local.get $p) (i32.add (local.get $v) (local.get $k)))
      (local.set $p (i32.add (local.get $p) (local.get $step)))
      (br_if $next (i32.ne (local.tee $k (i32.add (local.get $k) (i32.const 1)))
                           (local.get $n)))))
  ;; The pattern every test starts from (mirrored in checked_loops_model.h):
  ;; xorshift32 from 0x2545f491, one step per byte; the byte is 0 when the
  ;; state is a multiple of 3000, else state % 255 + 1.
  (func (export "reset")
    (local $i i32) (local $x i32)
    (local.set $x (i32.const 0x2545f491))
    (loop $next
      (local.set $x (i32.xor (local.get $x) (i32.shl (local.get $x) (i32.const 13))))
      (local.set $x (i32.xor (local.get $x) (i32.shr_u (local.get $x) (i32.const 17))))
      (local.set $x (i32.xor (local.get $x) (i32.shl (local.get $x) (i32.const 5))))
      (i32.store8 (local.get $i)
        (select (i32.const 0)
                (i32.add (i32.rem_u (local.get $x) (i32.const 255)) (i32.const 1))
                (i32.eqz (i32.rem_u (local.get $x) (i32.const 3000)))))
      (br_if $next (i32.ne (local.tee $i (i32.add (local.get $i) (i32.const 1)))
                           (i32.const 65536)))))

  ;; FNV-1a (64-bit) over the memory's bytes.
  (func (export "hash") (result i64)
    (local $i i32) (local $h i64)
    (local.set $h (i64.const 0xcbf29ce484222325))
    (loop $next
      (local.set $h (i64.mul (i64.xor (local.get $h) (i64.load8_u (local.get $i)))
                             (i64.const 0x100000001b3)))
      (br_if $next (i32.ne (local.tee $i (i32.add (local.get $i) (i32.const 1)))
                           (i32.const 65536))))
    (local.get $h)))
