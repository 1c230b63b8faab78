;; The importer in the supervisor's tests: its task adds to the counter
;; module through the wiring; it never holds the counter's instance, so it
;; calls whichever version runs.
(module
  (import "counter" "add" (func $add (param i32)))
  (import "counter" "total" (func $total (result i32)))
  (func (export "tick") (call $add (i32.const 1)))
  (func (export "read") (result i32) (call $total))
  (func (export "crash") unreachable))
