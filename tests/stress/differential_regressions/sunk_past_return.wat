;; Reduced by wasm-reduce from differential seed 191 (guard mode, -O1..-O3):
;; a load used only past an early return was sunk onto the other path by
;; the backend, so hashMemory returned instead of trapping.
(module
  (type (;0;) (func (result i32)))
  (func (;0;) (type 0) (result i32)
    (local i32)
    global.get 0
    i32.eqz
    if  ;; label = @1
      i32.const -11
      return
    end
    i32.const 0
    global.set 0
    call 0
    i32.load8_u offset=8
    global.get 0
    i32.eqz
    if  ;; label = @1
      i32.const -7177191
      return
    end
    i32.const 11806
    i32.xor)
  (memory (;0;) 16 17)
  (global (;0;) (mut i32) (i32.const 10))
  (export "hashMemory" (func 0)))
