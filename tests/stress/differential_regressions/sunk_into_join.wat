;; Reduced by wasm-reduce from differential seed 313 (guard mode, -O1..-O3):
;; the same call inlined into both arms of an if; LLVM sank the common
;; out-of-bounds load into the join, addressed through a phi of the arms'
;; memory bases, and the keepers' cleanup did not see it as a memory access.
(module
  (type (;0;) (func (param i32)))
  (type (;1;) (func (result i32)))
  (type (;2;) (func (param f32 f64 i32) (result i64)))
  (type (;3;) (func))
  (import "fuzzing-support" "log-i32" (func (;0;) (type 0)))
  (func (;1;) (type 1) (result i32)
    i32.const 0
    i32.load8_u offset=2
    drop
    call 3
    i32.const -5
    i32.load8_u offset=9
    drop
    i32.const -14069)
  (func (;2;) (type 2) (param f32 f64 i32) (result i64)
    local.get 2
    if  ;; label = @1
      call 1
      call 0
    else
      call 1
      call 0
    end
    i64.const -17179869183)
  (func (;3;) (type 3)
    nop)
  (memory (;0;) 16 17)
  (export "func_14" (func 2)))
