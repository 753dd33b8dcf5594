/// <reference types="@webgpu/types" />
/**
 * The centered Gram matrix K' on a WebGPU device, with X, the row means and the blocked update's CK
 * resident there (docs/GPU.md, "Resident on the GPU"): hand-written WGSL compute shaders through the
 * Dawn binding webgpuShim.ts loads. A block of B centered rows is computed into device memory and
 * stays there; what comes back is the B × B corner the steps read, R Rᵀ, and the r × B products
 * C Rᵀ, CK Rᵀ, D Rᵀ, never the B × l rows. The exact X K' products and the centering pass use the same
 * shaders (r × l and l-vector results). Every index is a u32: no f32 index arithmetic anywhere.
 */
import { UserError } from '../errors';
import type { KernelSpec } from './kernel';
import { columnMeans } from './points';
import { fitsF32, maxAbs, rangeExponent, scaledKernel, timesPowerOfTwo } from './range';
import type { ResidentProducts, ResidentRows } from './residentRows';
import { installWebGPU } from './webgpuShim';

/** Threads of the reductions (one workgroup per output value, its threads striding over the l terms). */
const REDUCE = 256;
/** Blocks of X K' between progress reports (and checks of the abort signal). */
const PROGRESS_BLOCKS = 16;
/** Threads per workgroup of the element-wise shaders. */
const WIDE = 64;

/** Rows of the block one workgroup of the rows shader computes (its threads keep one sum per row). */
const ROWS = 64;
/** Coordinates of those rows staged in workgroup memory at a time. */
const TILE = 16;

/** k(x, z) in WGSL: `term` (of coordinates a of x, z of z) summed over t < d into s, then `value`. */
function kernelWgsl(kernel: KernelSpec): { term: string; value: string } {
  switch (kernel.type) {
    case 'gaussian':
      return { term: '(a - z) * (a - z)', value: 'exp(-P.gamma * s)' };
    case 'polynomial':
      // repeated multiplication: pow() of a negative base is undefined in WGSL
      return { term: 'a * z', value: 'power(s + P.coef0)' };
    case 'linear':
      return { term: 'a * z', value: 's' };
  }
}

