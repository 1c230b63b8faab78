(module
  (memory 1)
  (func (export "sum") (param $n i32) (result i32) (local $i i32) (local $acc v128)
    (block $done (loop $l
      local.get $i local.get $n i32.ge_u br_if $done
      local.get $acc local.get $i v128.load i32x4.add local.set $acc
      local.get $i i32.const 16 i32.add local.set $i br $l))
    local.get $acc i32x4.extract_lane 0))
