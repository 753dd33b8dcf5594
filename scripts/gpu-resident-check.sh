#!/usr/bin/env bash
# The WebGPU-resident path on a machine with a GPU (docs/GPU.md, "Resident on the GPU"): the equality
# tests on its adapter, then one SMD pass timed beside wasm. Run from anywhere after `npm ci`.
set -euo pipefail
cd "$(dirname "$0")/.."
npx tsc -p tsconfig.bench.json
# the equality tests fail here, not skip, if no adapter answers: this script is for a machine that has one
node -e "require('webgpu').create([]).requestAdapter().then((a) => { if (!a) { console.error('no WebGPU adapter'); process.exit(1); } console.log('adapter:', a.info.vendor, a.info.architecture, a.info.description); process.exit(0); })"
npx jest test/kernels/webgpuResident.test.ts test/kha/residentBlocked.test.ts 2>&1 | grep -v '^Warning: ' | tail -40
run() {
  local util=""
  if command -v nvidia-smi >/dev/null 2>&1; then
    nvidia-smi --query-gpu=utilization.gpu --format=csv,noheader,nounits -lms 200 >/tmp/gpu-util.$$ &
    util=$!
  fi
  node dist-bench/bench/resident.js "$@" 2>&1 | grep -v '^Warning: '
  if [ -n "$util" ]; then
    kill "$util"
    awk '{ s += $1; n++ } END { if (n) printf "GPU utilisation: mean %.0f%% over %d samples\n", s / n, n }' /tmp/gpu-util.$$
    rm -f /tmp/gpu-util.$$
  fi
}
run --l 20000 --d 784 --r 16 --block 64 --gain smd
run --l 60000 --d 784 --r 16 --block 64 --gain smd --skip-wasm