const shaders = (kernel: KernelSpec) => {
  const { term, value } = kernelWgsl(kernel);
  return {
    /**
     * Kb[b·l + j] = factor·k(x_{idx[b]}, x_j) − m_{idx[b]} − m_j + m̄ (the raw kernel when m = 0, m̄ = 0).
     * A workgroup takes WIDE columns j and ROWS rows b: the rows' coordinates are staged in workgroup
     * memory TILE at a time, each thread reads its x_j once and keeps ROWS sums, so X is read once a
     * block rather than once per row of it.
     */
    rows: /* wgsl */ `
struct Params { l: u32, d: u32, count: u32, degree: u32, gamma: f32, coef0: f32, factor: f32, grand: f32 }
@group(0) @binding(0) var<storage, read> X: array<f32>;
@group(0) @binding(1) var<storage, read> means: array<f32>;
@group(0) @binding(2) var<storage, read> idx: array<u32>;
@group(0) @binding(3) var<storage, read_write> Kb: array<f32>;
@group(0) @binding(4) var<uniform> P: Params;
fn power(base: f32) -> f32 {
  var v: f32 = 1.0;
  for (var q: u32 = 0u; q < P.degree; q++) { v *= base; }
  return v;
}
var<workgroup> Z: array<f32, ${ROWS * TILE}>;
@compute @workgroup_size(${WIDE})
fn main(
  @builtin(global_invocation_id) g: vec3<u32>,
  @builtin(workgroup_id) w: vec3<u32>,
  @builtin(local_invocation_index) lt: u32,
) {
  let j = g.x;
  let b0 = w.y * ${ROWS}u;
  let rows = min(${ROWS}u, P.count - b0);
  // threads past the last column compute a copy of it (every thread must reach the barriers), unwritten
  let xj = min(j, P.l - 1u) * P.d;
  var acc: array<f32, ${ROWS}>;
  for (var t0: u32 = 0u; t0 < P.d; t0 += ${TILE}u) {
    let width = min(${TILE}u, P.d - t0);
    for (var e: u32 = lt; e < ${ROWS * TILE}u; e += ${WIDE}u) {
      let b = e / ${TILE}u;
      let t = e % ${TILE}u;
      var v: f32 = 0.0;
      if (b < rows && t < width) { v = X[idx[b0 + b] * P.d + t0 + t]; }
      Z[e] = v;
    }
    workgroupBarrier();
    for (var t: u32 = 0u; t < width; t++) {
      let a = X[xj + t0 + t];
      // all ROWS sums (rows past the block read zeros): a fixed trip count the compiler can unroll
      for (var b: u32 = 0u; b < ${ROWS}u; b++) {
        let z = Z[b * ${TILE}u + t];
        acc[b] += ${term};
      }
    }
    workgroupBarrier();
  }
  if (j < P.l) {
    for (var b: u32 = 0u; b < rows; b++) {
      let s = acc[b];
      let i = idx[b0 + b];
      Kb[(b0 + b) * P.l + j] = P.factor * ${value} - means[i] - means[j] + P.grand;
    }
  }
}`,
    /** out[offset + i·stride + b] = A_(row0 + i) · Kb_b over l terms: one workgroup per value */
    product: /* wgsl */ `
struct Params { l: u32, n: u32, row0: u32, offset: u32, stride: u32, pad0: u32, pad1: u32, pad2: u32 }
@group(0) @binding(0) var<storage, read> A: array<f32>;
@group(0) @binding(1) var<storage, read> Kb: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@group(0) @binding(3) var<uniform> P: Params;
var<workgroup> part: array<f32, ${REDUCE}>;
@compute @workgroup_size(${REDUCE})
fn main(@builtin(workgroup_id) w: vec3<u32>, @builtin(local_invocation_index) t: u32) {
  let b = w.x;
  let i = w.y;
  let a = (P.row0 + i) * P.l;
  let k = b * P.l;
  var s: f32 = 0.0;
  for (var j: u32 = t; j < P.l; j += ${REDUCE}u) { s += A[a + j] * Kb[k + j]; }
  part[t] = s;
  workgroupBarrier();
  for (var h: u32 = ${REDUCE / 2}u; h > 0u; h >>= 1u) {
    if (t < h) { part[t] += part[t + h]; }
    workgroupBarrier();
  }
  if (t == 0u) { out[P.offset + i * P.stride + b] = part[0]; }
}`,
    /** corner[b'·count + b] = Kb[b·l + idx[b']] */
    corner: /* wgsl */ `
struct Params { l: u32, count: u32, offset: u32, pad: u32 }
@group(0) @binding(0) var<storage, read> Kb: array<f32>;
@group(0) @binding(1) var<storage, read> idx: array<u32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@group(0) @binding(3) var<uniform> P: Params;
@compute @workgroup_size(${WIDE})
fn main(@builtin(global_invocation_id) g: vec3<u32>) {
  let b = g.x;
  let q = g.y;
  if (b >= P.count || q >= P.count) { return; }
  out[P.offset + q * P.count + b] = Kb[b * P.l + idx[q]];
}`,
    /** out[offset + i·count + b] = mats[(row0 + i)·l + idx[b]]: columns of CK */
    gather: /* wgsl */ `
struct Params { l: u32, r: u32, count: u32, row0: u32, offset: u32, pad0: u32, pad1: u32, pad2: u32 }
@group(0) @binding(0) var<storage, read> mats: array<f32>;
@group(0) @binding(1) var<storage, read> idx: array<u32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@group(0) @binding(3) var<uniform> P: Params;
@compute @workgroup_size(${WIDE})
fn main(@builtin(global_invocation_id) g: vec3<u32>) {
  let b = g.x;
  let i = g.y;
  if (b >= P.count || i >= P.r) { return; }
  out[P.offset + i * P.count + b] = mats[(P.row0 + i) * P.l + idx[b]];
}`,
    /**
     * next[i·l + j] = Σ_q M[i·r + q] mats[(row0 + q)·l + j] + Σ_b H[i·count + b] Kb[b·l + j] for i < r
     * (small = M, then H; r here: the rows transformed)
     */
    transform: /* wgsl */ `
struct Params { l: u32, r: u32, count: u32, row0: u32 }
@group(0) @binding(0) var<storage, read> mats: array<f32>;
@group(0) @binding(1) var<storage, read> Kb: array<f32>;
@group(0) @binding(2) var<storage, read> small: array<f32>;
@group(0) @binding(3) var<storage, read_write> next: array<f32>;
@group(0) @binding(4) var<uniform> P: Params;
@compute @workgroup_size(${WIDE})
fn main(@builtin(global_invocation_id) g: vec3<u32>) {
  let j = g.x;
  let i = g.y;
  if (j >= P.l || i >= P.r) { return; }
  var s: f32 = 0.0;
  for (var q: u32 = 0u; q < P.r; q++) { s += small[i * P.r + q] * mats[(P.row0 + q) * P.l + j]; }
  let h = P.r * P.r + i * P.count;
  for (var b: u32 = 0u; b < P.count; b++) { s += small[h + b] * Kb[b * P.l + j]; }
  next[i * P.l + j] = s;
}`,
    /**
     * mats[(row0 + i)·l + idx[b]] += V[i·count + b], or = with mode 1 (the indices of a block are
     * distinct: no races)
     */
    setColumns: /* wgsl */ `
struct Params { l: u32, r: u32, count: u32, row0: u32, mode: u32, pad0: u32, pad1: u32, pad2: u32 }
@group(0) @binding(0) var<storage, read_write> mats: array<f32>;
@group(0) @binding(1) var<storage, read> idx: array<u32>;
@group(0) @binding(2) var<storage, read> V: array<f32>;
@group(0) @binding(3) var<uniform> P: Params;
@compute @workgroup_size(${WIDE})
fn main(@builtin(global_invocation_id) g: vec3<u32>) {
  let b = g.x;
  let i = g.y;
  if (b >= P.count || i >= P.r) { return; }
  let at = (P.row0 + i) * P.l + idx[b];
  if (P.mode == 1u) { mats[at] = V[i * P.count + b]; } else { mats[at] += V[i * P.count + b]; }
}`,
  };
};

