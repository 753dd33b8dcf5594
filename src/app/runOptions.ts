/**
 * The options every KHA use-case shares (fit, spectral-cluster, compare): how to build the Gram rows
 * and how long to iterate. Each use-case's options extend these with what is its own.
 */
import type { GainName, GainParameters } from '../kha/gains';
import type { BackendRequest } from '../kernels/backend';
import type { KernelSpec } from '../kernels/kernel';
import { DEFAULT_BLOCK_SIZE, DEFAULT_CACHE_BUDGET_MB } from '../kernels/gramRows';
import type { UpdateForm } from '../kha/ops';

/** The defaults every use-case and the CLI help share (one source: the Gram layer's constants). */
export const RUN_DEFAULTS = {
  backend: 'auto' as BackendRequest,
  gramCacheMB: DEFAULT_CACHE_BUDGET_MB,
  blockSize: DEFAULT_BLOCK_SIZE,
  seed: 1,
};

export interface GramOptions {
  /** default: Gaussian with σ = the median pairwise distance */
  kernel?: KernelSpec;
  /** Gram backend (default 'auto': the fastest correct one here) */
  backend?: BackendRequest;
  /** keep the f32 Gram (or affinity) matrix in memory when it fits this many MiB (default RUN_DEFAULTS; 0 = rows on the fly) */
  gramCacheMB?: number;
  /** rows per backend call (default RUN_DEFAULTS.blockSize) */
  blockSize?: number;
  /** threads computing the wasm backend's rows (default: the available cores); results do not depend on it */
  threads?: number;
  /** refuse up front a run planned to need more memory (default 90% of physical memory) */
  memoryLimitMB?: number;
}

export interface KhaRunOptions extends GramOptions {
  /** gain schedule (default 'smd') */
  gain?: GainName;
  gainParameters?: GainParameters;
  /** maximum passes */
  passes?: number;
  /** stop when a pass changes the eigenvalue estimates by less than this, relative to λ1 */
  tol?: number;
  /** stop iterating after this many seconds */
  maxSeconds?: number;
  /** seed of the generator: initial A and permutations (default 1) */
  seed?: number;
  /**
   * how a step is carried out (kha/ops): 'factored' (the default; the fastest measured on few cores)
   * or 'blocked' (a block's r × l work as matrix products on `threads` threads); equal to rounding
   */
  update?: UpdateForm;
}

/** Where and how often a long run writes checkpoints. */
export interface CheckpointPlan {
  path: string;
  /** every this many passes */
  everyPasses?: number;
  /** at the first block boundary after this many seconds since the last one */
  everySeconds?: number;
}

/** Interruption and resumption, for the use-cases that iterate long (fit, spectral-cluster). */
export interface ResumableOptions {
  /** stop at the next block boundary: the checkpoint is written (when planned), and the result is that of the iterate as it stands */
  signal?: AbortSignal;
  /** write checkpoints to `path`: every `everyPasses` passes and/or `everySeconds` seconds, and when stopped by the signal */
  checkpoint?: CheckpointPlan;
  /** continue from this checkpoint (refused when the data or options differ) */
  resumeFrom?: string;
}
