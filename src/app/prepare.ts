/**
 * The run-preparation step every use-case takes before any work. KHA runs (fit, compare,
 * spectral-cluster): the shared validation, the kernel (a given one, or the median-σ Gaussian,
 * announced), the rank check and the memory plan; their backend's lifecycle is withCenteredGram's
 * (gram.ts). transform: the points checked against the model and the backend's lifecycle
 * (withModelBackend). Defaults come from RUN_DEFAULTS (runOptions.ts).
 */
import { UserError } from '../errors';
import { keptValues, type GainSchedule } from '../kha/gains';
import { arenaDoubles } from '../kha/wasm/wasmUpdate';
import type { Dataset } from '../data/dataset';
import { gramCacheBytes } from '../kernels';
import type { BackendRequest } from '../kernels/backend';
import { medianPairwiseDistance } from '../kernels/bandwidth';
import { sigmaToGamma, type KernelSpec } from '../kernels/kernel';
import type { FitEvent } from './fit';
import { RUN_DEFAULTS, type GramOptions } from './runOptions';
import { checkComponentsExist } from './advice';
import { usableMemory } from './memory';
import { createGramBackend } from '../kernels';
import type { GramBackend } from '../kernels/backend';
import type { KpcaModel } from '../model/model';

/**
 * transform's preparation: m points of `values` numbers must have the model's d features, the block
 * size must be a positive integer; then `body` runs with a Gram backend on the model's training
 * points, released whatever happens.
 */
export async function withModelBackend<T>(
  model: Pick<KpcaModel, 'kernel' | 'X' | 'l' | 'd'>,
  points: { m: number; values: number },
  o: { backend?: BackendRequest; blockSize?: number },
  body: (backend: GramBackend, blockSize: number) => Promise<T>,
): Promise<T> {
  const { m, values } = points;
  if (!Number.isInteger(m) || m < 0 || values !== m * model.d)
    throw new UserError(
      `the data have ${m > 0 ? values / m : 0} features per point, but the model was fitted on ${model.d}`,
    );
  const blockSize = o.blockSize ?? RUN_DEFAULTS.blockSize;
  if (!Number.isInteger(blockSize) || blockSize < 1)
    throw new UserError(`the block size must be a positive integer, got ${blockSize}`);
  const backend = await createGramBackend(o.backend ?? RUN_DEFAULTS.backend, model.kernel, model.X, model.l, model.d);
  try {
    return await body(backend, blockSize);
  } finally {
    await backend.dispose();
  }
}

/**
 * Validate what every run shares and return its kernel. `r`: components; `memory`: the
 * schedules the run may use (it plans for the one that keeps the most besides A); `rank`: refuse more components than the feature space holds
 * (not for spectral clustering, whose affinity is not centered).
 */
export function prepareRun(
  data: Dataset,
  o: Required<Pick<GramOptions, 'gramCacheMB' | 'blockSize'>> &
    Pick<GramOptions, 'kernel' | 'memoryLimitMB' | 'backend'> & { passes: number; seed: number },
  r: number,
  memory: { schedules: readonly GainSchedule[]; rank?: boolean },
  onEvent?: (event: FitEvent) => void,
): KernelSpec {
  if (!Number.isInteger(r) || r < 1 || r > data.l)
    throw new UserError(`--components must be an integer between 1 and the number of points (${data.l}), got ${r}`);
  if (!Number.isInteger(o.passes) || o.passes < 1)
    throw new UserError(`--passes must be a positive integer, got ${o.passes}`);
  const kernel = resolveKernel(data, o.kernel, o.seed, onEvent);
  if (memory.rank !== false) checkRank(data, kernel, r);
  const kept = Math.max(...memory.schedules.map((schedule) => keptValues(schedule, r, data.l)));
  const initialProduct = memory.schedules.some((schedule) => schedule.needsAK);
  checkMemory(data, r, kept, o.gramCacheMB, o.blockSize, o.memoryLimitMB, o.backend, initialProduct);
  return kernel;
}

/**
 * The kernel a fit uses: the given one, or a Gaussian at the median pairwise distance (announced
 * through `say`; σ = 1 when more than half the sampled pairs are identical points, announced too).
 */
export function resolveKernel(
  data: Dataset,
  kernel?: KernelSpec,
  seed = RUN_DEFAULTS.seed,
  onEvent?: (event: FitEvent) => void,
): KernelSpec {
  if (kernel) return kernel;
  const median = medianPairwiseDistance(data.X, data.l, data.d, seed, undefined, 0);
  const say = (message: string) => onEvent?.({ type: median === 0 ? 'warning' : 'info', message });
  if (median === 0) say('the median pairwise distance is 0 (mostly identical points): using σ = 1; give --sigma');
  else say?.(`σ = ${+median.toPrecision(6)} (median pairwise distance; --sigma sets it)`);
  return { type: 'gaussian', gamma: sigmaToGamma(median || 1) };
}

/**
 * Refuse, up front and with the reason, more components than the feature space can hold: distinct
 * points − 1 (centering), d for a linear kernel, C(d + degree, degree) − 1 for a polynomial one.
 * (Otherwise the Rayleigh–Ritz step meets a singular A K′ Aᵀ: a Cholesky failure.)
 */