type ShaderName = keyof ReturnType<typeof shaders>;

/** A block of rows on the device: its buffer, indices and count. */
interface Slot {
  Kb: GPUBuffer;
  idx: GPUBuffer;
  count: number;
}

export interface WebGPUResidentOptions {
  /** r, the rows of C, CK and D */
  components: number;
  /** the most rows a block has */
  blockSize: number;
  /** whether CK (and D) are kept: CK for the schedules that keep A K', D for SMD */
  withCK: boolean;
  withD: boolean;
}

export class WebGPUResident implements ResidentRows {
  readonly resident = true;
  readonly l: number;
  readonly trace: number;
  /** the centering pass's statistics, summed in float64 from the device's f32 rows */
  readonly rowMeans: Float64Array;
  readonly grandMean: number;
  private read = 0;
  /** the rows served are K′/scale (app/gainScale.ts); rowMeans, grandMean and trace stay those of K */
  private scale = 1;
  private failure: string | null = null;
  private readonly squares: Float64Array;
  /** the engine's row buffers → their device blocks (two, fetched alternately), and one for `multiply` */
  private readonly slots = new Map<Float64Array, Slot>();
  private readonly scratch: Slot;
  private readonly pipelines: Record<ShaderName, GPUComputePipeline>;
  private readonly r: number;
  private readonly B: number;
  /** rows of C and D in `mats` (r, or 2r with D), then CK's */
  private readonly cdRows: number;
  private readonly ckRow: number;
  private written = 0;
  /** [C; D; CK] as f32 rows of l, all resident: C and D follow this side's by their folds and columns */
  private readonly mats: GPUBuffer;
  private readonly next: GPUBuffer;
  private readonly small: GPUBuffer;
  private readonly out: GPUBuffer;
  private readonly means: GPUBuffer;

