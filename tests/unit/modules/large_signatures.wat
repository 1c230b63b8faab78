;; Functions of a large signature (40 params, 10 results: more than
;; kiln/abi.h's MaxRegisterParams and MaxRegisterResults), which pass their
;; values in slots: called directly, through call_indirect, through a host
;; import (the exit trampoline) and from the runtime (the entry trampoline).
;; $big returns the sum of its params, then its first nine params.
(module
  (type $t (func
    (param i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32
    i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32
    i32 i32 i32 i32 i32 i32)
    (result i32 i32 i32 i32 i32 i32 i32 i32 i32 i32)))
  (import "env" "host" (func $host (type $t)))
  (table 2 funcref)
  (elem (i32.const 0) $big $host)
  (func $big (export "big") (type $t)
    (local.get 0) (local.get 1) (local.get 2) (local.get 3) (local.get 4)
    (local.get 5) (local.get 6) (local.get 7) (local.get 8) (local.get 9)
    (local.get 10) (local.get 11) (local.get 12) (local.get 13) (local.get
    14) (local.get 15) (local.get 16) (local.get 17) (local.get 18)
    (local.get 19) (local.get 20) (local.get 21) (local.get 22) (local.get
    23) (local.get 24) (local.get 25) (local.get 26) (local.get 27)
    (local.get 28) (local.get 29) (local.get 30) (local.get 31) (local.get
    32) (local.get 33) (local.get 34) (local.get 35) (local.get 36)
    (local.get 37) (local.get 38) (local.get 39)
    i32.add i32.add i32.add i32.add i32.add i32.add i32.add i32.add i32.add
    i32.add i32.add i32.add i32.add i32.add i32.add i32.add i32.add i32.add
    i32.add i32.add i32.add i32.add i32.add i32.add i32.add i32.add i32.add
    i32.add i32.add i32.add i32.add i32.add i32.add i32.add i32.add i32.add
    i32.add i32.add i32.add
    (local.get 0) (local.get 1) (local.get 2) (local.get 3) (local.get 4)
    (local.get 5) (local.get 6) (local.get 7) (local.get 8))
  ;; 1..40 to $big; the sum of its results: 820 + 45.
  (func (export "direct") (result i32)
    (i32.const 1) (i32.const 2) (i32.const 3) (i32.const 4) (i32.const 5)
    (i32.const 6) (i32.const 7) (i32.const 8) (i32.const 9) (i32.const 10)
    (i32.const 11) (i32.const 12) (i32.const 13) (i32.const 14) (i32.const
    15) (i32.const 16) (i32.const 17) (i32.const 18) (i32.const 19)
    (i32.const 20) (i32.const 21) (i32.const 22) (i32.const 23) (i32.const
    24) (i32.const 25) (i32.const 26) (i32.const 27) (i32.const 28)
    (i32.const 29) (i32.const 30) (i32.const 31) (i32.const 32) (i32.const
    33) (i32.const 34) (i32.const 35) (i32.const 36) (i32.const 37)
    (i32.const 38) (i32.const 39) (i32.const 40)
    call $big
    i32.add i32.add i32.add i32.add i32.add i32.add i32.add i32.add i32.add)
  (func (export "indirect") (param $slot i32) (result i32)
    (i32.const 1) (i32.const 2) (i32.const 3) (i32.const 4) (i32.const 5)
    (i32.const 6) (i32.const 7) (i32.const 8) (i32.const 9) (i32.const 10)
    (i32.const 11) (i32.const 12) (i32.const 13) (i32.const 14) (i32.const
    15) (i32.const 16) (i32.const 17) (i32.const 18) (i32.const 19)
    (i32.const 20) (i32.const 21) (i32.const 22) (i32.const 23) (i32.const
    24) (i32.const 25) (i32.const 26) (i32.const 27) (i32.const 28)
    (i32.const 29) (i32.const 30) (i32.const 31) (i32.const 32) (i32.const
    33) (i32.const 34) (i32.const 35) (i32.const 36) (i32.const 37)
    (i32.const 38) (i32.const 39) (i32.const 40)
    local.get $slot
    call_indirect (type $t)
    i32.add i32.add i32.add i32.add i32.add i32.add i32.add i32.add i32.add)
  (func (export "viahost") (result i32)
    (i32.const 1) (i32.const 2) (i32.const 3) (i32.const 4) (i32.const 5)
    (i32.const 6) (i32.const 7) (i32.const 8) (i32.const 9) (i32.const 10)
    (i32.const 11) (i32.const 12) (i32.const 13) (i32.const 14) (i32.const
    15) (i32.const 16) (i32.const 17) (i32.const 18) (i32.const 19)
    (i32.const 20) (i32.const 21) (i32.const 22) (i32.const 23) (i32.const
    24) (i32.const 25) (i32.const 26) (i32.const 27) (i32.const 28)
    (i32.const 29) (i32.const 30) (i32.const 31) (i32.const 32) (i32.const
    33) (i32.const 34) (i32.const 35) (i32.const 36) (i32.const 37)
    (i32.const 38) (i32.const 39) (i32.const 40)
    call $host
    i32.add i32.add i32.add i32.add i32.add i32.add i32.add i32.add i32.add))
