/**
 * Use-case: spectral clustering (Ng, Jordan & Weiss 2001) with the Kernel Hebbian Algorithm
 * (docs/ALGORITHMS.md, "Spectral clustering").
 *
 *   affinity W (W_ii = 0), degrees d in one pass  →  K̃ = D^{-1/2} W D^{-1/2}, row by row (not centered)
 *   →  KHA (default smd) for the top r eigenvectors of K̃ (r = k clusters by default)
 *   →  exact A K̃, Rayleigh–Ritz  →  embedding: column j of A K̃ (= √λ_i u_ij at convergence), rows
 *      normalized to unit length  →  seeded k-means++ with restarts  →  assignments (and scores).
 *
 * `reference: 'exact'` runs the same embedding and k-means on exact eigenvectors of the same K̃
 * (dense ml-matrix for small l, the iterative float64 solver otherwise), so the two pipelines
 * differ only in the eigenvectors. `perPass` clusters the current iterate after every pass
 * (outside the timed iteration) and scores it against the labels: a convergence series in VI.
 */
import type { Dataset } from '../data/dataset';
import { datasetHash } from '../data/hash';
import { writeDataset, formatDataset } from '../data/write';
import { UserError } from '../errors';
import { rowSourceMultiply, type BlockMultiply } from '../eval/blockMultiply';
import { clusteringScores, type ClusteringScores } from '../eval/clustering';
import { kmeans } from '../eval/kmeans';
import {
  certificate as certify,
  CERTIFICATE_TOL,
  excess,
  fixedChecks,
  l2Residuals,
  productAndFrobenius,
  withPassesNeeded,
  type Certificate,
  type ResidualCheck,
} from '../eval/certificate';
import { exactEigen, iterativeEigen, type TopEigenpairs } from '../eval/referenceSolver';
import { KhaEngine, type StopReason } from '../kha/engine';
import { createGainSchedule, type GainName, type GainParameters } from '../kha/gains';
import type { RowSource } from '../kernels/rowSource';
import { createGramBackend, NormalizedAffinity } from '../kernels';
import type { KernelSpec } from '../kernels/kernel';
import { matmul, matmulTransB, transpose } from '../linalg/dense';
import { orthonormalizeRows } from '../linalg/orthonormalize';
import { Rng } from '../linalg/rng';
import { RUN_DEFAULTS, type KhaRunOptions, type ResumableOptions } from './runOptions';
import { checkpointing, interruptible, readCheckpoint, type RunIdentity } from './checkpoint';
import { spectralState } from './checkpointSchema';
import { symmetricEigen } from '../linalg/symmetricEigen';
import type { FitEvent } from './fit';
import { prepareRun } from './prepare';

export interface SpectralClusterOptions extends KhaRunOptions, ResumableOptions {
  /** k, the number of clusters */
  clusters: number;
  /** eigenvectors in the embedding (default: k, as Ng, Jordan & Weiss) */
  components?: number;
  /** defaults: the schedule's, except η0 for smd and kha-et (see SPECTRAL_GAIN_SCALE) */
  gainParameters?: GainParameters;
  /** k-means++ seedings; the lowest inertia is kept (default 10, as scikit-learn) */
  restarts?: number;
  /** also cluster with exact eigenvectors of the same K̃ (not when stopped by the signal) */
  reference?: 'exact';
  /** the certificate's tolerance on each eigenvalue bound, relative to λ1 (default CERTIFICATE_TOL) */
  certificateTol?: number;
  /** after every pass, cluster the current iterate and score it against the labels (needs labels) */
  perPass?: boolean;
  /** default: data.labels; scores are computed when there are labels */
  labels?: ArrayLike<string | number>;
  onEvent?: (event: SpectralEvent) => void;
}

export type SpectralEvent = FitEvent | { type: 'clustering'; pass: number; scores: ClusteringScores };

/** One pipeline's outcome. */
export interface Clustering {
  /** cluster of each point, 0..k−1, numbered in order of first appearance */
  assignments: Int32Array;
  /** eigenvalues of K̃ behind the embedding (Ritz values for KHA), decreasing */
  eigenvalues: Float64Array;
  /** k-means objective on the unit-length embedding */
  inertia: number;
  scores?: ClusteringScores;
}

