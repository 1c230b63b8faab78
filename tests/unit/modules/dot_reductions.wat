;; Integer dot products in the shape clang-19 -msimd128 gives
;; `for (i = 0; i < 16; ++i) sum += (int)a[i] * (int)b[i]` over int8 (four
;; extend + extmul groups on shuffled quarters, then a shuffle/add horizontal
;; sum), and near misses that must not be rewritten to one dot product.
;; tests/unit/dot_reduction_test.cc checks the code and the results.
(module
  (memory (export "memory") 1)
  (func (export "dot_i8x16") (param $a i32) (param $b i32) (result i32)
    (local $va v128) (local $vb v128) (local $s v128)
      local.get $a
      v128.load
      local.set $va
      local.get $b
      v128.load
      local.set $vb
      local.get $va
      i16x8.extend_low_i8x16_s
      local.get $vb
      i16x8.extend_low_i8x16_s
      i32x4.extmul_low_i16x8_s
      local.get $va
      local.get $va
      i8x16.shuffle 8 9 10 11 0 0 0 0 0 0 0 0 0 0 0 0
      i16x8.extend_low_i8x16_s
      local.get $vb
      local.get $va
      i8x16.shuffle 8 9 10 11 0 0 0 0 0 0 0 0 0 0 0 0
      i16x8.extend_low_i8x16_s
      i32x4.extmul_low_i16x8_s
      i32x4.add
      local.get $va
      local.get $va
      i8x16.shuffle 4 5 6 7 0 0 0 0 0 0 0 0 0 0 0 0
      i16x8.extend_low_i8x16_s
      local.get $vb
      local.get $va
      i8x16.shuffle 4 5 6 7 0 0 0 0 0 0 0 0 0 0 0 0
      i16x8.extend_low_i8x16_s
      i32x4.extmul_low_i16x8_s
      i32x4.add
      local.get $va
      local.get $va
      i8x16.shuffle 12 13 14 15 0 0 0 0 0 0 0 0 0 0 0 0
      i16x8.extend_low_i8x16_s
      local.get $vb
      local.get $va
      i8x16.shuffle 12 13 14 15 0 0 0 0 0 0 0 0 0 0 0 0
      i16x8.extend_low_i8x16_s
      i32x4.extmul_low_i16x8_s
      i32x4.add
      local.tee $s
      local.get $s
      local.get $s
      i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 0 1 2 3
      i32x4.add
      local.set $s
      local.get $s
      local.get $s
      local.get $s
      i8x16.shuffle 4 5 6 7 0 1 2 3 0 1 2 3 0 1 2 3
      i32x4.add
      i32x4.extract_lane 0
  )
;; b's lanes reversed first: a[i] * b[15 - i]
  (func (export "dot_i8x16_reversed") (param $a i32) (param $b i32) (result i32)
    (local $va v128) (local $vb v128) (local $s v128)
      local.get $a
      v128.load
      local.set $va
      local.get $b
      v128.load
      local.set $vb
      local.get $vb
      local.get $vb
      i8x16.shuffle 15 14 13 12 11 10 9 8 7 6 5 4 3 2 1 0
      local.set $vb
      local.get $va
      i16x8.extend_low_i8x16_s
      local.get $vb
      i16x8.extend_low_i8x16_s
      i32x4.extmul_low_i16x8_s
      local.get $va
      local.get $va
      i8x16.shuffle 8 9 10 11 0 0 0 0 0 0 0 0 0 0 0 0
      i16x8.extend_low_i8x16_s
      local.get $vb
      local.get $va
      i8x16.shuffle 8 9 10 11 0 0 0 0 0 0 0 0 0 0 0 0
      i16x8.extend_low_i8x16_s
      i32x4.extmul_low_i16x8_s
      i32x4.add
      local.get $va
      local.get $va
      i8x16.shuffle 4 5 6 7 0 0 0 0 0 0 0 0 0 0 0 0
      i16x8.extend_low_i8x16_s
      local.get $vb
      local.get $va
      i8x16.shuffle 4 5 6 7 0 0 0 0 0 0 0 0 0 0 0 0
      i16x8.extend_low_i8x16_s
      i32x4.extmul_low_i16x8_s
      i32x4.add
      local.get $va
      local.get $va
      i8x16.shuffle 12 13 14 15 0 0 0 0 0 0 0 0 0 0 0 0
      i16x8.extend_low_i8x16_s
      local.get $vb
      local.get $va
      i8x16.shuffle 12 13 14 15 0 0 0 0 0 0 0 0 0 0 0 0
      i16x8.extend_low_i8x16_s
      i32x4.extmul_low_i16x8_s
      i32x4.add
      local.tee $s
      local.get $s
      local.get $s
      i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 0 1 2 3
      i32x4.add
      local.set $s
      local.get $s
      local.get $s
      local.get $s
      i8x16.shuffle 4 5 6 7 0 1 2 3 0 1 2 3 0 1 2 3
      i32x4.add
      i32x4.extract_lane 0
  )
;; lanes 12..15 left out: not a full dot product
  (func (export "partial_i8x12") (param $a i32) (param $b i32) (result i32)
    (local $va v128) (local $vb v128) (local $s v128)
      local.get $a
      v128.load
      local.set $va
      local.get $b
      v128.load
      local.set $vb
      local.get $va
      i16x8.extend_low_i8x16_s
      local.get $vb
      i16x8.extend_low_i8x16_s
      i32x4.extmul_low_i16x8_s
      local.get $va
      local.get $va
      i8x16.shuffle 8 9 10 11 0 0 0 0 0 0 0 0 0 0 0 0
      i16x8.extend_low_i8x16_s
      local.get $vb
      local.get $va
      i8x16.shuffle 8 9 10 11 0 0 0 0 0 0 0 0 0 0 0 0
      i16x8.extend_low_i8x16_s
      i32x4.extmul_low_i16x8_s
      i32x4.add
      local.get $va
      local.get $va
      i8x16.shuffle 4 5 6 7 0 0 0 0 0 0 0 0 0 0 0 0
      i16x8.extend_low_i8x16_s
      local.get $vb
      local.get $va
      i8x16.shuffle 4 5 6 7 0 0 0 0 0 0 0 0 0 0 0 0
      i16x8.extend_low_i8x16_s
      i32x4.extmul_low_i16x8_s
      i32x4.add
      local.tee $s
      local.get $s
      local.get $s
      i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 0 1 2 3
      i32x4.add
      local.set $s
      local.get $s
      local.get $s
      local.get $s
      i8x16.shuffle 4 5 6 7 0 1 2 3 0 1 2 3 0 1 2 3
      i32x4.add
      i32x4.extract_lane 0
  )
;; lanes 0..3 counted twice, 12..15 never
  (func (export "twice_i8x16") (param $a i32) (param $b i32) (result i32)
    (local $va v128) (local $vb v128) (local $s v128)
      local.get $a
      v128.load
      local.set $va
      local.get $b
      v128.load
      local.set $vb
      local.get $va
      i16x8.extend_low_i8x16_s
      local.get $vb
      i16x8.extend_low_i8x16_s
      i32x4.extmul_low_i16x8_s
      local.get $va
      local.get $va
      i8x16.shuffle 8 9 10 11 0 0 0 0 0 0 0 0 0 0 0 0
      i16x8.extend_low_i8x16_s
      local.get $vb
      local.get $va
      i8x16.shuffle 8 9 10 11 0 0 0 0 0 0 0 0 0 0 0 0
      i16x8.extend_low_i8x16_s
      i32x4.extmul_low_i16x8_s
      i32x4.add
      local.get $va
      local.get $va
      i8x16.shuffle 4 5 6 7 0 0 0 0 0 0 0 0 0 0 0 0
      i16x8.extend_low_i8x16_s
      local.get $vb
      local.get $va
      i8x16.shuffle 4 5 6 7 0 0 0 0 0 0 0 0 0 0 0 0
      i16x8.extend_low_i8x16_s
      i32x4.extmul_low_i16x8_s
      i32x4.add
      local.get $va
      i16x8.extend_low_i8x16_s
      local.get $vb
      i16x8.extend_low_i8x16_s
      i32x4.extmul_low_i16x8_s
      i32x4.add
      local.tee $s
      local.get $s
      local.get $s
      i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 0 1 2 3
      i32x4.add
      local.set $s
      local.get $s
      local.get $s
      local.get $s
      i8x16.shuffle 4 5 6 7 0 1 2 3 0 1 2 3 0 1 2 3
      i32x4.add
      i32x4.extract_lane 0
  )
;; the partial sum is also stored: the tree is not private
  (func (export "dot_i8x16_partial_stored") (param $a i32) (param $b i32) (param $out i32) (result i32)
    (local $va v128) (local $vb v128) (local $s v128)
      local.get $a
      v128.load
      local.set $va
      local.get $b
      v128.load
      local.set $vb
      local.get $va
      i16x8.extend_low_i8x16_s
      local.get $vb
      i16x8.extend_low_i8x16_s
      i32x4.extmul_low_i16x8_s
      local.get $va
      local.get $va
      i8x16.shuffle 8 9 10 11 0 0 0 0 0 0 0 0 0 0 0 0
      i16x8.extend_low_i8x16_s
      local.get $vb
      local.get $va
      i8x16.shuffle 8 9 10 11 0 0 0 0 0 0 0 0 0 0 0 0
      i16x8.extend_low_i8x16_s
      i32x4.extmul_low_i16x8_s
      i32x4.add
      local.get $va
      local.get $va
      i8x16.shuffle 4 5 6 7 0 0 0 0 0 0 0 0 0 0 0 0
      i16x8.extend_low_i8x16_s
      local.get $vb
      local.get $va
      i8x16.shuffle 4 5 6 7 0 0 0 0 0 0 0 0 0 0 0 0
      i16x8.extend_low_i8x16_s
      i32x4.extmul_low_i16x8_s
      i32x4.add
      local.get $va
      local.get $va
      i8x16.shuffle 12 13 14 15 0 0 0 0 0 0 0 0 0 0 0 0
      i16x8.extend_low_i8x16_s
      local.get $vb
      local.get $va
      i8x16.shuffle 12 13 14 15 0 0 0 0 0 0 0 0 0 0 0 0
      i16x8.extend_low_i8x16_s
      i32x4.extmul_low_i16x8_s
      i32x4.add
      local.tee $s
      local.get $s
      local.get $s
      i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 0 1 2 3
      i32x4.add
      local.set $s
      local.get $out
      local.get $s
      v128.store
      local.get $s
      local.get $s
      local.get $s
      i8x16.shuffle 4 5 6 7 0 1 2 3 0 1 2 3 0 1 2 3
      i32x4.add
      i32x4.extract_lane 0
  )
)
