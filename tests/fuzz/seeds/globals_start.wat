(module
  (global $c i64 (i64.const 42))
  (global $m (mut i32) (i32.const 0))
  (global $f f64 (f64.const 1.5))
  (global $r (mut externref) (ref.null extern))
  (global (export "m") (mut i32) (i32.const 7))
  (func $init global.get $m i32.const 1 i32.add global.set $m)
  (start $init)
  (func (export "get") (result i64) global.get $c))