export function checkRank(data: Dataset, kernel: KernelSpec, r: number): void {
  checkComponentsExist(data, kernel, r);
  if (kernel.type !== 'polynomial') return;
  let dimension = 1;
  for (let k = 1; k <= kernel.degree; k++) dimension = (dimension * (data.d + k)) / k;
  dimension -= 1;
  if (r > dimension)
    throw new UserError(
      `a polynomial kernel on ${data.d} features has at most ${dimension} components; lower --components (now ${r})`,
    );
}

/**
 * Components fit iterates beyond the r it reports: GUARD_COMPONENTS, or fewer where the feature space
 * has no room (checkRank). With none, an iterate near a saddle (w_r reading λ_{r+1} when λ_r nearly
 * ties λ_{r−1}) has small residuals and passed the certificate: blobs5d, cubic kernel, every
 * schedule, θ4 wrong by 1.2–1.7·tol·λ1; with two the top four were right (docs/ALGORITHMS.md).
 */
export const GUARD_COMPONENTS = 2;

export function guardComponents(data: Dataset, kernel: KernelSpec, r: number): number {
  for (let g = GUARD_COMPONENTS; g > 0; g--) {
    try {
      checkRank(data, kernel, r + g);
      return g;
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
    }
  }
  return 0;
}

const MiB = 2 ** 20;

/**
 * What a run holds besides its own arrays, on top of the memory in use when it is planned (the
 * runtime and the loaded data): the engine's WebAssembly update module and its memory (about 16 MiB,
 * with every backend), plus the wasm backend's worker threads (about 24 MiB more), or the
 * WebGPU/gpu.js modules that `auto` loads to probe for a GPU and the gpu.js backends use (60–75 MiB).
 * Measured against peak RSS at l = 800, r = 50 and 400 (test/reliability/memoryPlan.test.ts).
 */
const backendOverhead = (backend: BackendRequest): number =>
  (backend === 'reference' ? 16 : backend === 'wasm' ? 40 : 88) * MiB;
/**
 * r × l float64 arrays besides A, A K′ and B: the final exact A K′ (a new array, so that an interrupt
 * leaves the engine as the passes did), the Ritz vectors, their A K′, the model's copy of A (4), and
 * the certificate's K′(A K′)ᵀ, its product buffer and the 2r × l bases of span{w, K′w} (6)
 */
const RITZ_RL_ARRAYS = 10;
/**
 * r × r float64 arrays at the peak: the factored update's Gram and step matrices, Rayleigh–Ritz's, and
 * the certificate's 2r × 2r matrices (four r × r each). Not all are live at once: 36 is measured
 * (peak RSS at r = 1000 and 2000, docs/RELIABILITY.md), where counting every one gives 44 and
 * over-counts by 27% at r = 2000.
 */
const RR_ARRAYS = 36;

/**
 * Refuse, before any work, a fit that would not fit the memory budget: the figure it needs and the
 * flags that change it. Counted: the memory in use now (runtime and data), a fast backend's overhead
 * and the f32 copy of the data it keeps, A and the `kept` float64 values besides
 * it (A K′ and the schedule's own iterate: `keptValues`) and the r × l and r × r arrays of the factored update and of Rayleigh–Ritz, the row blocks
 * (two in the engine, one fetched while it steps through the other, and the backend's f32 and f64
 * output: 3.5 blocks of f64), the initial A K′ product of the centering pass (`initialProduct`: kha-et,
 * smd), and the f32 Gram cache when its budget lets it be kept. Checked
 * against peak RSS for l = 2000 and r = 100 … 1000 (docs/RELIABILITY.md).
 */
export function checkMemory(
  data: Dataset,
  r: number,
  kept: number,
  gramCacheMB: number,
  blockSize: number,
  limitMB?: number,
  backend: BackendRequest = 'auto',
  initialProduct = false,
): void {
  const physical = usableMemory() / MiB;
  const limit = limitMB ?? 0.9 * physical;
  if (gramCacheMB > physical)
    throw new UserError(
      `--gram-cache ${gramCacheMB} MiB is more than this machine's memory (${physical.toFixed(0)} MiB); lower it (0 computes rows on the fly)`,
    );
  const rl = r * data.l * 8;
  // the initial A K′ taken in the centering pass (kha-et, smd): its arena and its result stay resident
  const initial = initialProduct ? (arenaDoubles(r, data.l, blockSize, []) + r * data.l) * 8 : 0;
  const matrices = rl * (1 + RITZ_RL_ARRAYS) + kept * 8 + RR_ARRAYS * r * r * 8 + initial;
  const cache = gramCacheBytes(data.l) <= gramCacheMB * MiB ? gramCacheBytes(data.l) : 0;
  const f32Copy = backend === 'reference' ? 0 : data.l * Math.ceil(data.d / 4) * 4 * 4;
  const runtime = process.memoryUsage.rss() + backendOverhead(backend) + f32Copy;
  const needed = (runtime + matrices + 3.5 * blockSize * data.l * 8 + cache) / MiB;
  if (needed > limit)
    throw new UserError(
      `this fit needs about ${needed.toFixed(0)} MiB (runtime and data ${(runtime / MiB).toFixed(0)}, iterates ${(matrices / MiB).toFixed(0)}` +
        `${cache ? `, Gram cache ${(cache / MiB).toFixed(0)}` : ''} MiB), more than the limit of ${limit.toFixed(0)} MiB: ` +
        `${cache ? 'use --gram-cache 0, ' : ''}lower --components, or raise --memory-limit`,
    );
}
