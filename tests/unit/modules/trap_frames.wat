;; Traps under calls that LLVM inlines at -O2 (tests/unit/code_map_test.cc):
;; the code map must name the callee and its instruction, and list the
;; callers with the offsets of their calls.
(module
  (memory 1)
  (func $divide (param i32 i32) (result i32)
    local.get 0
    local.get 1
    i32.div_s)
  (func $middle (param i32) (result i32)
    i32.const 100
    local.get 0
    call $divide
    i32.const 1
    i32.add)
  (func $outer (export "outer") (param i32) (result i32)
    local.get 0
    call $middle
    i32.const 2
    i32.mul)
  (func $load (param i32) (result i32)
    local.get 0
    i32.load offset=4)
  (func $reader (export "reader") (param i32) (result i32)
    local.get 0
    call $load
    i32.const 7
    i32.xor)
  ;; The store after the call keeps it a call: no tail-call or accumulator
  ;; rewrite into a loop.
  (func $recurse (export "recurse") (param i32) (result i32) (local i32)
    local.get 0
    i32.eqz
    if
      unreachable
    end
    local.get 0
    i32.const 1
    i32.sub
    call $recurse
    local.set 1
    i32.const 0
    local.get 1
    i32.store
    local.get 1
    local.get 0
    i32.add))
