;; Reduced by wasm-reduce from differential seed 2363 (guard mode, -O3): a
;; loaded value as an arm of a select; x86 folded the (volatile) load into a
;; cmov, and its cmov converter made that a branch with the load on one side.
(module
  (type (;0;) (func (result i64)))
  (func (;0;) (type 0) (result i64)
    i64.const -14216
    i32.const -65535
    i64.load32_s offset=3 align=2
    i32.const 21
    i32.load
    select)
  (memory (;0;) 16 17)
  (export "func_20" (func 0))
  (data (;0;) (i32.const 21) "."))
