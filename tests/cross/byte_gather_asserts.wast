;; The assertions of the scripted runs of tests/unit/modules/byte_gather.wat
;; (cross.gathers.script prepends the module): ByteGatherPass's loads and
;; shuffles, and the traps they keep, on every target's runtime. The
;; module's data puts the low byte of each address in memory's first and
;; last 64 bytes; each function stores its result at the second argument,
;; read back with "load128". Values were computed by hand from that
;; pattern; byte_gather_test.cc checks the same shapes against memory.

;; SHA-256 message words: the first window, the last, then past the end.
(invoke "be_words" (i32.const 0) (i32.const 1024))
(assert_return (invoke "load128" (i32.const 1024)) (v128.const i8x16 3 2 1 0 7 6 5 4 11 10 9 8 15 14 13 12))
(invoke "be_words" (i32.const 65520) (i32.const 1024))
(assert_return (invoke "load128" (i32.const 1024)) (v128.const i8x16 243 242 241 240 247 246 245 244 251 250 249 248 255 254 253 252))
(assert_trap (invoke "be_words" (i32.const 65521) (i32.const 1024)) "out of bounds memory access")
(assert_trap (invoke "be_words" (i32.const -4) (i32.const 1024)) "out of bounds memory access")

;; The vector-induction loop, unrolled: four windows, then a trap in the last trip.
(invoke "be_words_loop" (i32.const 0) (i32.const 1024))
(assert_return (invoke "load128" (i32.const 1024)) (v128.const i8x16 3 2 1 0 7 6 5 4 11 10 9 8 15 14 13 12))
(assert_return (invoke "load128" (i32.const 1040)) (v128.const i8x16 19 18 17 16 23 22 21 20 27 26 25 24 31 30 29 28))
(assert_return (invoke "load128" (i32.const 1056)) (v128.const i8x16 35 34 33 32 39 38 37 36 43 42 41 40 47 46 45 44))
(assert_return (invoke "load128" (i32.const 1072)) (v128.const i8x16 51 50 49 48 55 54 53 52 59 58 57 56 63 62 61 60))
(invoke "be_words_loop" (i32.const 65472) (i32.const 1024))
(assert_return (invoke "load128" (i32.const 1024)) (v128.const i8x16 195 194 193 192 199 198 197 196 203 202 201 200 207 206 205 204))
(assert_return (invoke "load128" (i32.const 1040)) (v128.const i8x16 211 210 209 208 215 214 213 212 219 218 217 216 223 222 221 220))
(assert_return (invoke "load128" (i32.const 1056)) (v128.const i8x16 227 226 225 224 231 230 229 228 235 234 233 232 239 238 237 236))
(assert_return (invoke "load128" (i32.const 1072)) (v128.const i8x16 243 242 241 240 247 246 245 244 251 250 249 248 255 254 253 252))
(assert_trap (invoke "be_words_loop" (i32.const 65488) (i32.const 1024)) "out of bounds memory access")

;; Reversed, with masked bytes zero.
(invoke "reverse_masked" (i32.const 48) (i32.const 1024))
(assert_return (invoke "load128" (i32.const 1024)) (v128.const i8x16 63 0 61 0 59 0 57 0 55 0 53 0 51 0 49 48))
(invoke "reverse_masked" (i32.const 65520) (i32.const 1024))
(assert_return (invoke "load128" (i32.const 1024)) (v128.const i8x16 255 0 253 0 251 0 249 0 247 0 245 0 243 0 241 240))
(assert_trap (invoke "reverse_masked" (i32.const 65521) (i32.const 1024)) "out of bounds memory access")

;; Fifteen bytes ending at memory's last: no 16-byte load may read past it.
(invoke "short_span" (i32.const 65521) (i32.const 1024))
(assert_return (invoke "load128" (i32.const 1024)) (v128.const i8x16 241 241 242 243 244 245 246 247 248 249 250 251 252 253 254 255))
(assert_trap (invoke "short_span" (i32.const 65522) (i32.const 1024)) "out of bounds memory access")

;; A store between the loads: the vector keeps the byte it replaced. Last,
;; because it changes memory.
(invoke "store_between" (i32.const 32) (i32.const 1024))
(assert_return (invoke "load128" (i32.const 1024)) (v128.const i8x16 32 33 34 35 36 37 38 39 40 41 42 43 44 45 46 47))
(assert_return (invoke "load128" (i32.const 32)) (v128.const i8x16 32 33 34 238 36 37 38 39 40 41 42 43 44 45 46 47))
(assert_trap (invoke "store_between" (i32.const 65528) (i32.const 1024)) "out of bounds memory access")
