;; simd_hot_shapes.wat - the SIMD shapes edge-analytics kernels live in.
;; tests/unit/simd_codegen_test.cc compiles this module for x86-64 and checks
;; that each function became a few native vector instructions, not per-lane
;; scalar code. Function indices matter: the test names them.
(module
  (memory 1)

  ;; 0: FIR inner loop, 4 outputs at a time:
  ;;    acc += x[i+k .. i+k+3] * splat(h[k])   for k in 0..taps
  (func (export "fir_f32x4") (param $x i32) (param $h i32) (param $taps i32)
        (result v128)
    (local $k i32) (local $acc v128)
    (block $done
      (loop $tap
        (br_if $done (i32.ge_u (local.get $k) (local.get $taps)))
        (local.set $acc
          (f32x4.add (local.get $acc)
            (f32x4.mul
              (v128.load (i32.add (local.get $x) (i32.shl (local.get $k) (i32.const 2))))
              (v128.load32_splat (i32.add (local.get $h) (i32.shl (local.get $k) (i32.const 2)))))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $tap)))
    (local.get $acc))

  ;; 1: interleave the low bytes of two vectors (punpcklbw)
  (func (export "interleave_lo_i8") (param v128 v128) (result v128)
    (i8x16.shuffle 0 16 1 17 2 18 3 19 4 20 5 21 6 22 7 23
      (local.get 0) (local.get 1)))

  ;; 2: reverse the bytes of one vector (pshufb with a constant mask)
  (func (export "reverse_i8") (param v128) (result v128)
    (i8x16.shuffle 15 14 13 12 11 10 9 8 7 6 5 4 3 2 1 0
      (local.get 0) (local.get 0)))

  ;; 3: broadcast lane 0 of an i32x4 (pshufd)
  (func (export "broadcast_i32") (param v128) (result v128)
    (i8x16.shuffle 0 1 2 3 0 1 2 3 0 1 2 3 0 1 2 3
      (local.get 0) (local.get 0)))

  ;; 4: a sliding window across two vectors, bytes 4..19 (palignr)
  (func (export "window_4") (param v128 v128) (result v128)
    (i8x16.shuffle 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19
      (local.get 0) (local.get 1)))

  ;; 5: i32x4.dot_i16x8_s (pmaddwd)
  (func (export "dot_i16x8") (param v128 v128) (result v128)
    (i32x4.dot_i16x8_s (local.get 0) (local.get 1)))

  ;; 6: f32x4 min with Wasm's NaN and signed-zero rules, vectorized
  (func (export "min_f32x4") (param v128 v128) (result v128)
    (f32x4.min (local.get 0) (local.get 1)))

  ;; 7: i8x16.swizzle (pshufb after saturating the indices)
  (func (export "swizzle") (param v128 v128) (result v128)
    (i8x16.swizzle (local.get 0) (local.get 1)))

  ;; 8: i8x16.bitmask (pmovmskb)
  (func (export "bitmask") (param v128) (result i32)
    (i8x16.bitmask (local.get 0)))
)
