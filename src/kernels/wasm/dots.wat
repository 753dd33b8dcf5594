;; Dot products of a block of points with every training point: a register-blocked f32x4 SIMD
;; micro-kernel. Assembled by scripts/build-wasm.js into dotsWasm.generated.ts (run it after editing).
;;
;; dots(x, np, z, ng, d, out, ldo): out[b][j] = Σ_t z_b[t] · x_j[t]   (f32), b < 4·ng, j < 8·np
;;   x:   the training points in np panels of 8 columns: panel p holds x_{8p+c}[t] at t·8 + c
;;        (d × 8 f32, 32 bytes per t; columns past l are zeros)
;;   z:   the block's rows in ng groups of 4: group g holds z_{4g+r}[t] at t·4 + r (d × 4 f32)
;;   out: row b of the dot products at out + b·ldo bytes; ldo a multiple of 32
;;   all pointers are byte offsets, 16-byte aligned; d ≥ 1
;; The memory is imported and shared: one copy of X serves every worker thread (wasmBackend.ts),
;; each with its own z and out regions.
;;
;; Why this shape: baseline wasm SIMD has no fused multiply-add (relaxed-simd's f32x4.relaxed_madd
;; is behind a flag in Node 20's V8 11.3), so each term is a mul and an add on 4 lanes: at best
;; 16 flops a cycle on two mul and two add pipes, half of what AVX2 FMA (the BLAS roof) does.
;; A 4 × 8 tile keeps its 32 sums in 8 v128 accumulators; per t it loads two vectors of the X
;; panel and broadcasts four z values (v128.load32_splat), 6 loads for 16 arithmetic
;; instructions, where the row-wise kernel loaded 5 for 8 and summed each value's 4 lanes at the
;; end. 8 independent accumulators cover the add latency; 8 + 2 + 1 + a temporary fit the 15
;; allocatable xmm registers of V8 on x86-64 (its TurboFan code keeps all of them in registers).
;; 4 × 12, 5 × 8 and 6 × 8 tiles, a t-loop unrolled by 2 and chunks of d of 64–256 measured slower
;; or no faster on the project's machine. Panels outermost: one X panel (8·d f32, 25 KB at
;; d = 784) stays in L1 while every group of the block passes over it, so X streams from memory
;; once per call. Each sum runs over t in order, so a value does not depend on the tile, the panel
;; or the thread that computes it.
(module
  (import "env" "memory" (memory 1 65536 shared))

  ;; one 4 × 8 tile of out, at o (rows ldo bytes apart), from group zp and panel xp
  (func $tile (param $zp i32) (param $xp i32) (param $d i32) (param $o i32) (param $ldo i32)
    (local $a00 v128) (local $a01 v128) (local $a10 v128) (local $a11 v128) (local $a20 v128) (local $a21 v128) (local $a30 v128) (local $a31 v128)
    (local $x0 v128) (local $x1 v128) (local $s v128)
    (loop $dims
      (local.set $x0 (v128.load (local.get $xp)))
      (local.set $x1 (v128.load offset=16 (local.get $xp)))
      (local.set $s (v128.load32_splat (local.get $zp)))
      (local.set $a00 (f32x4.add (local.get $a00) (f32x4.mul (local.get $s) (local.get $x0))))
      (local.set $a01 (f32x4.add (local.get $a01) (f32x4.mul (local.get $s) (local.get $x1))))
      (local.set $s (v128.load32_splat offset=4 (local.get $zp)))
      (local.set $a10 (f32x4.add (local.get $a10) (f32x4.mul (local.get $s) (local.get $x0))))
      (local.set $a11 (f32x4.add (local.get $a11) (f32x4.mul (local.get $s) (local.get $x1))))
      (local.set $s (v128.load32_splat offset=8 (local.get $zp)))
      (local.set $a20 (f32x4.add (local.get $a20) (f32x4.mul (local.get $s) (local.get $x0))))
      (local.set $a21 (f32x4.add (local.get $a21) (f32x4.mul (local.get $s) (local.get $x1))))
      (local.set $s (v128.load32_splat offset=12 (local.get $zp)))
      (local.set $a30 (f32x4.add (local.get $a30) (f32x4.mul (local.get $s) (local.get $x0))))
      (local.set $a31 (f32x4.add (local.get $a31) (f32x4.mul (local.get $s) (local.get $x1))))
      (local.set $xp (i32.add (local.get $xp) (i32.const 32)))
      (local.set $zp (i32.add (local.get $zp) (i32.const 16)))
      (local.set $d (i32.sub (local.get $d) (i32.const 1)))
      (br_if $dims (local.get $d)))
    (v128.store (local.get $o) (local.get $a00))
    (v128.store offset=16 (local.get $o) (local.get $a01))
    (local.set $o (i32.add (local.get $o) (local.get $ldo)))
    (v128.store (local.get $o) (local.get $a10))
    (v128.store offset=16 (local.get $o) (local.get $a11))
    (local.set $o (i32.add (local.get $o) (local.get $ldo)))
    (v128.store (local.get $o) (local.get $a20))
    (v128.store offset=16 (local.get $o) (local.get $a21))
    (local.set $o (i32.add (local.get $o) (local.get $ldo)))
    (v128.store (local.get $o) (local.get $a30))
    (v128.store offset=16 (local.get $o) (local.get $a31))
  )

  (func (export "dots")
    (param $x i32) (param $np i32) (param $z i32) (param $ng i32) (param $d i32) (param $out i32) (param $ldo i32)
    (local $p i32) (local $g i32) (local $xp i32) (local $zp i32) (local $o i32)
    (local $panelBytes i32) (local $groupBytes i32) (local $groupRows i32)
    (local.set $panelBytes (i32.shl (local.get $d) (i32.const 5)))
    (local.set $groupBytes (i32.shl (local.get $d) (i32.const 4)))
    (local.set $groupRows (i32.shl (local.get $ldo) (i32.const 2)))
    (local.set $xp (local.get $x))
    (block $donePanels
      (loop $panels
        (br_if $donePanels (i32.ge_u (local.get $p) (local.get $np)))
        (local.set $zp (local.get $z))
        (local.set $o (i32.add (local.get $out) (i32.shl (local.get $p) (i32.const 5))))
        (local.set $g (i32.const 0))
        (block $doneGroups
          (loop $groups
            (br_if $doneGroups (i32.ge_u (local.get $g) (local.get $ng)))
            (call $tile (local.get $zp) (local.get $xp) (local.get $d) (local.get $o) (local.get $ldo))
            (local.set $zp (i32.add (local.get $zp) (local.get $groupBytes)))
            (local.set $o (i32.add (local.get $o) (local.get $groupRows)))
            (local.set $g (i32.add (local.get $g) (i32.const 1)))
            (br $groups)))
        (local.set $xp (i32.add (local.get $xp) (local.get $panelBytes)))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $panels)))))
