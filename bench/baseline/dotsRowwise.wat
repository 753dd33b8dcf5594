;; Dot products of a block of points with every training point, f32x4 SIMD.
;; Assembled by scripts/build-wasm.js into dotsWasm.generated.ts (run it after editing this file).
;;
;; dots(x, l, z, m, dv, out): out[b*l + j] = Σ_t z_b[t] · x_j[t]   (f32), b < m, j < l
;;   x:   l rows, z: m rows, each row dv f32x4 vectors (d padded with zeros to a multiple of 4)
;;   m:   a multiple of 4 (the caller pads the block with zero rows)
;;   all pointers are byte offsets, 16-byte aligned
;; The memory is imported and shared: one copy of X serves every worker thread (wasmBackend.ts),
;; each with its own z and out regions.
;; Four z rows share each load of x_j, so X streams through memory once per four rows;
;; the four accumulators are independent, so the multiply-adds pipeline. (Eight rows per pass
;; measured slower on x86-64: 25–28 ms vs 19 ms per 64 × 7291 × 256 block, register spills.)
(module
  (import "env" "memory" (memory 1 65536 shared))

  (func $hsum (param $v v128) (result f32)
    (f32.add
      (f32.add (f32x4.extract_lane 0 (local.get $v)) (f32x4.extract_lane 1 (local.get $v)))
      (f32.add (f32x4.extract_lane 2 (local.get $v)) (f32x4.extract_lane 3 (local.get $v)))))

  (func (export "dots")
    (param $x i32) (param $l i32) (param $z i32) (param $m i32) (param $dv i32) (param $out i32)
    (local $rowBytes i32) (local $lBytes i32) (local $b i32) (local $j i32) (local $off i32)
    (local $xp i32) (local $z0 i32) (local $z1 i32) (local $z2 i32) (local $z3 i32) (local $o i32)
    (local $xv v128) (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local.set $rowBytes (i32.shl (local.get $dv) (i32.const 4)))
    (local.set $lBytes (i32.shl (local.get $l) (i32.const 2)))
    (block $doneB
      (loop $rowsB
        (br_if $doneB (i32.ge_u (local.get $b) (local.get $m)))
        (local.set $z0 (i32.add (local.get $z) (i32.mul (local.get $b) (local.get $rowBytes))))
        (local.set $z1 (i32.add (local.get $z0) (local.get $rowBytes)))
        (local.set $z2 (i32.add (local.get $z1) (local.get $rowBytes)))
        (local.set $z3 (i32.add (local.get $z2) (local.get $rowBytes)))
        (local.set $o (i32.add (local.get $out) (i32.mul (local.get $b) (local.get $lBytes))))
        (local.set $xp (local.get $x))
        (local.set $j (i32.const 0))
        (block $doneJ
          (loop $pointsJ
            (br_if $doneJ (i32.ge_u (local.get $j) (local.get $l)))
            (local.set $a0 (v128.const i64x2 0 0))
            (local.set $a1 (v128.const i64x2 0 0))
            (local.set $a2 (v128.const i64x2 0 0))
            (local.set $a3 (v128.const i64x2 0 0))
            (local.set $off (i32.const 0))
            ;; a_r += z_r[t..t+3] * x_j[t..t+3], r = 0..3
            (loop $dimsT
              (local.set $xv (v128.load (i32.add (local.get $xp) (local.get $off))))
              (local.set $a0 (f32x4.add (local.get $a0)
                (f32x4.mul (v128.load (i32.add (local.get $z0) (local.get $off))) (local.get $xv))))
              (local.set $a1 (f32x4.add (local.get $a1)
                (f32x4.mul (v128.load (i32.add (local.get $z1) (local.get $off))) (local.get $xv))))
              (local.set $a2 (f32x4.add (local.get $a2)
                (f32x4.mul (v128.load (i32.add (local.get $z2) (local.get $off))) (local.get $xv))))
              (local.set $a3 (f32x4.add (local.get $a3)
                (f32x4.mul (v128.load (i32.add (local.get $z3) (local.get $off))) (local.get $xv))))
              (local.set $off (i32.add (local.get $off) (i32.const 16)))
              (br_if $dimsT (i32.lt_u (local.get $off) (local.get $rowBytes))))
            (f32.store (local.get $o) (call $hsum (local.get $a0)))
            (f32.store (i32.add (local.get $o) (local.get $lBytes)) (call $hsum (local.get $a1)))
            (f32.store (i32.add (local.get $o) (i32.shl (local.get $lBytes) (i32.const 1))) (call $hsum (local.get $a2)))
            (f32.store (i32.add (local.get $o) (i32.mul (local.get $lBytes) (i32.const 3))) (call $hsum (local.get $a3)))
            (local.set $o (i32.add (local.get $o) (i32.const 4)))
            (local.set $xp (i32.add (local.get $xp) (local.get $rowBytes)))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $pointsJ)))
        (local.set $b (i32.add (local.get $b) (i32.const 4)))
        (br $rowsB)))))
