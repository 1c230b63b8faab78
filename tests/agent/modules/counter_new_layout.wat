;; counter_v1.wat with a state layout 2 that refuses layout 1.
;; A module that keeps state across calls, for the supervisor's tests: a
;; running total in linear memory, handed over on update by the state
;; convention (docs/manifest.md). State area at 16: magic "KSTN", layout 1,
;; then the i64 total.
(module
  (memory (export "memory") 1)
  (func $init
    (i32.store (i32.const 16) (i32.const 0x4e54534b))
    (i32.store (i32.const 20) (i32.const 2)))
  (start $init)
  (func (export "add") (param $n i32)
    (i64.store (i32.const 24)
      (i64.add (i64.load (i32.const 24)) (i64.extend_i32_u (local.get $n)))))
  (func (export "total") (result i32) (i32.wrap_i64 (i64.load (i32.const 24))))
  (func (export "version") (result i32) (i32.const 5))
  (func (export "health") (result i32) (i32.const 0))
  (func (export "kiln_state_area") (result i32) (i32.const 16))
  (func (export "kiln_state_save") (result i32) (i32.const 16))
  (func (export "kiln_state_restore") (param $len i32) (result i32)
    ;; Accepted only with the layout this version knows.
    (if (result i32) (i32.and (i32.eq (local.get $len) (i32.const 16))
                              (i32.and (i32.eq (i32.load (i32.const 16)) (i32.const 0x4e54534b))
                                       (i32.eq (i32.load (i32.const 20)) (i32.const 2))))
      (then (i32.const 0)) (else (i32.const 1)))))
