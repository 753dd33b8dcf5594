/**
 * A fitted kernel PCA model: everything needed to project new points, and how it was made.
 * Options (what the user asked for) live in FitOptions; this is fitted state only.
 */
import type { GainName } from '../kha/gains';
import type { KernelSpec } from '../kernels/kernel';
import type { Certificate } from '../eval/certificate';

export interface KpcaModel {
  kernel: KernelSpec;
  /** r */
  components: number;
  /** training points, l × d row-major: projections need k(x_j, x) */
  X: Float64Array;
  l: number;
  d: number;
  featureNames: string[];
  /** centering statistics of the training Gram matrix: m_j and m̄ */
  rowMeans: Float64Array;
  grandMean: number;
  /** tr K' */
  trace: number;
  /** r × l coefficients (Ritz vectors): projection y(x) = A k'(x), A K' Aᵀ = I */
  A: Float64Array;
  /** eigenvalues of K' (same scale as scikit-learn's eigenvalues_), decreasing */
  eigenvalues: Float64Array;
  gain: { name: GainName; parameters: Record<string, number> };
  seed: number;
  /** passes and steps the fit ran */
  passes: number;
  steps: number;
  /** sha256 of the training data (X, shape, labels) */
  dataHash: string;
  /** the Gram backend the fit ran on */
  backend: string;
  /** how the fit ended */
  stoppedBy: string;
  /** kpca-hebbian version that wrote it */
  softwareVersion: string;
  /** error bounds of the eigenpairs (absent in model files written before certificates existed) */
  certificate?: Certificate;
}