  private constructor(
    private readonly device: GPUDevice,
    private readonly X: GPUBuffer,
    kernel: KernelSpec,
    private readonly kernelParams: { degree: number; gamma: number; coef0: number; factor: number },
    private readonly d: number,
    l: number,
    opts: WebGPUResidentOptions,
  ) {
    this.l = l;
    this.r = opts.components;
    this.B = opts.blockSize;
    if (opts.withD && !opts.withCK) throw new RangeError('webgpu resident: D is kept only with CK');
    this.cdRows = opts.withD ? 2 * this.r : this.r;
    this.ckRow = this.cdRows;
    device.onuncapturederror = (e) => {
      this.failure ??= e.error.message;
    };
    const code = shaders(kernel);
    this.pipelines = Object.fromEntries(
      Object.entries(code).map(([name, source]) => [
        name,
        device.createComputePipeline({
          layout: 'auto',
          compute: { module: device.createShaderModule({ code: source }), entryPoint: 'main' },
        }),
      ]),
    ) as Record<ShaderName, GPUComputePipeline>;
    const storage = (bytes: number, extra = 0) =>
      device.createBuffer({
        size: Math.max(16, Math.ceil(bytes / 4) * 4),
        usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC | extra,
      });
    const rows = 1 + (opts.withCK ? 1 : 0) + (opts.withD ? 1 : 0);
    this.mats = storage(rows * this.r * l * 4);
    this.next = storage(this.cdRows * l * 4);
    this.small = storage((this.cdRows * this.cdRows + this.cdRows * this.B) * 4);
    // products of a block: 3 r × B, R Rᵀ and CK's r × B columns, then the corner (and the row sums of the centering pass)
    this.out = storage((4 * this.r * this.B + 2 * this.B * this.B + this.B) * 4);
    this.means = storage(l * 4);
    const slot = (): Slot => ({ Kb: storage(this.B * l * 4), idx: storage(this.B * 4), count: 0 });
    this.scratch = slot();
    this.newSlot = slot;
    this.squares = new Float64Array(l).fill(NaN);
    this.rowMeans = new Float64Array(l);
    this.grandMean = 0;
    this.trace = NaN;
  }
  private readonly newSlot: () => Slot;

