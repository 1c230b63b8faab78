(module
  (func (export "near") (param f32) (result f32) local.get 0 f32.nearest)
  (func (export "trunc") (param f64) (result f64) local.get 0 f64.trunc)
  (func (export "conv") (param f64) (result i64) local.get 0 i64.trunc_sat_f64_s)
  (func (export "div") (param i64 i64) (result i64) local.get 0 local.get 1 i64.div_s))
