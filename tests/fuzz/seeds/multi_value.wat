(module
  (func $swap (param i32 i64) (result i64 i32) local.get 1 local.get 0)
  (func (export "f") (result i32)
    i32.const 1 i64.const 2 call $swap drop i32.wrap_i64
    (if (result i32) (i32.const 0) (then i32.const 3) (else i32.const 4)) i32.add)
  (func (export "trap") unreachable))