  /**
   * X (l × d) uploaded once; the centering pass computed here, on the device. Refuses, never falls
   * back, when no WebGPU adapter answers or the data cannot be indexed in u32.
   */
  static async create(
    kernel: KernelSpec,
    X: Float64Array,
    l: number,
    d: number,
    opts: WebGPUResidentOptions,
  ): Promise<WebGPUResident> {
    if (l * d >= 2 ** 32 || opts.blockSize * l >= 2 ** 32 || 3 * opts.components * l >= 2 ** 32)
      throw new UserError(`the webgpu resident path indexes in u32: l·d = ${l * d} and B·l, 3r·l must stay below 2^32`);
    let adapter: GPUAdapter | null;
    try {
      adapter = (await installWebGPU().requestAdapter()) as GPUAdapter | null;
    } catch (e) {
      throw new UserError(`webgpu resident path: WebGPU failed to load (${(e as Error).message})`);
    }
    if (!adapter) throw new UserError('webgpu resident path: no WebGPU adapter (no GPU, or no Vulkan driver)');
    const device = await adapter.requestDevice({
      requiredLimits: {
        maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
        maxBufferSize: adapter.limits.maxBufferSize,
      },
    });
    // the f32 range, as the other f32 backends: X scaled by 2^e, the kernel absorbing it exactly (range.ts)
    const e = rangeExponent(X, l * d);
    const scaled = scaledKernel(kernel, e);
    const factor = 2 ** scaled.outputExponent;
    const gamma = scaled.kernel.type === 'gaussian' ? scaled.kernel.gamma : 0;
    if (!fitsF32(factor) || !fitsF32(gamma) || (scaled.kernel.type === 'polynomial' && !fitsF32(scaled.kernel.coef0)))
      throw new UserError(
        `the data's scale (max |x| = ${maxAbs(X, l * d)}) puts ${kernel.type} out of f32 range on the device`,
      );
    const Xs = new Float32Array(l * d);
    const shift = scaled.kernel.type === 'gaussian' ? columnMeans(X, l, d) : null; // translation invariant
    for (let i = 0; i < l; i++)
      for (let t = 0; t < d; t++) Xs[i * d + t] = timesPowerOfTwo(X[i * d + t] - (shift ? shift[t] : 0), e);
    const xBuffer = device.createBuffer({
      size: Xs.byteLength,
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST,
    });
    device.queue.writeBuffer(xBuffer, 0, Xs);
    const params = {
      degree: scaled.kernel.type === 'polynomial' ? scaled.kernel.degree : 0,
      gamma,
      coef0: scaled.kernel.type === 'polynomial' ? scaled.kernel.coef0 : 0,
      factor,
    };
    const resident = new WebGPUResident(device, xBuffer, scaled.kernel, params, d, l, opts);
    try {
      await resident.center();
    } catch (err) {
      await resident.dispose();
      throw err;
    }
    return resident;
  }

  /** From now on serve K′/s (every row, product and X K′), for the gains' kernel scale. */
  setScale(s: number): void {
    if (!(s > 0 && Number.isFinite(s))) throw new RangeError(`setScale: s must be positive and finite, got ${s}`);
    this.scale = s;
    this.device.queue.writeBuffer(
      this.means,
      0,
      Float32Array.from(this.rowMeans, (m) => m / s),
    );
  }

  get bytesRead(): number {
    return this.read;
  }