export interface PassClustering {
  pass: number;
  /** seconds of KHA iteration up to this pass (measurements excluded) */
  seconds: number;
  scores: ClusteringScores;
}

export interface SpectralClusterResult {
  kernel: KernelSpec;
  clusters: number;
  components: number;
  gain: { name: GainName; parameters: Record<string, number> };
  seed: number;
  restarts: number;
  backend: string;
  /** seconds of the affinity pass (degrees, cache) */
  affinitySeconds: number;
  affinityCached: boolean;
  kha: Clustering & { certificate: Certificate; passes: number; steps: number; seconds: number; stoppedBy: StopReason };
  exact?: Clustering & { solver: 'dense' | 'iterative'; seconds: number };
  perPass?: PassClustering[];
  /** the checkpoint written last, if any (a run stopped by its signal rejects with Interrupted, naming its checkpoint) */
  checkpointWritten?: string;
}

export const SPECTRAL_DEFAULTS = {
  gain: 'smd' as GainName,
  passes: 20,
  restarts: 10,
  ...RUN_DEFAULTS,
};

/**
 * Default base gains for K̃: η0 = c / rms_p ‖k̃_p‖ (the root mean square row norm, √(tr(K̃²)/l),
 * estimated from a seeded sample of rows). The fit defaults (η0 = 0.03) are tuned for K′ on USPS,
 * whose eigenvalues are in the hundreds: on K̃ (eigenvalues ≤ 1) they barely move A in 10 passes. No
 * fixed η0 suits every K̃ either: η0 = 10 suits USPS-test at σ = 8 (rms ‖k̃‖ ≈ 0.025) but is noisy
 * at σ = 4 (0.09; λ1 settles 5% low, η0 = 3 is better there) and diverges on 220 points in 4 blobs
 * (0.15; η0 = 1 to 3 works). c = 0.3 gives about 12, 3.3 and 2 on those three: an empirical rule from
 * these measurements (docs/results/spectral-usps.md), not a derived one. Scaling by ‖k̃‖² instead
 * was tried and is too steep (σ = 4 then converges too slowly, σ = 8 is noisy). Schedules without an
 * entry keep their own defaults (not tuned for K̃).
 */
export const SPECTRAL_GAIN_SCALE: Partial<Record<GainName, number>> = { smd: 0.3, 'kha-et': 0.3 };

/** Rows sampled to estimate rms ‖k̃_p‖. */
const GAIN_SAMPLE_ROWS = 256;

/** rms_p ‖k̃_p‖ over a seeded sample of rows (all rows when l is small). */
export async function rmsRowNorm(source: RowSource, seed: number, sample = GAIN_SAMPLE_ROWS): Promise<number> {
  const { l } = source;
  const rng = new Rng(seed);
  const indices =
    l <= sample ? Array.from({ length: l }, (_, i) => i) : Array.from({ length: sample }, () => rng.int(l));
  const rows = new Float64Array(indices.length * l);
  await source.rows(indices, rows);
  let s = 0;
  for (const v of rows) s += v * v;
  return Math.sqrt(s / indices.length);
}

/** Up to this many points the exact reference is a dense eigendecomposition (O(l³)). */
const DENSE_REFERENCE_MAX_L = 1000;

