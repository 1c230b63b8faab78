;; Reduced by hand from differential seed 4699 (guard mode, -O3): a loaded
;; value that only a phi on one edge of two takes (the function's result
;; when it does not return early). MachineSink split that edge and sank the
;; load into it, so the early return ran without the load and its trap.
(module
  (memory 1 1)
  (global $g (mut i32) (i32.const 0))
  (func (export "func_15") (result i32)
    (local $v i32)
    (local.set $v (i32.load (i32.const 65533)))
    (if (i32.load8_s (i32.const 4))
      (then
        (global.set $g (i32.add (global.get $g) (i32.const 1)))
        (return (i32.const -6543571))))
    (local.get $v))
  (data (i32.const 4) "\01"))
