;; The module kiln-call-hygiene calls 10^6 times per way (call_hygiene.cc):
;; a short loop over linear memory, and a loop that calls a typed host
;; function. `fill` sets the memory up once, outside the measured calls.
(module
  (import "host" "mix" (func $mix (param i32) (result i32)))
  (memory (export "memory") 1 1)
  ;; word[i] = (i + 1) * 0x9e3779b1 for i in [0, n)
  (func (export "fill") (param $n i32)
    (local $i i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (i32.store (i32.shl (local.get $i) (i32.const 2))
                   (i32.mul (i32.add (local.get $i) (i32.const 1))
                            (i32.const 0x9e3779b1)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next))))
  ;; FNV-1a over the words [0, n): the measured kernel.
  (func (export "hash") (param $n i32) (result i32)
    (local $i i32) (local $h i32)
    (local.set $h (i32.const 0x811c9dc5))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $h
          (i32.mul (i32.xor (local.get $h)
                            (i32.load (i32.shl (local.get $i) (i32.const 2))))
                   (i32.const 0x01000193)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $h))
  ;; v = mix(v + i) for i in [0, n): n calls Wasm -> host per call.
  (func (export "host_loop") (param $n i32) (result i32)
    (local $i i32) (local $v i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $v (call $mix (i32.add (local.get $v) (local.get $i))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $v)))