export async function spectralCluster(data: Dataset, options: SpectralClusterOptions): Promise<SpectralClusterResult> {
  const o = { ...SPECTRAL_DEFAULTS, ...options };
  const k = o.clusters;
  const r = o.components ?? k;
  const { l } = data;
  if (!Number.isInteger(k) || k < 2 || k > l)
    throw new UserError(`--clusters must be an integer between 2 and the number of points (${l}), got ${k}`);
  if (!Number.isInteger(o.restarts) || o.restarts < 1)
    throw new UserError(`--restarts must be a positive integer, got ${o.restarts}`);
  const labels = options.labels ?? data.labels;
  if (labels && labels.length !== l) throw new UserError(`${labels.length} labels for ${l} points`);
  if (o.perPass && !labels)
    throw new UserError('per-pass clustering quality needs labels (--label-column, or a data set with labels)');

  const given = definedFields(options.gainParameters);
  const probe = createGainSchedule(o.gain, given); // refuses bad gain parameters before any work
  const kernel = prepareRun(data, { ...o, kernel: options.kernel }, r, { schedules: [probe], rank: false }, o.onEvent);
  const say = (message: string) => o.onEvent?.({ type: 'info', message });

  const backend = await createGramBackend(o.backend, kernel, data.X, l, data.d, { verbose: say, threads: o.threads });
  try {
    const started = process.hrtime.bigint();
    const affinity = await NormalizedAffinity.create(backend, {
      blockSize: o.blockSize,
      cacheBudgetMB: o.gramCacheMB,
      onProgress: (done, total) => o.onEvent?.({ type: 'gram', done, total }),
    });
    const affinitySeconds = Number(process.hrtime.bigint() - started) / 1e9;
    say(
      `affinity ${affinity.cached ? `cached (${(affinity.cacheBytes / 2 ** 20).toFixed(0)} MiB f32)` : 'rows on the fly'}, ${affinitySeconds.toFixed(2)} s`,
    );

    const scale = SPECTRAL_GAIN_SCALE[o.gain];
    const gainParameters =
      scale !== undefined && given.eta0 === undefined
        ? { ...given, eta0: scale / (await rmsRowNorm(affinity, o.seed)) }
        : given;
    const schedule = createGainSchedule(o.gain, gainParameters);
    say(`gain ${schedule.name} ${JSON.stringify(schedule.parameters)}`);

    const multiply = rowSourceMultiply(affinity);
    const cluster = (pairs: TopEigenpairs) =>
      clusterEmbedding(embeddingOf(pairs), pairs.values, r, l, k, o.restarts, o.seed, labels);
    /** The KHA pipeline's finish on an iterate (a copy: it is overwritten): exact products with K̃, Rayleigh–Ritz, k-means. */
    const finish = async (A: Float64Array) => cluster(await ritzPairs(A, r, l, multiply, o.seed));

    const identity: RunIdentity = {
      dataHash: datasetHash(data),
      options: {
        useCase: 'spectral-cluster',
        kernel,
        components: r,
        gain: schedule.name,
        gainParameters: schedule.parameters,
        seed: o.seed,
        backend: backend.name,
        gramCached: affinity.cached,
        blockSize: o.blockSize,
        perPass: !!o.perPass,
      },
    };
    const resumeFrom = options.resumeFrom
      ? await readCheckpoint(options.resumeFrom, identity, data.l, spectralState(!!o.perPass))
      : undefined;
    if (resumeFrom) say(`resuming from ${options.resumeFrom}: pass ${resumeFrom.pass + 1}, step ${resumeFrom.t}`);
    const engine = await KhaEngine.create(
      affinity,
      { components: r, schedule, seed: o.seed, blockSize: o.blockSize, threads: o.threads, update: o.update },
      resumeFrom,
    );
    // the per-pass scores before an interruption are kept in the checkpoint
    const perPass: PassClustering[] = resumeFrom?.appState ?? [];
    const checkpoints = checkpointing(engine, identity, o.checkpoint, say, () => perPass, o.signal);
    /** Ritz pairs of the iterate (a copy) and their certificate; the product also sums ‖K̃‖F² (the tail bound). */
    const certifyIterate = async () => {
      let frobenius2 = NaN;
      const pairs = await checkpoints.stoppable(
        ritzPairs(
          Float64Array.from(engine.finishIterate()), // the schedule's average (constant gain), or A
          r,
          l,
          async (V) => {
            const { XM, frobenius2: f } = await productAndFrobenius(interruptible(affinity, o.signal), V);
            frobenius2 = f;
            return XM;
          },
          o.seed,
        ),
      );
      const residuals = l2Residuals(pairs.vectors, pairs.product, pairs.values, r, l);
      return {
        pairs,
        certificate: certify('l2', pairs.values, residuals, frobenius2, o.certificateTol ?? CERTIFICATE_TOL),
      };
    };
    // checks at a quarter and half-way (a product with K̃ each), so that a flagged result can say how many passes it would take
    const checks: ResidualCheck[] = [];
    const checkAt = fixedChecks(o.passes);
    const outcome = await engine.run({
      passes: o.passes,
      tol: o.tol,
      maxSeconds: o.maxSeconds,
      signal: o.signal,
      onProgress: (step, total) => o.onEvent?.({ type: 'step', pass: engine.pass + 1, step, l: total }),
      onBlock: checkpoints.onBlock,
      onPass: async (report) => {
        o.onEvent?.({ type: 'pass', report });
        if (checkAt.includes(report.pass))
          checks.push({ pass: report.pass, excess: excess((await certifyIterate()).certificate) });
        if (o.perPass) {
          const { scores } = await finish(Float64Array.from(engine.state.A));
          perPass.push({ pass: report.pass, seconds: report.seconds, scores: scores as ClusteringScores });
          o.onEvent?.({ type: 'clustering', pass: report.pass, scores: scores as ClusteringScores });
        }
        await checkpoints.afterPass(report.pass);
      },
    });
    const checkpointWritten = await checkpoints.finish(outcome.stoppedBy);
    const { pairs: final, certificate: measured } = await certifyIterate();
    checks.push({ pass: engine.pass, excess: excess(measured) });
    const certificate = withPassesNeeded(measured, checks);
    const kha = {
      ...cluster(final),
      certificate,
      passes: engine.pass,
      steps: engine.state.t,
      seconds: outcome.seconds,
      stoppedBy: outcome.stoppedBy,
    };

    let exact: SpectralClusterResult['exact'];
    if (o.reference === 'exact' && outcome.stoppedBy !== 'signal') {
      const solveStart = process.hrtime.bigint();
      const solver = l <= DENSE_REFERENCE_MAX_L ? 'dense' : 'iterative';
      say(`exact eigenvectors of K̃ (${solver} solver)`);
      const pairs =
        solver === 'dense'
          ? exactEigen(await denseMatrix(affinity), l, r)
          : await iterativeEigen(multiply, l, r, { seed: o.seed, tol: 1e-9 });
      const seconds = Number(process.hrtime.bigint() - solveStart) / 1e9;
      exact = { ...cluster(pairs), solver, seconds };
    }
    return {
      kernel,
      clusters: k,
      components: r,
      gain: { name: schedule.name, parameters: { ...schedule.parameters } },
      seed: o.seed,
      restarts: o.restarts,
      backend: backend.name,
      affinitySeconds,
      affinityCached: affinity.cached,
      kha,
      exact,
      perPass: o.perPass ? perPass : undefined,
      checkpointWritten,
    };
  } finally {
    await backend.dispose();
  }
}

