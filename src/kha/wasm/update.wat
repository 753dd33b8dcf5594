;; The r × l kernels of the factored KHA and KHA-SMD update (src/kha/factored.ts) in f64x2 SIMD.
;; Assembled by scripts/build-wasm.js into updateWasm.generated.ts (run it after editing this file;
;; test/kha/wasmUpdate.test.ts fails while the generated module is stale).
;;
;; Every pointer is a byte offset into the imported memory; matrices are r × l row-major float64,
;; rows start at base + i·l·8 (8-byte aligned only when l is odd: v128 loads are unaligned-safe).
;; Dot products are summed in two lanes × two accumulators, so results agree with the JS sweeps to
;; rounding, not bits.
(module
  (import "env" "memory" (memory 1))

  ;; y_i = A_i · k for i < r. Two rows share each load of k; two lanes × two accumulators per row.
  (func (export "dotRows")
    (param $A i32) (param $k i32) (param $y i32) (param $r i32) (param $l i32)
    (local $lb i32) (local $lp i32) (local $i i32) (local $row i32) (local $row2 i32) (local $j i32)
    (local $kv v128) (local $a0 v128) (local $a1 v128) (local $b0 v128) (local $b1 v128)
    (local $x f64) (local $accA f64) (local $accB f64)
    (local.set $lb (i32.shl (local.get $l) (i32.const 3)))
    ;; bytes of the largest multiple of 4 columns
    (local.set $lp (i32.shl (i32.and (local.get $l) (i32.const -4)) (i32.const 3)))
    (local.set $row (local.get $A))
    (block $done
      (loop $rows
        (br_if $done (i32.ge_u (local.get $i) (local.get $r)))
        ;; the second row of the pair (row itself again when r is odd: computed twice, stored once)
        (local.set $row2 (select (i32.add (local.get $row) (local.get $lb)) (local.get $row)
          (i32.lt_u (i32.add (local.get $i) (i32.const 1)) (local.get $r))))
        (local.set $a0 (v128.const f64x2 0 0))
        (local.set $a1 (v128.const f64x2 0 0))
        (local.set $b0 (v128.const f64x2 0 0))
        (local.set $b1 (v128.const f64x2 0 0))
        (local.set $j (i32.const 0))
        (block $endQuads
          (br_if $endQuads (i32.ge_u (local.get $j) (local.get $lp)))
          (loop $quads
            (local.set $kv (v128.load (i32.add (local.get $k) (local.get $j))))
            (local.set $a0 (f64x2.add (local.get $a0) (f64x2.mul (v128.load (i32.add (local.get $row) (local.get $j))) (local.get $kv))))
            (local.set $b0 (f64x2.add (local.get $b0) (f64x2.mul (v128.load (i32.add (local.get $row2) (local.get $j))) (local.get $kv))))
            (local.set $kv (v128.load offset=16 (i32.add (local.get $k) (local.get $j))))
            (local.set $a1 (f64x2.add (local.get $a1) (f64x2.mul (v128.load offset=16 (i32.add (local.get $row) (local.get $j))) (local.get $kv))))
            (local.set $b1 (f64x2.add (local.get $b1) (f64x2.mul (v128.load offset=16 (i32.add (local.get $row2) (local.get $j))) (local.get $kv))))
            (local.set $j (i32.add (local.get $j) (i32.const 32)))
            (br_if $quads (i32.lt_u (local.get $j) (local.get $lp)))))
        (local.set $a0 (f64x2.add (local.get $a0) (local.get $a1)))
        (local.set $b0 (f64x2.add (local.get $b0) (local.get $b1)))
        (local.set $accA (f64.add (f64x2.extract_lane 0 (local.get $a0)) (f64x2.extract_lane 1 (local.get $a0))))
        (local.set $accB (f64.add (f64x2.extract_lane 0 (local.get $b0)) (f64x2.extract_lane 1 (local.get $b0))))
        (block $endTail
          (loop $tail
            (br_if $endTail (i32.ge_u (local.get $j) (local.get $lb)))
            (local.set $x (f64.load (i32.add (local.get $k) (local.get $j))))
            (local.set $accA (f64.add (local.get $accA) (f64.mul (f64.load (i32.add (local.get $row) (local.get $j))) (local.get $x))))
            (local.set $accB (f64.add (local.get $accB) (f64.mul (f64.load (i32.add (local.get $row2) (local.get $j))) (local.get $x))))
            (local.set $j (i32.add (local.get $j) (i32.const 8)))
            (br $tail)))
        (f64.store (i32.add (local.get $y) (i32.shl (local.get $i) (i32.const 3))) (local.get $accA))
        (if (i32.lt_u (i32.add (local.get $i) (i32.const 1)) (local.get $r))
          (then (f64.store offset=8 (i32.add (local.get $y) (i32.shl (local.get $i) (i32.const 3))) (local.get $accB))))
        (local.set $row (i32.add (local.get $row2) (local.get $lb)))
        (local.set $i (i32.add (local.get $i) (i32.const 2)))
        (br $rows))))


  ;; h_i = X_i · k with the old row, then X_i ← X_i + δ_i k, for i < r (one read and one write of X).
  (func (export "dotAxpyRows")
    (param $X i32) (param $k i32) (param $delta i32) (param $h i32) (param $r i32) (param $l i32)
    (local $lb i32) (local $lp i32) (local $i i32) (local $row i32) (local $j i32)
    (local $dv v128) (local $kv v128) (local $xv v128) (local $a0 v128) (local $a1 v128)
    (local $d f64) (local $x f64) (local $kx f64) (local $acc f64)
    (local.set $lb (i32.shl (local.get $l) (i32.const 3)))
    (local.set $lp (i32.shl (i32.and (local.get $l) (i32.const -4)) (i32.const 3)))
    (local.set $row (local.get $X))
    (block $done
      (loop $rows
        (br_if $done (i32.ge_u (local.get $i) (local.get $r)))
        (local.set $d (f64.load (i32.add (local.get $delta) (i32.shl (local.get $i) (i32.const 3)))))
        (local.set $dv (f64x2.splat (local.get $d)))
        (local.set $a0 (v128.const f64x2 0 0))
        (local.set $a1 (v128.const f64x2 0 0))
        (local.set $j (i32.const 0))
        (block $endQuads
          (br_if $endQuads (i32.ge_u (local.get $j) (local.get $lp)))
          (loop $quads
            (local.set $kv (v128.load (i32.add (local.get $k) (local.get $j))))
            (local.set $xv (v128.load (i32.add (local.get $row) (local.get $j))))
            (local.set $a0 (f64x2.add (local.get $a0) (f64x2.mul (local.get $xv) (local.get $kv))))
            (v128.store (i32.add (local.get $row) (local.get $j)) (f64x2.add (local.get $xv) (f64x2.mul (local.get $dv) (local.get $kv))))
            (local.set $kv (v128.load offset=16 (i32.add (local.get $k) (local.get $j))))
            (local.set $xv (v128.load offset=16 (i32.add (local.get $row) (local.get $j))))
            (local.set $a1 (f64x2.add (local.get $a1) (f64x2.mul (local.get $xv) (local.get $kv))))
            (v128.store offset=16 (i32.add (local.get $row) (local.get $j)) (f64x2.add (local.get $xv) (f64x2.mul (local.get $dv) (local.get $kv))))
            (local.set $j (i32.add (local.get $j) (i32.const 32)))
            (br_if $quads (i32.lt_u (local.get $j) (local.get $lp)))))
        (local.set $a0 (f64x2.add (local.get $a0) (local.get $a1)))
        (local.set $acc (f64.add (f64x2.extract_lane 0 (local.get $a0)) (f64x2.extract_lane 1 (local.get $a0))))
        (block $endTail
          (loop $tail
            (br_if $endTail (i32.ge_u (local.get $j) (local.get $lb)))
            (local.set $kx (f64.load (i32.add (local.get $k) (local.get $j))))
            (local.set $x (f64.load (i32.add (local.get $row) (local.get $j))))
            (local.set $acc (f64.add (local.get $acc) (f64.mul (local.get $x) (local.get $kx))))
            (f64.store (i32.add (local.get $row) (local.get $j)) (f64.add (local.get $x) (f64.mul (local.get $d) (local.get $kx))))
            (local.set $j (i32.add (local.get $j) (i32.const 8)))
            (br $tail)))
        (f64.store (i32.add (local.get $h) (i32.shl (local.get $i) (i32.const 3))) (local.get $acc))
        (local.set $row (i32.add (local.get $row) (local.get $lb)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rows))))

  ;; X ← L X on the four columns at byte offset $off, for a lower-triangular r × r L (row-major
  ;; f64): bottom-up, so row i reads rows q ≤ i before they are overwritten.
  (func $lowerTimesQuad (param $X i32) (param $L i32) (param $r i32) (param $lb i32) (param $off i32)
    (local $i i32) (local $q i32) (local $Li i32) (local $at i32) (local $m v128) (local $a0 v128) (local $a1 v128)
    (local.set $i (local.get $r))
    (block $done
      (loop $rows
        (br_if $done (i32.eqz (local.get $i)))
        (local.set $i (i32.sub (local.get $i) (i32.const 1)))
        (local.set $Li (i32.add (local.get $L) (i32.shl (i32.mul (local.get $i) (local.get $r)) (i32.const 3))))
        (local.set $at (i32.add (local.get $X) (local.get $off)))
        (local.set $a0 (v128.const f64x2 0 0))
        (local.set $a1 (v128.const f64x2 0 0))
        (local.set $q (i32.const 0))
        (loop $terms
          (local.set $m (v128.load64_splat (i32.add (local.get $Li) (i32.shl (local.get $q) (i32.const 3)))))
          (local.set $a0 (f64x2.add (local.get $a0) (f64x2.mul (local.get $m) (v128.load (local.get $at)))))
          (local.set $a1 (f64x2.add (local.get $a1) (f64x2.mul (local.get $m) (v128.load offset=16 (local.get $at)))))
          (local.set $at (i32.add (local.get $at) (local.get $lb)))
          (local.set $q (i32.add (local.get $q) (i32.const 1)))
          (br_if $terms (i32.le_u (local.get $q) (local.get $i))))
        (local.set $at (i32.sub (local.get $at) (local.get $lb)))
        (v128.store (local.get $at) (local.get $a0))
        (v128.store offset=16 (local.get $at) (local.get $a1))
        (br $rows))))

  ;; Y ← Y + M X on the four columns at byte offset $off, for a full r × r M.
  (func $addTimesQuad (param $Y i32) (param $M i32) (param $X i32) (param $r i32) (param $lb i32) (param $off i32)
    (local $i i32) (local $q i32) (local $Mi i32) (local $at i32) (local $out i32) (local $m v128) (local $a0 v128) (local $a1 v128)
    (local.set $out (i32.add (local.get $Y) (local.get $off)))
    (local.set $Mi (local.get $M))
    (block $done
      (loop $rows
        (br_if $done (i32.ge_u (local.get $i) (local.get $r)))
        (local.set $a0 (v128.load (local.get $out)))
        (local.set $a1 (v128.load offset=16 (local.get $out)))
        (local.set $at (i32.add (local.get $X) (local.get $off)))
        (local.set $q (i32.const 0))
        (loop $terms
          (local.set $m (v128.load64_splat (i32.add (local.get $Mi) (i32.shl (local.get $q) (i32.const 3)))))
          (local.set $a0 (f64x2.add (local.get $a0) (f64x2.mul (local.get $m) (v128.load (local.get $at)))))
          (local.set $a1 (f64x2.add (local.get $a1) (f64x2.mul (local.get $m) (v128.load offset=16 (local.get $at)))))
          (local.set $at (i32.add (local.get $at) (local.get $lb)))
          (local.set $q (i32.add (local.get $q) (i32.const 1)))
          (br_if $terms (i32.lt_u (local.get $q) (local.get $r))))
        (v128.store (local.get $out) (local.get $a0))
        (v128.store offset=16 (local.get $out) (local.get $a1))
        (local.set $out (i32.add (local.get $out) (local.get $lb)))
        (local.set $Mi (i32.add (local.get $Mi) (i32.shl (local.get $r) (i32.const 3))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rows))))

  ;; The fold of the factored form over columns [0, 4·quads): D ← E D + F C (when D ≠ 0), then
  ;; C ← G C and CK ← G CK (when CK ≠ 0), four columns at a time so that their 3·r rows of 32 bytes
  ;; stay in L1 while the r × r factors are applied. G and E are lower triangular, F full. A pointer
  ;; 0 means absent (offset 0 is the kernels' scratch, never a matrix).
  (func (export "fold")
    (param $C i32) (param $CK i32) (param $D i32) (param $G i32) (param $F i32) (param $E i32)
    (param $r i32) (param $l i32) (param $quads i32)
    (local $lb i32) (local $off i32) (local $end i32)
    (local.set $lb (i32.shl (local.get $l) (i32.const 3)))
    (local.set $end (i32.shl (local.get $quads) (i32.const 5)))
    (block $done
      (loop $columns
        (br_if $done (i32.ge_u (local.get $off) (local.get $end)))
        (if (local.get $D) (then
          (call $lowerTimesQuad (local.get $D) (local.get $E) (local.get $r) (local.get $lb) (local.get $off))
          (call $addTimesQuad (local.get $D) (local.get $F) (local.get $C) (local.get $r) (local.get $lb) (local.get $off))))
        (call $lowerTimesQuad (local.get $C) (local.get $G) (local.get $r) (local.get $lb) (local.get $off))
        (if (local.get $CK) (then
          (call $lowerTimesQuad (local.get $CK) (local.get $G) (local.get $r) (local.get $lb) (local.get $off))))
        (local.set $off (i32.add (local.get $off) (i32.const 32)))
        (br $columns))))
)
