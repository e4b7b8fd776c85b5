;; k-means assignment kernel (WebAssembly SIMD, f32x4): for each row, the centre minimising
;; ‖c‖² − 2 x·c (the expanded distance of analytics §2), then the row is added (in f64) to its
;; cluster's sum and count. Rows and centres are f32, d % 4 == 0. Returns the number of rows whose
;; label changed (labels hold the previous assignment on entry).
;; Assembled with wabt (wat2wasm, SIMD enabled) and embedded as base64 in kmeans-assign-wasm.ts.
(module
  (memory (export "memory") 1)
  (func (export "assign")
    (param $x i32) (param $rows i32) (param $d i32) (param $c i32) (param $k i32) (param $norms i32) (param $labels i32)
    (param $sums i32) (param $counts i32) (result i32)
    (local $changed i32) (local $sp i32) (local $v v128) (local $la i32)
    (local $i i32) (local $j i32) (local $t i32) (local $acc v128) (local $xp i32) (local $cp i32)
    (local $best i32) (local $bs f32) (local $s f32) (local $rowBytes i32)
    (local.set $rowBytes (i32.shl (local.get $d) (i32.const 2)))
    (local.set $xp (local.get $x))
    (block $done_i (loop $loop_i
      (br_if $done_i (i32.ge_u (local.get $i) (local.get $rows)))
      (local.set $best (i32.const 0))
      (local.set $bs (f32.const inf))
      (local.set $j (i32.const 0))
      (local.set $cp (local.get $c))
      (block $done_j (loop $loop_j
        (br_if $done_j (i32.ge_u (local.get $j) (local.get $k)))
        (local.set $acc (v128.const f32x4 0 0 0 0))
        (local.set $t (i32.const 0))
        (block $done_t (loop $loop_t
          (br_if $done_t (i32.ge_u (local.get $t) (local.get $rowBytes)))
          (local.set $acc
            (f32x4.add (local.get $acc)
              (f32x4.mul (v128.load (i32.add (local.get $xp) (local.get $t)))
                         (v128.load (i32.add (local.get $cp) (local.get $t))))))
          (local.set $t (i32.add (local.get $t) (i32.const 16)))
          (br $loop_t)))
        (local.set $s
          (f32.sub (f32.load (i32.add (local.get $norms) (i32.shl (local.get $j) (i32.const 2))))
            (f32.mul (f32.const 2)
              (f32.add
                (f32.add (f32x4.extract_lane 0 (local.get $acc)) (f32x4.extract_lane 1 (local.get $acc)))
                (f32.add (f32x4.extract_lane 2 (local.get $acc)) (f32x4.extract_lane 3 (local.get $acc)))))))
        (if (f32.lt (local.get $s) (local.get $bs))
          (then (local.set $bs (local.get $s)) (local.set $best (local.get $j))))
        (local.set $cp (i32.add (local.get $cp) (local.get $rowBytes)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $loop_j)))
      (local.set $la (i32.add (local.get $labels) (i32.shl (local.get $i) (i32.const 2))))
      (if (i32.ne (i32.load (local.get $la)) (local.get $best))
        (then (local.set $changed (i32.add (local.get $changed) (i32.const 1)))))
      (i32.store (local.get $la) (local.get $best))
      ;; sums[best] += row (f64), counts[best] += 1
      (local.set $sp (i32.add (local.get $sums) (i32.mul (local.get $best) (i32.shl (local.get $d) (i32.const 3)))))
      (local.set $t (i32.const 0))
      (block $done_s (loop $loop_s
        (br_if $done_s (i32.ge_u (local.get $t) (local.get $rowBytes)))
        (local.set $v (v128.load (i32.add (local.get $xp) (local.get $t))))
        (v128.store (local.get $sp)
          (f64x2.add (v128.load (local.get $sp)) (f64x2.promote_low_f32x4 (local.get $v))))
        (v128.store offset=16 (local.get $sp)
          (f64x2.add (v128.load offset=16 (local.get $sp))
            (f64x2.promote_low_f32x4
              (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v)))))
        (local.set $sp (i32.add (local.get $sp) (i32.const 32)))
        (local.set $t (i32.add (local.get $t) (i32.const 16)))
        (br $loop_s)))
      (f64.store (i32.add (local.get $counts) (i32.shl (local.get $best) (i32.const 3)))
        (f64.add (f64.load (i32.add (local.get $counts) (i32.shl (local.get $best) (i32.const 3)))) (f64.const 1)))
      (local.set $xp (i32.add (local.get $xp) (local.get $rowBytes)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $loop_i)))
    (local.get $changed)))
