;; ByteGatherPass (compiler/codegen/byte_gather.h) and
;; LaneInductionUnrollPass (compiler/codegen/lane_induction_unroll.h): a
;; v128 assembled from byte loads of one 16-byte window becomes one load and
;; a shuffle. Each function stores what it gathers at $dst, so the tests
;; read the result from memory, and gathers from $p, where the tests put
;; the window at the end of memory or past it to see it trap where Wasm
;; does.
(module
  (memory (export "memory") 1)
  ;; For the scripted runs (tests/cross/byte_gather_asserts.wast), which
  ;; cannot fill memory from the host: the first and last 64 bytes each
  ;; hold the low byte of their address. (The unit tests overwrite them.)
  (data (i32.const 0)
    "\00\01\02\03\04\05\06\07\08\09\0a\0b\0c\0d\0e\0f\10\11\12\13\14\15\16\17\18\19\1a\1b\1c\1d\1e\1f"
    "\20\21\22\23\24\25\26\27\28\29\2a\2b\2c\2d\2e\2f\30\31\32\33\34\35\36\37\38\39\3a\3b\3c\3d\3e\3f")
  (data (i32.const 65472)
    "\c0\c1\c2\c3\c4\c5\c6\c7\c8\c9\ca\cb\cc\cd\ce\cf\d0\d1\d2\d3\d4\d5\d6\d7\d8\d9\da\db\dc\dd\de\df"
    "\e0\e1\e2\e3\e4\e5\e6\e7\e8\e9\ea\eb\ec\ed\ee\ef\f0\f1\f2\f3\f4\f5\f6\f7\f8\f9\fa\fb\fc\fd\fe\ff")

  ;; clang -msimd128's big-endian words (SHA-256's message schedule):
  ;; byte k of lane l is p[4l + k], gathered by v128.load8_lane into four
  ;; vectors, widened, shifted into place and or-ed.
  (func (export "be_words") (param $p i32) (param $dst i32)
    (v128.store (local.get $dst)
      (v128.or
        (v128.or
          (i32x4.shl
            (v128.load8_lane 12 (i32.add (local.get $p) (i32.const 12))
              (v128.load8_lane 8 (i32.add (local.get $p) (i32.const 8))
                (v128.load8_lane 4 (i32.add (local.get $p) (i32.const 4))
                  (v128.load8_splat (i32.add (local.get $p) (i32.const 0))))))
            (i32.const 24))
          (i32x4.shl
            (i32x4.extend_low_i16x8_u (i16x8.extend_low_i8x16_u
            (v128.load8_lane 3 (i32.add (local.get $p) (i32.const 13))
              (v128.load8_lane 2 (i32.add (local.get $p) (i32.const 9))
                (v128.load8_lane 1 (i32.add (local.get $p) (i32.const 5))
                  (v128.load8_splat (i32.add (local.get $p) (i32.const 1))))))))
            (i32.const 16)))
        (v128.or
          (i32x4.shl
            (i32x4.extend_low_i16x8_u (i16x8.extend_low_i8x16_u
            (v128.load8_lane 3 (i32.add (local.get $p) (i32.const 14))
              (v128.load8_lane 2 (i32.add (local.get $p) (i32.const 10))
                (v128.load8_lane 1 (i32.add (local.get $p) (i32.const 6))
                  (v128.load8_splat (i32.add (local.get $p) (i32.const 2))))))))
            (i32.const 8))
          (i32x4.extend_low_i16x8_u (i16x8.extend_low_i8x16_u
            (v128.load8_lane 3 (i32.add (local.get $p) (i32.const 15))
              (v128.load8_lane 2 (i32.add (local.get $p) (i32.const 11))
                (v128.load8_lane 1 (i32.add (local.get $p) (i32.const 7))
                  (v128.load8_splat (i32.add (local.get $p) (i32.const 3))))))))))))

  ;; The same as clang emits it for a loop over 64 bytes: the lane indices
  ;; are a vector induction <0, 1, 2, 3> + 4 per trip, and each address is
  ;; an extracted lane.
  (func (export "be_words_loop") (param $p i32) (param $dst i32)
    (local $lanes v128) (local $i i32) (local $x4 v128)
    (local $x0 v128) (local $x1 v128) (local $x2 v128) (local $x3 v128)
    (local.set $lanes (v128.const i32x4 0 1 2 3))
    (loop $next
      (local.set $x4 (i32x4.shl (local.get $lanes) (i32.const 2)))
      (local.set $x0 (local.get $x4))
      (local.set $x1 (v128.or (local.get $x4) (v128.const i32x4 1 1 1 1)))
      (local.set $x2 (v128.or (local.get $x4) (v128.const i32x4 2 2 2 2)))
      (local.set $x3 (v128.or (local.get $x4) (v128.const i32x4 3 3 3 3)))
      (v128.store (i32.add (local.get $dst) (local.get $i))
        (v128.or
          (v128.or
            (i32x4.shl
              (v128.load8_lane 12 (i32.add (local.get $p) (i32x4.extract_lane 3 (local.get $x0)))
                (v128.load8_lane 8 (i32.add (local.get $p) (i32x4.extract_lane 2 (local.get $x0)))
                  (v128.load8_lane 4 (i32.add (local.get $p) (i32x4.extract_lane 1 (local.get $x0)))
                    (v128.load8_splat (i32.add (local.get $p) (i32x4.extract_lane 0 (local.get $x0)))))))
              (i32.const 24))
            (i32x4.shl
              (i32x4.extend_low_i16x8_u (i16x8.extend_low_i8x16_u
              (v128.load8_lane 3 (i32.add (local.get $p) (i32x4.extract_lane 3 (local.get $x1)))
                (v128.load8_lane 2 (i32.add (local.get $p) (i32x4.extract_lane 2 (local.get $x1)))
                  (v128.load8_lane 1 (i32.add (local.get $p) (i32x4.extract_lane 1 (local.get $x1)))
                    (v128.load8_splat (i32.add (local.get $p) (i32x4.extract_lane 0 (local.get $x1)))))))))
              (i32.const 16)))
          (v128.or
            (i32x4.shl
              (i32x4.extend_low_i16x8_u (i16x8.extend_low_i8x16_u
              (v128.load8_lane 3 (i32.add (local.get $p) (i32x4.extract_lane 3 (local.get $x2)))
                (v128.load8_lane 2 (i32.add (local.get $p) (i32x4.extract_lane 2 (local.get $x2)))
                  (v128.load8_lane 1 (i32.add (local.get $p) (i32x4.extract_lane 1 (local.get $x2)))
                    (v128.load8_splat (i32.add (local.get $p) (i32x4.extract_lane 0 (local.get $x2)))))))))
              (i32.const 8))
            (i32x4.extend_low_i16x8_u (i16x8.extend_low_i8x16_u
              (v128.load8_lane 3 (i32.add (local.get $p) (i32x4.extract_lane 3 (local.get $x3)))
                (v128.load8_lane 2 (i32.add (local.get $p) (i32x4.extract_lane 2 (local.get $x3)))
                  (v128.load8_lane 1 (i32.add (local.get $p) (i32x4.extract_lane 1 (local.get $x3)))
                    (v128.load8_splat (i32.add (local.get $p) (i32x4.extract_lane 0 (local.get $x3))))))))))))
      (local.set $lanes
        (i32x4.add (local.get $lanes) (v128.const i32x4 4 4 4 4)))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (br_if $next (i32.ne (local.get $i) (i32.const 64)))))

  ;; The window backwards, byte j from p[15 - j], bytes 1, 3, ... 13 cleared
  ;; by a mask: a shuffle with zeros. (LLVM drops the cleared lanes' loads;
  ;; p[0] and p[15] still bound the window.)
  (func (export "reverse_masked") (param $p i32) (param $dst i32)
    (v128.store (local.get $dst)
      (v128.and
        (v128.load8_lane 15 (i32.add (local.get $p) (i32.const 0))
        (v128.load8_lane 14 (i32.add (local.get $p) (i32.const 1))
        (v128.load8_lane 13 (i32.add (local.get $p) (i32.const 2))
        (v128.load8_lane 12 (i32.add (local.get $p) (i32.const 3))
        (v128.load8_lane 11 (i32.add (local.get $p) (i32.const 4))
        (v128.load8_lane 10 (i32.add (local.get $p) (i32.const 5))
        (v128.load8_lane 9 (i32.add (local.get $p) (i32.const 6))
        (v128.load8_lane 8 (i32.add (local.get $p) (i32.const 7))
        (v128.load8_lane 7 (i32.add (local.get $p) (i32.const 8))
        (v128.load8_lane 6 (i32.add (local.get $p) (i32.const 9))
        (v128.load8_lane 5 (i32.add (local.get $p) (i32.const 10))
        (v128.load8_lane 4 (i32.add (local.get $p) (i32.const 11))
        (v128.load8_lane 3 (i32.add (local.get $p) (i32.const 12))
        (v128.load8_lane 2 (i32.add (local.get $p) (i32.const 13))
        (v128.load8_lane 1 (i32.add (local.get $p) (i32.const 14))
        (v128.load8_splat (i32.add (local.get $p) (i32.const 15))))))))))))))))))
        (v128.const i8x16 -1 0 -1 0 -1 0 -1 0 -1 0 -1 0 -1 0 -1 -1))))

  ;; Bytes 0-7 of the window, then a store over byte 3, then bytes 8-15:
  ;; the vector keeps byte 3 as it was when loaded, so one wide load at the
  ;; end would be wrong.
  (func (export "store_between") (param $p i32) (param $dst i32)
    (local $v v128)
    (local.set $v
      (v128.load8_lane 7 (i32.add (local.get $p) (i32.const 7))
        (v128.load8_lane 6 (i32.add (local.get $p) (i32.const 6))
        (v128.load8_lane 5 (i32.add (local.get $p) (i32.const 5))
        (v128.load8_lane 4 (i32.add (local.get $p) (i32.const 4))
        (v128.load8_lane 3 (i32.add (local.get $p) (i32.const 3))
        (v128.load8_lane 2 (i32.add (local.get $p) (i32.const 2))
        (v128.load8_lane 1 (i32.add (local.get $p) (i32.const 1))
        (v128.load8_splat (local.get $p))))))))))
    (i32.store8 (i32.add (local.get $p) (i32.const 3)) (i32.const 0xee))
    (v128.store (local.get $dst)
      (v128.load8_lane 15 (i32.add (local.get $p) (i32.const 15))
        (v128.load8_lane 14 (i32.add (local.get $p) (i32.const 14))
        (v128.load8_lane 13 (i32.add (local.get $p) (i32.const 13))
        (v128.load8_lane 12 (i32.add (local.get $p) (i32.const 12))
        (v128.load8_lane 11 (i32.add (local.get $p) (i32.const 11))
        (v128.load8_lane 10 (i32.add (local.get $p) (i32.const 10))
        (v128.load8_lane 9 (i32.add (local.get $p) (i32.const 9))
        (v128.load8_lane 8 (i32.add (local.get $p) (i32.const 8))
        (local.get $v)))))))))))

  ;; Sixteen lanes from the 15 bytes p[0..14] (p[0] twice): a 16-byte load
  ;; would read p[15], which the program never touches and which may be
  ;; past the end of memory.
  (func (export "short_span") (param $p i32) (param $dst i32)
    (v128.store (local.get $dst)
      (v128.load8_lane 15 (i32.add (local.get $p) (i32.const 14))
        (v128.load8_lane 14 (i32.add (local.get $p) (i32.const 13))
        (v128.load8_lane 13 (i32.add (local.get $p) (i32.const 12))
        (v128.load8_lane 12 (i32.add (local.get $p) (i32.const 11))
        (v128.load8_lane 11 (i32.add (local.get $p) (i32.const 10))
        (v128.load8_lane 10 (i32.add (local.get $p) (i32.const 9))
        (v128.load8_lane 9 (i32.add (local.get $p) (i32.const 8))
        (v128.load8_lane 8 (i32.add (local.get $p) (i32.const 7))
        (v128.load8_lane 7 (i32.add (local.get $p) (i32.const 6))
        (v128.load8_lane 6 (i32.add (local.get $p) (i32.const 5))
        (v128.load8_lane 5 (i32.add (local.get $p) (i32.const 4))
        (v128.load8_lane 4 (i32.add (local.get $p) (i32.const 3))
        (v128.load8_lane 3 (i32.add (local.get $p) (i32.const 2))
        (v128.load8_lane 2 (i32.add (local.get $p) (i32.const 1))
        (v128.load8_lane 1 (i32.add (local.get $p) (i32.const 0))
        (v128.load8_splat (local.get $p)))))))))))))))))))
  ;; The scripted runs read results back with this.
  (func (export "load128") (param $at i32) (result v128)
    (v128.load (local.get $at))))
