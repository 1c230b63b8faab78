;; Loops that shift state along a chain of locals, as SHA-2's round loop
;; does (d = c; c = b; b = a; a = new). ShiftRegisterUnrollPass must unroll
;; them by the chain's length (4) without changing what they compute.
(module
  ;; The new link: enough work (about SHA-256's) that LLVM's own partial
  ;; unrolling leaves the loop alone. Inlined into both loops.
  (func $mix (param $a i32) (param $b i32) (param $c i32) (param $d i32)
             (param $i i32) (result i32)
    (i32.xor
      (i32.add
        (i32.add
          (i32.rotl (i32.xor (local.get $a) (local.get $d)) (i32.const 5))
          (i32.add (i32.mul (local.get $b) (i32.const 3)) (local.get $i)))
        (i32.add
          (i32.xor (i32.xor (i32.rotl (local.get $c) (i32.const 7))
                            (i32.rotl (local.get $c) (i32.const 18)))
                   (i32.shr_u (local.get $c) (i32.const 3)))
          (i32.xor (i32.xor (i32.rotl (local.get $b) (i32.const 17))
                            (i32.rotl (local.get $b) (i32.const 19)))
                   (i32.shr_u (local.get $b) (i32.const 10)))))
      (i32.or (i32.and (local.get $a) (local.get $b))
              (i32.and (local.get $c) (local.get $d)))))

  ;; 64 trips, known at compile time; the state starts from the arguments.
  (func (export "rotate_64")
    (param $a i32) (param $b i32) (param $c i32) (param $d i32) (result i32)
    (local $i i32) (local $t i32)
    (loop $next
      (local.set $t (call $mix (local.get $a) (local.get $b) (local.get $c)
                                (local.get $d) (local.get $i)))
      (local.set $d (local.get $c))
      (local.set $c (local.get $b))
      (local.set $b (local.get $a))
      (local.set $a (local.get $t))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $next (i32.lt_u (local.get $i) (i32.const 64))))
    (i32.xor (i32.xor (local.get $a) (i32.rotl (local.get $b) (i32.const 8)))
             (i32.xor (i32.rotl (local.get $c) (i32.const 16))
                      (i32.rotl (local.get $d) (i32.const 24)))))

  ;; The same body, $n trips (0 included): the unrolled loop needs a
  ;; remainder for counts that are not a multiple of 4.
  (func (export "rotate_n")
    (param $a i32) (param $b i32) (param $c i32) (param $d i32) (param $n i32)
    (result i32)
    (local $i i32) (local $t i32)
    (block $done
      (br_if $done (i32.eqz (local.get $n)))
      (loop $next
        (local.set $t (call $mix (local.get $a) (local.get $b) (local.get $c)
                                  (local.get $d) (local.get $i)))
        (local.set $d (local.get $c))
        (local.set $c (local.get $b))
        (local.set $b (local.get $a))
        (local.set $a (local.get $t))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $next (i32.lt_u (local.get $i) (local.get $n)))))
    (i32.xor (i32.xor (local.get $a) (i32.rotl (local.get $b) (i32.const 8)))
             (i32.xor (i32.rotl (local.get $c) (i32.const 16))
                      (i32.rotl (local.get $d) (i32.const 24))))))
