;; typed_calls.wat - exports and imports of every scalar type, for
;; tests/unit/typed_call_test.cc (TypedFunc and Linker::defineTyped).
(module
  (import "host" "scale" (func $scale (param f64 i32) (result f64)))
  (import "host" "count" (func $count (param i64)))
  (import "host" "check" (func $check (param i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "add_i32") (param i32 i32) (result i32)
    (i32.add (local.get 0) (local.get 1)))
  (func (export "mix") (param i64 f32 f64) (result f64)
    (f64.add (f64.convert_i64_s (local.get 0))
             (f64.add (f64.promote_f32 (local.get 1)) (local.get 2))))
  (func (export "div_u") (param i32 i32) (result i32)
    (i32.div_u (local.get 0) (local.get 1)))
  (func (export "nothing"))
  (func (export "call_scale") (param f64 i32) (result f64)
    (call $scale (local.get 0) (local.get 1)))
  (func (export "count_to") (param $n i64) (local $i i64)
    (block $done
      (loop $next
        (br_if $done (i64.ge_u (local.get $i) (local.get $n)))
        (call $count (local.get $i))
        (local.set $i (i64.add (local.get $i) (i64.const 1)))
        (br $next))))
  (func (export "call_check") (param i32) (result i32)
    (call $check (local.get 0)))
)
