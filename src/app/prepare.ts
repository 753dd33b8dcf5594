/**
 * The run-preparation step every KHA use-case (fit, compare, spectral-cluster) takes before any
 * work: the shared validation, the kernel (a given one, or the median-σ Gaussian, announced), the
 * rank check and the memory plan. Defaults come from RUN_DEFAULTS (runOptions.ts); the backend's
 * lifecycle is withCenteredGram's (gram.ts).
 */
import * as os from 'os';
import { UserError } from '../errors';
import type { Dataset } from '../data/dataset';
import { gramCacheBytes } from '../kernels';
import { medianPairwiseDistance } from '../kernels/bandwidth';
import { sigmaToGamma, type KernelSpec } from '../kernels/kernel';
import type { FitEvent } from './fit';
import { RUN_DEFAULTS, type GramOptions } from './runOptions';

/**
 * Validate what every run shares and return its kernel. `r`: components; `memory`: what the run
 * keeps besides A (A K′, SMD's B); `rank`: refuse more components than the feature space holds
 * (not for spectral clustering, whose affinity is not centered).
 */
export function prepareRun(
  data: Dataset,
  o: Required<Pick<GramOptions, 'gramCacheMB' | 'blockSize'>> & Pick<GramOptions, 'kernel' | 'memoryLimitMB'> & { passes: number; seed: number },
  r: number,
  memory: { keepsAK: boolean; keepsB: boolean; rank?: boolean },
  onEvent?: (event: FitEvent) => void,
): KernelSpec {
  if (!Number.isInteger(r) || r < 1 || r > data.l)
    throw new UserError(`--components must be an integer between 1 and the number of points (${data.l}), got ${r}`);
  if (!Number.isInteger(o.passes) || o.passes < 1) throw new UserError(`--passes must be a positive integer, got ${o.passes}`);
  const kernel = resolveKernel(data, o.kernel, o.seed, onEvent);
  if (memory.rank !== false) checkRank(data, kernel, r);
  checkMemory(data, r, memory.keepsAK, memory.keepsB, o.gramCacheMB, o.blockSize, o.memoryLimitMB);
  return kernel;
}

/**
 * The kernel a fit uses: the given one, or a Gaussian at the median pairwise distance (announced
 * through `say`; σ = 1 when more than half the sampled pairs are identical points, announced too).
 */
export function resolveKernel(data: Dataset, kernel?: KernelSpec, seed = RUN_DEFAULTS.seed, onEvent?: (event: FitEvent) => void): KernelSpec {
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
  const rows = new Set<string>();
  for (let p = 0; p < data.l && rows.size <= r; p++) rows.add(data.X.subarray(p * data.d, (p + 1) * data.d).join(','));
  if (rows.size <= r)
    throw new UserError(`the data have only ${rows.size} distinct point${rows.size === 1 ? '' : 's'}: at most ${rows.size - 1} component(s) after centering; lower --components (now ${r})`);
  let dimension = Infinity;
  if (kernel.type === 'linear') dimension = data.d;
  else if (kernel.type === 'polynomial') for (let k = 1, c = 1; k <= kernel.degree; k++) dimension = c = (c * (data.d + k)) / k;
  if (kernel.type === 'polynomial') dimension -= 1;
  if (r > dimension)
    throw new UserError(`a ${kernel.type} kernel on ${data.d} features has at most ${dimension} components; lower --components (now ${r})`);
}

const MiB = 2 ** 20;

/**
 * Refuse, before any work, a fit that would not fit the memory budget: the figure it needs and the
 * flags that change it. Counted: the data (and the f32 copy a fast Gram backend keeps), A (and A K',
 * B for the schedules that keep them), the model's copy of A, the row blocks (two in the engine, one
 * fetched while it steps through the other, and the backend's f32 and f64 output: 3.5 blocks of
 * f64), and the f32 Gram cache when its budget lets it be kept.
 */
export function checkMemory(data: Dataset, r: number, keepsAK: boolean, keepsB: boolean, gramCacheMB: number, blockSize: number, limitMB?: number): void {
  const limit = limitMB ?? (0.9 * os.totalmem()) / MiB;
  const physical = os.totalmem() / MiB;
  if (gramCacheMB > physical)
    throw new UserError(`--gram-cache ${gramCacheMB} MiB is more than this machine's memory (${physical.toFixed(0)} MiB); lower it (0 computes rows on the fly)`);
  const rl = r * data.l * 8;
  const matrices = rl * (2 + (keepsAK ? 1 : 0) + (keepsB ? 1 : 0));
  const cache = gramCacheBytes(data.l) <= gramCacheMB * MiB ? gramCacheBytes(data.l) : 0;
  const dataBytes = data.X.byteLength + data.l * Math.ceil(data.d / 4) * 4 * 4;
  const needed = (dataBytes + matrices + 3.5 * blockSize * data.l * 8 + cache) / MiB;
  if (needed > limit)
    throw new UserError(
      `this fit needs about ${needed.toFixed(0)} MiB (data ${(dataBytes / MiB).toFixed(0)}, iterates ${(matrices / MiB).toFixed(0)}` +
        `${cache ? `, Gram cache ${(cache / MiB).toFixed(0)}` : ''} MiB), more than the limit of ${limit.toFixed(0)} MiB: ` +
        `${cache ? 'use --gram-cache 0, ' : ''}lower --components, or raise --memory-limit`,
    );
}