/**
 * The normalized embedding and its k-means clustering. AK (r × l) holds one function per row;
 * point j's embedding is column j, scaled to unit length (Ng, Jordan & Weiss's row normalization:
 * points of one cluster then lie near one direction whatever their degree).
 */
export function clusterEmbedding(
  AK: Float64Array,
  eigenvalues: Float64Array,
  r: number,
  l: number,
  k: number,
  restarts: number,
  seed: number,
  labels?: ArrayLike<string | number>,
): Clustering {
  const embedding = unitRows(AK, r, l);
  const { assignments, inertia } = kmeans(embedding, l, r, k, { restarts, seed });
  const numbered = numberByFirstAppearance(assignments);
  return {
    assignments: numbered,
    eigenvalues: Float64Array.from(eigenvalues),
    inertia,
    scores: labels ? clusteringScores(labels, numbered) : undefined,
  };
}

/** The l × r embedding: column j of the r × l matrix AK as row j, normalized to unit length (zero rows stay zero). */
export function unitRows(AK: Float64Array, r: number, l: number): Float64Array {
  const U = new Float64Array(l * r);
  for (let j = 0; j < l; j++) {
    let s = 0;
    for (let i = 0; i < r; i++) s += AK[i * l + j] ** 2;
    const f = s > 0 ? 1 / Math.sqrt(s) : 0;
    for (let i = 0; i < r; i++) U[j * r + i] = AK[i * l + j] * f;
  }
  return U;
}

