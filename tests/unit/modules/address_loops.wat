;; Loops whose i32 address is loop-carried (a phi), the shape of `*p++`.
;; tests/unit/address_phis_test.cc checks the x86-64 code (no 32-bit
;; register copy to zero-extend the address in the loop) and the results,
;; including an address that wraps from 0xffffffff to 0 inside the loop.
(module
  (memory (export "memory") 1)
  ;; sum of the bytes from p up to the first zero byte, in the shape
  ;; clang-19 gives `while (*p) sum += *p++;` (the next byte is read at
  ;; offset 1 from p before p moves); the data-dependent exit keeps it scalar
  (func (export "sum_until_zero") (param $p i32) (result i32)
    (local $sum i32) (local $b i32)
    local.get $p
    i32.load8_u
    local.tee $b
    i32.eqz
    if
      i32.const 0
      return
    end
    loop $next
      local.get $sum
      local.get $b
      i32.add
      local.set $sum
      local.get $p
      i32.load8_u offset=1
      local.set $b
      local.get $p
      i32.const 1
      i32.add
      local.set $p
      local.get $b
      br_if $next
    end
    local.get $sum)
  ;; p runs from $start for $n steps, wrapping at 2^32; bytes at p < 64 are
  ;; summed, so starting at 0xfffffffc sums bytes 0..(n-5).
  (func (export "sum_wrapping") (param $p i32) (param $n i32) (result i32)
    (local $sum i32)
    loop $next
      local.get $p
      i32.const 64
      i32.lt_u
      if
        local.get $sum
        local.get $p
        i32.load8_u
        i32.add
        local.set $sum
      end
      local.get $p
      i32.const 1
      i32.add
      local.set $p
      local.get $n
      i32.const 1
      i32.sub
      local.tee $n
      br_if $next
    end
    local.get $sum))