  /** The centering pass: row sums of K (ones · Kb) and its diagonal (the corner's), a block at a time. */
  private async center(): Promise<void> {
    const { l } = this;
    const ones = this.device.createBuffer({ size: l * 4, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
    this.device.queue.writeBuffer(ones, 0, new Float32Array(l).fill(1));
    const diagonal = new Float64Array(l);
    const indices = new Uint32Array(this.B);
    for (let first = 0; first < l; first += this.B) {
      const count = Math.min(this.B, l - first);
      for (let b = 0; b < count; b++) indices[b] = first + b;
      this.computeRows(this.scratch, indices.subarray(0, count), false);
      const at = this.cornerOffset();
      this.dispatchCorner(this.scratch, count);
      this.dispatchProduct(ones, this.scratch, 0, 1, at + count * count);
      const [corner, sums] = await this.readOut([at, count * count], [at + count * count, count]);
      for (let b = 0; b < count; b++) {
        this.rowMeans[first + b] = sums[b] / l;
        diagonal[first + b] = corner[b * count + b];
      }
    }
    ones.destroy();
    let grand = 0;
    for (let i = 0; i < l; i++) grand += this.rowMeans[i];
    grand /= l;
    let trace = 0;
    for (let i = 0; i < l; i++) trace += diagonal[i] - 2 * this.rowMeans[i] + grand;
    (this as { grandMean: number }).grandMean = grand;
    (this as { trace: number }).trace = trace;
    this.write(this.means, 0, Float32Array.from(this.rowMeans));
  }

  private cornerOffset(): number {
    return 4 * this.r * this.B + this.B * this.B;
  }

  async rows(indices: ArrayLike<number>, out: Float64Array): Promise<void> {
    const { l } = this;
    const count = indices.length;
    if (count > this.B) throw new RangeError(`a block of ${count} rows exceeds the blockSize ${this.B}`);
    let slot = this.slots.get(out);
    if (!slot) {
      // a new engine's buffers take over the oldest slot (a block still in use elsewhere then fails in slotOf)
      const oldest = this.slots.size >= 2 ? this.slots.keys().next().value! : null;
      slot = oldest ? this.slots.get(oldest)! : this.newSlot();
      if (oldest) this.slots.delete(oldest);
      this.slots.set(out, slot);
    }
    this.computeRows(slot, Uint32Array.from(indices), true);
    this.dispatchCorner(slot, count);
    const [corner] = await this.readOut([this.cornerOffset(), count * count]);
    for (let q = 0; q < count; q++) for (let b = 0; b < count; b++) out[b * l + indices[q]] = corner[q * count + b];
  }

  rowSquare(p: number): number {
    const s = this.squares[p];
    if (Number.isNaN(s)) throw new Error(`webgpu resident: ‖k'_${p}‖² asked before its block's products`);
    return s;
  }

  async blockProducts(
    rows: Float64Array,
    count: number,
    withCK: boolean,
    withD: boolean,
    out: ResidentProducts,
  ): Promise<void> {
    const slot = this.slotOf(rows, count);
    const { r, l } = this;
    const m = this.cdRows + (withCK ? r : 0);
    if (withD !== this.cdRows > r || m > this.ckRow + r) throw new Error('webgpu resident: created for other matrices');
    // the rows [C; D; CK] times Rᵀ, then R Rᵀ after them
    this.dispatchProduct(this.mats, slot, 0, m, 0, count);
    this.dispatchProduct(slot.Kb, slot, 0, count, m * count, count);
    const cols = m * count + count * count;
    if (withCK) {
      const params = new Uint32Array([l, r, count, this.ckRow, cols, 0, 0, 0]);
      this.dispatch('gather', [this.mats, slot.idx, this.out], params, [Math.ceil(count / WIDE), r]);
    }
    const [P, RRt, CKcol] = await this.readOut(
      [0, m * count],
      [m * count, count * count],
      [cols, withCK ? r * count : 0],
    );
    const take = (from: number, into: Float64Array) => {
      for (let i = 0; i < r * count; i++) into[i] = P[from + i];
    };
    take(0, out.PC);
    if (withD && out.PD) take(r * count, out.PD);
    if (withCK && out.PCK) take(this.cdRows * count, out.PCK);
    for (let i = 0; i < count * count; i++) out.RRt[i] = RRt[i];
    for (let i = 0; i < CKcol.length; i++) out.CKcol[i] = CKcol[i];
    for (let b = 0; b < count; b++) this.squares[this.indexOf(slot, b)] = RRt[b * count + b];
  }

  updateCK(rows: Float64Array, count: number, M: Float64Array, H: Float64Array, V: Float64Array): void {
    this.update(this.slotOf(rows, count), this.ckRow, this.r, M, H.subarray(0, this.r * count), V, 0);
  }

  updateCD(rows: Float64Array, count: number, T: Float64Array, columns: Float64Array): void {
    this.update(this.slotOf(rows, count), 0, this.cdRows, T, new Float64Array(0), columns, 1);
  }

  /** rows [row0, row0 + k) ← T rows + H R, then their columns idx[b] gain (mode 0) or become (mode 1) V's */
  private update(slot: Slot, row0: number, k: number, T: Float64Array, H: Float64Array, V: Float64Array, mode: number) {
    const { l } = this;
    const count = slot.count;
    const small = new Float32Array(k * k + H.length);
    small.set(T.subarray(0, k * k));
    small.set(H, k * k);
    this.write(this.small, 0, small);
    const n = H.length / k; // rows of R the product takes: count, or 0
    this.dispatch('transform', [this.mats, slot.Kb, this.small, this.next], new Uint32Array([l, k, n, row0]), [
      Math.ceil(l / WIDE),
      k,
    ]);
    const copy = this.device.createCommandEncoder();
    copy.copyBufferToBuffer(this.next, 0, this.mats, row0 * l * 4, k * l * 4);
    this.device.queue.submit([copy.finish()]);
    // V rides in `small` too: written after the transform above has been queued
    this.write(this.small, 0, Float32Array.from(V.subarray(0, k * count)));
    const params = new Uint32Array([l, k, count, row0, mode, 0, 0, 0]);
    this.dispatch('setColumns', [this.mats, slot.idx, this.small], params, [Math.ceil(count / WIDE), k]);
  }

  uploadCK(CK: Float64Array): void {
    this.write(this.mats, this.ckRow * this.l * 4, Float32Array.from(CK));
  }

  uploadCD(C: Float64Array, D: Float64Array | null): void {
    this.write(this.mats, 0, Float32Array.from(C));
    if (D) this.write(this.mats, this.r * this.l * 4, Float32Array.from(D));
  }

  /** bytes written to the device since it was created, X and the means included */
  get bytesWritten(): number {
    return this.written;
  }

  private write(buffer: GPUBuffer, offset: number, data: Float32Array | Uint32Array): void {
    this.device.queue.writeBuffer(buffer, offset, data);
    this.written += data.byteLength;
  }

  async readCK(CK: Float64Array): Promise<void> {
    const values = await this.readBuffer(this.mats, this.ckRow * this.l, this.r * this.l);
    for (let i = 0; i < CK.length; i++) CK[i] = values[i];
  }

  async multiply(
    X: Float64Array,
    out: Float64Array,
    onProgress?: (done: number, total: number) => void,
    signal?: AbortSignal,
  ): Promise<void> {
    const { l } = this;
    const m = X.length / l;
    if (!Number.isInteger(m) || m > 3 * this.r) throw new RangeError(`multiply: X must be m × l with m ≤ 3r`);
    const usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC;
    const A = this.device.createBuffer({ size: X.length * 4, usage });
    const product = this.device.createBuffer({ size: X.length * 4, usage });
    this.write(A, 0, Float32Array.from(X));
    const indices = new Uint32Array(this.B);
    try {
      // every block queued at once (the queue orders the scratch block's reuse), X K' read back once
      for (let first = 0, blocks = 0; first < l; first += this.B) {
        const count = Math.min(this.B, l - first);
        for (let b = 0; b < count; b++) indices[b] = first + b;
        this.computeRows(this.scratch, indices.subarray(0, count), true);
        this.dispatchProduct(A, this.scratch, 0, m, first, count, product, l);
        if (++blocks % PROGRESS_BLOCKS === 0 || first + count === l) {
          await this.device.queue.onSubmittedWorkDone();
          signal?.throwIfAborted();
          onProgress?.(first + count, l);
        }
      }
      const values = await this.readBuffer(product, 0, m * l);
      for (let i = 0; i < m * l; i++) out[i] = values[i];
    } finally {
      A.destroy();
      product.destroy();
    }
  }

  /** Destroys the device: a live one keeps Node from exiting. */
  async dispose(): Promise<void> {
    this.device.destroy();
    await this.device.lost;
  }

  private slotOf(rows: Float64Array, count: number): Slot {
    const slot = this.slots.get(rows);
    if (!slot || slot.count !== count) throw new Error('webgpu resident: products of a block never fetched');
    return slot;
  }

  private readonly slotIndices = new Map<Slot, Uint32Array>();
  private indexOf(slot: Slot, b: number): number {
    return this.slotIndices.get(slot)![b];
  }

  /** Rows of K' into the slot (of K during the centering pass, `centered` false). */
  private computeRows(slot: Slot, indices: Uint32Array, centered: boolean): void {
    slot.count = indices.length;
    this.slotIndices.set(slot, Uint32Array.from(indices));
    this.write(slot.idx, 0, indices);
    const { degree, gamma, coef0, factor } = this.kernelParams;
    const params = new ArrayBuffer(32);
    new Uint32Array(params, 0, 4).set([this.l, this.d, indices.length, degree]);
    const s = centered ? this.scale : 1;
    new Float32Array(params, 16, 4).set([gamma, coef0, factor / s, centered ? this.grandMean / s : 0]);
    const means = centered ? this.means : this.zeroMeans();
    this.dispatch('rows', [this.X, means, slot.idx, slot.Kb], params, [
      Math.ceil(this.l / WIDE),
      Math.ceil(indices.length / ROWS),
    ]);
  }

  private zeros: GPUBuffer | null = null;
  private zeroMeans(): GPUBuffer {
    return (this.zeros ??= this.device.createBuffer({ size: this.l * 4, usage: GPUBufferUsage.STORAGE }));
  }

  /** out[offset + i·n + b] = A_(row0 + i) · Kb_b for i < m, b < n (n: the slot's count) */
  /** out[offset + i·stride + b] = A_(row0 + i) · Kb_b for i < m, b < n (n: the slot's count) */
  private dispatchProduct(
    A: GPUBuffer,
    slot: Slot,
    row0: number,
    m: number,
    offset: number,
    n = slot.count,
    out = this.out,
    stride = n,
  ): void {
    const params = new Uint32Array([this.l, n, row0, offset, stride, 0, 0, 0]);
    this.dispatch('product', [A, slot.Kb, out], params, [n, m]);
  }

  private dispatchCorner(slot: Slot, count: number): void {
    const params = new Uint32Array([this.l, count, this.cornerOffset(), 0]);
    this.dispatch('corner', [slot.Kb, slot.idx, this.out], params, [Math.ceil(count / WIDE), count]);
  }

  /** One dispatch, submitted alone: uniforms and small inputs written before it keep their values for it. */
  private dispatch(name: ShaderName, buffers: GPUBuffer[], params: ArrayBuffer | ArrayBufferView, groups: number[]) {
    const pipeline = this.pipelines[name];
    const uniform = this.device.createBuffer({
      size: params.byteLength,
      usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
    });
    this.device.queue.writeBuffer(uniform, 0, params);
    const bindGroup = this.device.createBindGroup({
      layout: pipeline.getBindGroupLayout(0),
      entries: [...buffers, uniform].map((buffer, binding) => ({ binding, resource: { buffer } })),
    });
    const encoder = this.device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup);
    pass.dispatchWorkgroups(groups[0], groups[1] ?? 1);
    pass.end();
    this.device.queue.submit([encoder.finish()]);
    uniform.destroy(); // freed once the submitted work is done
  }

  /** Adjacent ranges [offset, count] of the output buffer, read back in one copy. */
  private async readOut(...ranges: [number, number][]): Promise<Float32Array[]> {
    const from = ranges[0][0];
    const to = ranges[ranges.length - 1][0] + ranges[ranges.length - 1][1];
    const all = await this.readBuffer(this.out, from, to - from);
    return ranges.map(([o, n]) => all.subarray(o - from, o - from + n));
  }

  /** count f32 values at `offset` (in values) of a buffer, counted in bytesRead. */
  private async readBuffer(buffer: GPUBuffer, offset: number, count: number): Promise<Float32Array> {
    const staging = this.device.createBuffer({
      size: Math.max(4, count * 4),
      usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
    });
    const encoder = this.device.createCommandEncoder();
    encoder.copyBufferToBuffer(buffer, offset * 4, staging, 0, count * 4);
    this.device.queue.submit([encoder.finish()]);
    await staging.mapAsync(GPUMapMode.READ);
    const values = new Float32Array(staging.getMappedRange().slice(0));
    staging.unmap();
    staging.destroy();
    if (this.failure) throw new Error(`webgpu resident: the device reported an error: ${this.failure}`);
    this.read += count * 4;
    return values;
  }
}