/** Cluster ids renumbered 0, 1, … in order of first appearance, so equal partitions print equal. */
function numberByFirstAppearance(assignments: Int32Array): Int32Array {
  const ids = new Map<number, number>();
  return assignments.map((c) => {
    let id = ids.get(c);
    if (id === undefined) ids.set(c, (id = ids.size));
    return id;
  });
}

/**
 * Rayleigh–Ritz of K̃ on the span of the rows of A, in ℓ2: Q = orth(A), T = Q K̃ Qᵀ = S diag(θ) Sᵀ,
 * Ritz vectors Y = Sᵀ Q (unit, orthonormal). One product with K̃ (the exact A K̃ up to the basis
 * change). Not the engine's RKHS form (rayleighRitz: H c = λ G c with G = A K̃ Aᵀ): K̃ has a zero
 * diagonal, so it is indefinite, and G is not positive definite while A still has weight on negative
 * eigendirections (seen after pass 1 on USPS). At convergence both give the top eigenpairs. A is
 * overwritten.
 */
export async function ritzPairs(
  A: Float64Array,
  r: number,
  l: number,
  multiply: BlockMultiply,
  seed: number,
): Promise<TopEigenpairs & { product: Float64Array }> {
  orthonormalizeRows(A, r, l, new Float64Array(0), 0, new Rng(seed));
  const KQ = await multiply(A, r);
  // symmetricEigen uses (T + Tᵀ)/2: Q (K̃ Qᵀ) is symmetric only up to rounding
  const { values, vectors } = symmetricEigen(matmulTransB(A, KQ, r, l, r), r);
  const St = transpose(vectors, r, r);
  // Y K̃ = Sᵀ (Q K̃): the residuals of the certificate without another product
  return { l, r, values, vectors: matmul(St, A, r, r, l), product: matmul(St, KQ, r, r, l) };
}

/**
 * The embedding functions, r × l: row i is √λ_i u_iᵀ = (K̃ a_iᵀ)ᵀ for the coefficients a_i = u_iᵀ/√λ_i
 * that KHA converges to (A K̃ Aᵀ = I), so KHA and exact eigenpairs embed the same way. A
 * non-positive Ritz value (only early in a run) contributes nothing.
 */
export function embeddingOf(pairs: TopEigenpairs): Float64Array {
  const { l, r, values, vectors } = pairs;
  const AK = new Float64Array(r * l);
  for (let i = 0; i < r; i++) {
    const s = Math.sqrt(Math.max(values[i], 0));
    for (let j = 0; j < l; j++) AK[i * l + j] = s * vectors[i * l + j];
  }
  return AK;
}

/** All of K̃ in float64 (small l only). */
async function denseMatrix(source: RowSource): Promise<Float64Array> {
  const M = new Float64Array(source.l * source.l);
  await source.rows(
    Array.from({ length: source.l }, (_, i) => i),
    M,
  );
  return M;
}

function definedFields<T extends object>(value: T | undefined): Partial<T> {
  return Object.fromEntries(Object.entries(value ?? {}).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * The assignments file: `index,cluster[,label]`, one line per point in data order (index 0-based),
 * the label column when the data have labels. Written as a data set so quoting and number format
 * follow the project's CSV writer.
 */
function assignmentsTable(assignments: Int32Array, labels?: ArrayLike<string | number>): Dataset {
  const l = assignments.length;
  const X = new Float64Array(2 * l);
  for (let j = 0; j < l; j++) {
    X[2 * j] = j;
    X[2 * j + 1] = assignments[j];
  }
  return {
    X,
    l,
    d: 2,
    featureNames: ['index', 'cluster'],
    labels: labels ? Array.from(labels, String) : undefined,
    source: 'assignments',
  };
}

export function formatAssignments(assignments: Int32Array, labels?: ArrayLike<string | number>): string {
  return formatDataset(assignmentsTable(assignments, labels), 'csv');
}

/** Write the assignments file atomically (a `.gz` path is compressed). */
export function writeAssignments(
  path: string,
  assignments: Int32Array,
  labels?: ArrayLike<string | number>,
): Promise<void> {
  return writeDataset(assignmentsTable(assignments, labels), path, 'csv');
}
