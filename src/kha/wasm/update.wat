;; The r × l kernels of the factored KHA and KHA-SMD update (src/kha/ops/factored) in f64x2 SIMD.
;; Assembled by scripts/build-wasm.js into updateWasm.generated.ts (run it after editing this file;
;; test/kha/wasmUpdate.test.ts fails while the generated module is stale).
;;
;; Every pointer is a byte offset into the imported memory; matrices are r × l row-major float64,
;; rows start at base + i·l·8 (8-byte aligned only when l is odd: v128 loads are unaligned-safe).
;; Dot products are summed in two lanes × two accumulators, so results agree with the JS sweeps to
;; rounding, not bits.
(module
  ;; shared: the blocked form's products also run on worker threads (productThreads.ts)
  (import "env" "memory" (memory 1 65536 shared))

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

  ;; The blocked form's products (../ops/blocked.ts), f64x2 over pairs of columns, a scalar last column
  ;; when l is odd. out[i·stride + b] = X_i · Y_b for i < m, b < n: two rows of X by four rows of Y share
  ;; each load (eight accumulators); rows past the end repeat the last row, computed and not stored.
  (func (export "timesTransposed")
    (param $X i32) (param $m i32) (param $Y i32) (param $n i32) (param $out i32) (param $stride i32) (param $l i32)
    (local $lb i32) (local $lp i32) (local $i i32) (local $b i32) (local $j i32)
    (local $x0 i32) (local $x1 i32) (local $y0 i32) (local $y1 i32) (local $y2 i32) (local $y3 i32)
    (local $u v128) (local $v v128) (local $c0 v128) (local $c1 v128) (local $c2 v128) (local $c3 v128)
    (local $a00 v128) (local $a01 v128) (local $a02 v128) (local $a03 v128)
    (local $a10 v128) (local $a11 v128) (local $a12 v128) (local $a13 v128)
    (local $last i32) (local $at i32)
    (local.set $lb (i32.shl (local.get $l) (i32.const 3)))
    (local.set $lp (i32.shl (i32.and (local.get $l) (i32.const -2)) (i32.const 3)))
    ;; the last row of Y, for the rows past its end
    (local.set $last (i32.add (local.get $Y) (i32.mul (i32.sub (local.get $n) (i32.const 1)) (local.get $lb))))
    (block $doneI
      (loop $rowsI
        (br_if $doneI (i32.ge_u (local.get $i) (local.get $m)))
        (local.set $x0 (i32.add (local.get $X) (i32.mul (local.get $i) (local.get $lb))))
        (local.set $x1 (select (i32.add (local.get $x0) (local.get $lb)) (local.get $x0)
          (i32.lt_u (i32.add (local.get $i) (i32.const 1)) (local.get $m))))
        (local.set $b (i32.const 0))
        (block $doneB
          (loop $rowsB
            (br_if $doneB (i32.ge_u (local.get $b) (local.get $n)))
            (local.set $y0 (i32.add (local.get $Y) (i32.mul (local.get $b) (local.get $lb))))
            (local.set $y1 (select (i32.add (local.get $y0) (local.get $lb)) (local.get $last)
              (i32.lt_u (i32.add (local.get $b) (i32.const 1)) (local.get $n))))
            (local.set $y2 (select (i32.add (local.get $y1) (local.get $lb)) (local.get $last)
              (i32.lt_u (i32.add (local.get $b) (i32.const 2)) (local.get $n))))
            (local.set $y3 (select (i32.add (local.get $y2) (local.get $lb)) (local.get $last)
              (i32.lt_u (i32.add (local.get $b) (i32.const 3)) (local.get $n))))
            (local.set $a00 (v128.const f64x2 0 0)) (local.set $a01 (v128.const f64x2 0 0))
            (local.set $a02 (v128.const f64x2 0 0)) (local.set $a03 (v128.const f64x2 0 0))
            (local.set $a10 (v128.const f64x2 0 0)) (local.set $a11 (v128.const f64x2 0 0))
            (local.set $a12 (v128.const f64x2 0 0)) (local.set $a13 (v128.const f64x2 0 0))
            (local.set $j (i32.const 0))
            (block $endPairs
              (br_if $endPairs (i32.ge_u (local.get $j) (local.get $lp)))
              (loop $pairs
                (local.set $u (v128.load (i32.add (local.get $x0) (local.get $j))))
                (local.set $v (v128.load (i32.add (local.get $x1) (local.get $j))))
                (local.set $c0 (v128.load (i32.add (local.get $y0) (local.get $j))))
                (local.set $c1 (v128.load (i32.add (local.get $y1) (local.get $j))))
                (local.set $c2 (v128.load (i32.add (local.get $y2) (local.get $j))))
                (local.set $c3 (v128.load (i32.add (local.get $y3) (local.get $j))))
                (local.set $a00 (f64x2.add (local.get $a00) (f64x2.mul (local.get $u) (local.get $c0))))
                (local.set $a01 (f64x2.add (local.get $a01) (f64x2.mul (local.get $u) (local.get $c1))))
                (local.set $a02 (f64x2.add (local.get $a02) (f64x2.mul (local.get $u) (local.get $c2))))
                (local.set $a03 (f64x2.add (local.get $a03) (f64x2.mul (local.get $u) (local.get $c3))))
                (local.set $a10 (f64x2.add (local.get $a10) (f64x2.mul (local.get $v) (local.get $c0))))
                (local.set $a11 (f64x2.add (local.get $a11) (f64x2.mul (local.get $v) (local.get $c1))))
                (local.set $a12 (f64x2.add (local.get $a12) (f64x2.mul (local.get $v) (local.get $c2))))
                (local.set $a13 (f64x2.add (local.get $a13) (f64x2.mul (local.get $v) (local.get $c3))))
                (local.set $j (i32.add (local.get $j) (i32.const 16)))
                (br_if $pairs (i32.lt_u (local.get $j) (local.get $lp)))))
            (if (i32.lt_u (local.get $j) (local.get $lb)) (then
              ;; the odd last column, in lane 0 (lane 1 zero)
              (local.set $u (v128.load64_zero (i32.add (local.get $x0) (local.get $j))))
              (local.set $v (v128.load64_zero (i32.add (local.get $x1) (local.get $j))))
              (local.set $c0 (v128.load64_zero (i32.add (local.get $y0) (local.get $j))))
              (local.set $c1 (v128.load64_zero (i32.add (local.get $y1) (local.get $j))))
              (local.set $c2 (v128.load64_zero (i32.add (local.get $y2) (local.get $j))))
              (local.set $c3 (v128.load64_zero (i32.add (local.get $y3) (local.get $j))))
              (local.set $a00 (f64x2.add (local.get $a00) (f64x2.mul (local.get $u) (local.get $c0))))
              (local.set $a01 (f64x2.add (local.get $a01) (f64x2.mul (local.get $u) (local.get $c1))))
              (local.set $a02 (f64x2.add (local.get $a02) (f64x2.mul (local.get $u) (local.get $c2))))
              (local.set $a03 (f64x2.add (local.get $a03) (f64x2.mul (local.get $u) (local.get $c3))))
              (local.set $a10 (f64x2.add (local.get $a10) (f64x2.mul (local.get $v) (local.get $c0))))
              (local.set $a11 (f64x2.add (local.get $a11) (f64x2.mul (local.get $v) (local.get $c1))))
              (local.set $a12 (f64x2.add (local.get $a12) (f64x2.mul (local.get $v) (local.get $c2))))
              (local.set $a13 (f64x2.add (local.get $a13) (f64x2.mul (local.get $v) (local.get $c3))))))
            ;; stores: out[i·stride + b + q] for b + q < n, and row i + 1 when i + 1 < m
            (local.set $at (i32.add (local.get $out) (i32.shl (i32.add (i32.mul (local.get $i) (local.get $stride)) (local.get $b)) (i32.const 3))))
            (call $store4 (local.get $at) (i32.sub (local.get $n) (local.get $b))
              (local.get $a00) (local.get $a01) (local.get $a02) (local.get $a03))
            (if (i32.lt_u (i32.add (local.get $i) (i32.const 1)) (local.get $m)) (then
              (call $store4 (i32.add (local.get $at) (i32.shl (local.get $stride) (i32.const 3))) (i32.sub (local.get $n) (local.get $b))
                (local.get $a10) (local.get $a11) (local.get $a12) (local.get $a13))))
            (local.set $b (i32.add (local.get $b) (i32.const 4)))
            (br $rowsB)))
        (local.set $i (i32.add (local.get $i) (i32.const 2)))
        (br $rowsI))))

  ;; The lane sums of up to four accumulators (the first `count` of them) to at, at + 8, ….
  (func $store4 (param $at i32) (param $count i32) (param $s0 v128) (param $s1 v128) (param $s2 v128) (param $s3 v128)
    (f64.store (local.get $at) (f64.add (f64x2.extract_lane 0 (local.get $s0)) (f64x2.extract_lane 1 (local.get $s0))))
    (if (i32.gt_u (local.get $count) (i32.const 1)) (then
      (f64.store offset=8 (local.get $at) (f64.add (f64x2.extract_lane 0 (local.get $s1)) (f64x2.extract_lane 1 (local.get $s1))))))
    (if (i32.gt_u (local.get $count) (i32.const 2)) (then
      (f64.store offset=16 (local.get $at) (f64.add (f64x2.extract_lane 0 (local.get $s2)) (f64x2.extract_lane 1 (local.get $s2))))))
    (if (i32.gt_u (local.get $count) (i32.const 3)) (then
      (f64.store offset=24 (local.get $at) (f64.add (f64x2.extract_lane 0 (local.get $s3)) (f64x2.extract_lane 1 (local.get $s3)))))))

  ;; X_i ← X_i + Σ_{b<n} H[i·stride + b] Y_b for i < m: four rows of Y per read and write of X_i;
  ;; rows past Y's end repeat its last row with coefficient 0 (adds exactly nothing).
  (func (export "addProduct")
    (param $X i32) (param $m i32) (param $H i32) (param $stride i32) (param $n i32) (param $Y i32) (param $l i32)
    (local $lb i32) (local $lp i32) (local $i i32) (local $b i32) (local $j i32)
    (local $x i32) (local $h i32) (local $y0 i32) (local $y1 i32) (local $y2 i32) (local $y3 i32) (local $last i32)
    (local $h0 v128) (local $h1 v128) (local $h2 v128) (local $h3 v128) (local $acc v128)
    (local.set $lb (i32.shl (local.get $l) (i32.const 3)))
    (local.set $lp (i32.shl (i32.and (local.get $l) (i32.const -2)) (i32.const 3)))
    (local.set $last (i32.add (local.get $Y) (i32.mul (i32.sub (local.get $n) (i32.const 1)) (local.get $lb))))
    (block $doneI
      (loop $rowsI
        (br_if $doneI (i32.ge_u (local.get $i) (local.get $m)))
        (local.set $x (i32.add (local.get $X) (i32.mul (local.get $i) (local.get $lb))))
        (local.set $h (i32.add (local.get $H) (i32.shl (i32.mul (local.get $i) (local.get $stride)) (i32.const 3))))
        (local.set $b (i32.const 0))
        (block $doneB
          (loop $rowsB
            (br_if $doneB (i32.ge_u (local.get $b) (local.get $n)))
            (local.set $y0 (i32.add (local.get $Y) (i32.mul (local.get $b) (local.get $lb))))
            (local.set $h0 (f64x2.splat (f64.load (local.get $h))))
            (local.set $y1 (local.get $last)) (local.set $h1 (v128.const f64x2 0 0))
            (local.set $y2 (local.get $last)) (local.set $h2 (v128.const f64x2 0 0))
            (local.set $y3 (local.get $last)) (local.set $h3 (v128.const f64x2 0 0))
            (if (i32.lt_u (i32.add (local.get $b) (i32.const 1)) (local.get $n)) (then
              (local.set $y1 (i32.add (local.get $y0) (local.get $lb)))
              (local.set $h1 (f64x2.splat (f64.load offset=8 (local.get $h))))))
            (if (i32.lt_u (i32.add (local.get $b) (i32.const 2)) (local.get $n)) (then
              (local.set $y2 (i32.add (local.get $y1) (local.get $lb)))
              (local.set $h2 (f64x2.splat (f64.load offset=16 (local.get $h))))))
            (if (i32.lt_u (i32.add (local.get $b) (i32.const 3)) (local.get $n)) (then
              (local.set $y3 (i32.add (local.get $y2) (local.get $lb)))
              (local.set $h3 (f64x2.splat (f64.load offset=24 (local.get $h))))))
            (local.set $j (i32.const 0))
            (block $endPairs
              (br_if $endPairs (i32.ge_u (local.get $j) (local.get $lp)))
              (loop $pairs
                (local.set $acc (f64x2.add
                  (f64x2.add (f64x2.mul (local.get $h0) (v128.load (i32.add (local.get $y0) (local.get $j))))
                             (f64x2.mul (local.get $h1) (v128.load (i32.add (local.get $y1) (local.get $j)))))
                  (f64x2.add (f64x2.mul (local.get $h2) (v128.load (i32.add (local.get $y2) (local.get $j))))
                             (f64x2.mul (local.get $h3) (v128.load (i32.add (local.get $y3) (local.get $j)))))))
                (v128.store (i32.add (local.get $x) (local.get $j))
                  (f64x2.add (v128.load (i32.add (local.get $x) (local.get $j))) (local.get $acc)))
                (local.set $j (i32.add (local.get $j) (i32.const 16)))
                (br_if $pairs (i32.lt_u (local.get $j) (local.get $lp)))))
            (if (i32.lt_u (local.get $j) (local.get $lb)) (then
              (f64.store (i32.add (local.get $x) (local.get $j))
                (f64.add (f64.load (i32.add (local.get $x) (local.get $j)))
                  (f64.add
                    (f64.add (f64.mul (f64x2.extract_lane 0 (local.get $h0)) (f64.load (i32.add (local.get $y0) (local.get $j))))
                             (f64.mul (f64x2.extract_lane 0 (local.get $h1)) (f64.load (i32.add (local.get $y1) (local.get $j)))))
                    (f64.add (f64.mul (f64x2.extract_lane 0 (local.get $h2)) (f64.load (i32.add (local.get $y2) (local.get $j))))
                             (f64.mul (f64x2.extract_lane 0 (local.get $h3)) (f64.load (i32.add (local.get $y3) (local.get $j))))))))))
            (local.set $h (i32.add (local.get $h) (i32.const 32)))
            (local.set $b (i32.add (local.get $b) (i32.const 4)))
            (br $rowsB)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rowsI))))
)
