;; Out-of-bounds accesses that guard-page code must trap on although the
;; optimizer would rather not load them (compiler/codegen/guard_traps.h):
;; a value dropped, one made irrelevant by folding, a lane overwritten,
;; and loads whose unused bytes instruction selection would skip (a load
;; straddling the end of memory with only its in-bounds bytes used). Every
;; one must trap in both memory modes, and return normally in bounds.
(module
  (memory 1)
  (func (export "drop_load") (param $p i32)
    (drop (i32.load (local.get $p))))
  (func (export "and_zero") (param $p i32) (result i32)
    (i32.and (i32.load8_u (local.get $p)) (i32.const 0)))
  (func (export "mul_zero") (param $p i32) (result i64)
    (i64.mul (i64.load (local.get $p)) (i64.const 0)))
  (func (export "compare_always") (param $p i32) (result i32)
    (i32.lt_u (i32.load8_u (local.get $p)) (i32.const 256)))
  (func (export "lane_overwritten") (param $p i32) (result v128)
    (v128.load8_lane 0 (i32.const 0)
      (v128.load8_lane 0 (local.get $p) (v128.const i64x2 0 0))))
  (func (export "low_byte") (param $p i32) (result i32)
    (i32.and (i32.load (local.get $p)) (i32.const 0xff)))
  (func (export "high_half") (param $p i32) (result i32)
    (i32.shr_u (i32.load (local.get $p)) (i32.const 16)))
  (func (export "low_lane") (param $p i32) (result i32)
    (i32x4.extract_lane 0 (v128.load (local.get $p))))
  (func (export "shifted_out") (param $p i32) (result v128)
    (i16x8.shr_u
      (v128.load8_lane 2 (local.get $p) (v128.const i64x2 0 0))
      (i32.const 8)))
  ;; Dropped through other instructions: dead code even at -O0.
  (func (export "drop_sum") (param $p i32)
    (drop (i32.add (i32.load (local.get $p))
                   (i32.load8_u offset=2 (local.get $p)))))
  (func (export "drop_lane") (param $p i32)
    (drop (i32x4.extract_lane 1 (v128.load (local.get $p)))))
  ;; A loop whose only effects are a global counted down to a value LLVM
  ;; computes and the loads: loop deletion removed it whole, loads and all
  ;; (found by differential fuzzing; tests/cross/dropped_loads_script.cc
  ;; writes the family).
  (global $count (mut i32) (i32.const 0))
  (func (export "counted_loop") (param $p i32) (param $n i32)
    (global.set $count (local.get $n))
    (loop $l
      (if (global.get $count)
        (then
          (global.set $count (i32.sub (global.get $count) (i32.const 1)))
          (drop (i32.load (local.get $p)))
          (br $l)))))
  ;; A load whose value is used only past an early return: the backend sank
  ;; it onto the path that uses it, so the early return did not trap (found
  ;; by differential testing against binaryen: a hash and a hang limit).
  (global $returned_early (mut i32) (i32.const 0))
  (func (export "used_after_return") (param $p i32) (param $early i32)
        (result i32)
    (local $v i32)
    (local.set $v (i32.load8_u (local.get $p)))
    (if (local.get $early)
      (then
        (global.set $returned_early (i32.const 1))
        (return (i32.const 7))))
    (i32.xor (local.get $v) (i32.const 11806)))
  ;; The same as a select, which RISC-V turns into a branch.
  (func (export "selected_after_load") (param $p i32) (param $early i32)
        (result i32)
    (local $v i32)
    (local.set $v (i32.load8_u (local.get $p)))
    (if (local.get $early) (then (return (i32.const 7))))
    (i32.xor (local.get $v) (i32.const 11806)))
  ;; A loaded value as a select's arm: x86 folds the load into a cmov and
  ;; turns the cmov into a branch, the load on one side.
  (func (export "select_arm") (param $p i32) (param $c i32) (result i64)
    (select (i64.const -14216) (i64.load32_s (local.get $p)) (local.get $c)))
  ;; A loaded value a phi takes along one edge of two: MachineSink splits
  ;; that edge and sinks the load into it, off the other path (seed 4699).
  (func (export "phi_on_one_edge") (param $p i32) (param $c i32) (result i32)
    (local $v i32)
    (local.set $v (i32.load (local.get $p)))
    (if (local.get $c)
      (then
        (global.set $returned_early (i32.add (global.get $returned_early)
                                             (i32.const 1)))
        (return (i32.const 9))))
    (local.get $v))
  ;; Used only after a join that one path out of the load's block skips (an
  ;; early return): MachineSink may sink a load down the dominator tree to
  ;; the join, which does not post-dominate the load.
  (func (export "used_after_join") (param $p i32) (param $c i32) (param $d i32)
        (result i32)
    (local $v i32) (local $x i32)
    (local.set $v (i32.load (local.get $p)))
    (if (local.get $c)
      (then
        (if (local.get $d) (then (return (i32.const 5))))
        (local.set $x (i32.mul (local.get $d) (local.get $c))))
      (else
        (local.set $x (i32.div_u (i32.const 7) (local.get $d)))))
    (i32.add (local.get $v) (local.get $x)))
)
