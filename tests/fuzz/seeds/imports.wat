(module
  (import "env" "log" (func $log (param i32)))
  (import "env" "mem" (memory 1 2))
  (import "env" "tab" (table 2 funcref))
  (import "env" "g" (global $g i32))
  (func (export "f") (param i32)
    global.get $g local.get 0 i32.add call $log))
