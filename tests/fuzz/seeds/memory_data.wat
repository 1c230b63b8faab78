(module
  (memory (export "mem") 1 4)
  (data (i32.const 16) "hello, kiln")
  (data $p "passive")
  (func (export "load") (param i32) (result i32)
    local.get 0 i32.load8_u)
  (func (export "init")
    i32.const 64 i32.const 0 i32.const 7 memory.init $p data.drop $p)
  (func (export "grow") (result i32) i32.const 1 memory.grow))
