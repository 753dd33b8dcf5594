import { NumericalError } from '../errors';
import { matmul } from '../linalg/dense';
import { orthonormalizeRows } from '../linalg/orthonormalize';
import { Rng } from '../linalg/rng';
import { symmetricEigen } from '../linalg/symmetricEigen';
import { BlockMultiply, denseMultiply } from './blockMultiply';

/**
 * Reference eigenpairs of a symmetric l×l matrix (the centered Gram matrix K'), against which the
 * convergence measures are computed: an exact dense solver for small l and an iterative float64
 * solver (block Krylov with Rayleigh–Ritz) for l in the thousands.
 */

/** The top r eigenpairs of a symmetric l×l matrix. */
export interface TopEigenpairs {
  l: number;
  r: number;
  /** λ_1 ≥ … ≥ λ_r (algebraically largest first) */
  values: Float64Array;
  /**
   * r×l row-major: row i is the unit eigenvector u_i. Sign: its entry of largest magnitude is
   * positive (scikit-learn's svd_flip rule).
   */
  vectors: Float64Array;
}

/** A reference for the convergence measures: top-r eigenpairs of K' and tr(K'). */
export interface ReferenceSpectrum extends TopEigenpairs {
  trace: number;
}

/** Top r eigenpairs (all l by default) of a dense symmetric l×l matrix by ml-matrix; O(l³), l ≲ 1500. */
export function exactEigen(M: Float64Array, l: number, r: number = l): TopEigenpairs {
  checkSizes(l, r);
  if (M.length !== l * l) throw new RangeError(`exactEigen: matrix has ${M.length} entries, expected ${l}×${l}`);
  const { values, vectors } = symmetricEigen(M, l);
  const rows = new Float64Array(r * l);
  for (let i = 0; i < r; i++) for (let j = 0; j < l; j++) rows[i * l + j] = vectors[j * l + i];
  return { l, r, values: values.slice(0, r), vectors: rows };
}

export interface IterativeEigenOptions {
  /** vectors per block product (default r); must be at least the multiplicity of any wanted eigenvalue */
  blockSize?: number;
  /** largest basis kept before a thick restart (default min(l, r + 20·blockSize)) */
  maxBasis?: number;
  /** stop when every ‖M u_i − λ_i u_i‖ ≤ tol·|λ_1| (default 1e-10) */
  tol?: number;
  /** seed of the random start block (default 1) */
  seed?: number;
  /** give up (NumericalError) after this many vector products (default 10·maxBasis) */
  maxProducts?: number;
}

export interface IterativeEigenResult extends TopEigenpairs {
  /** ‖M u_i − λ_i u_i‖ for each returned pair */
  residuals: Float64Array;
  /** number of vectors multiplied by M (block products × block size) */
  products: number;
  /** thick restarts done */
  restarts: number;
  /** wall time, seconds */
  seconds: number;
}

/**
 * Top r eigenpairs of a symmetric l×l matrix M given as a block product (see BlockMultiply), in float64.
 *
 * Block Krylov–Schur iteration (block Lanczos with full reorthogonalization and thick restart), with
 * the projection computed explicitly rather than from the three-term recurrence:
 *   - Q (m×l, orthonormal rows) spans the current search space, W = M Q is kept beside it
 *     (each basis vector is multiplied exactly once), and T = Q Wᵀ = Q M Qᵀ (m×m), the projection of M.
 *   - Rayleigh–Ritz: T = S diag(θ) Sᵀ; Ritz vectors Y = Sᵀ Q, and M Y = Sᵀ W, so the residuals
 *     ‖M y_i − θ_i y_i‖ are computed explicitly, without another product with M.
 *   - Expansion: the next block is M·(last block) orthonormalized against Q (twice). In exact
 *     arithmetic span(Q) is the block Krylov space K_j(M, V₀), so this is block Lanczos.
 *   - Thick restart when m would exceed maxBasis: keep the k leading Ritz vectors (Q ← Sₖᵀ Q,
 *     W ← Sₖᵀ W, T ← diag(θₖ)). Their residuals lie in span(next block) (Galerkin condition), so
 *     span(Q, next block) is again invariant up to the next block and the iteration continues.
 * Converged when every top-r residual is ≤ tol·|θ_1|; eigenvalue errors are then ≲ residual²/gap.
 * A dependent (breakdown) block is completed with random vectors. Deterministic for a given seed.
 */
export async function iterativeEigen(
  multiply: BlockMultiply,
  l: number,
  r: number,
  options: IterativeEigenOptions = {},
): Promise<IterativeEigenResult> {
  checkSizes(l, r);
  const started = performance.now();
  const b = options.blockSize ?? r;
  const maxBasis = Math.min(l, options.maxBasis ?? r + 20 * b);
  const tol = options.tol ?? 1e-10;
  const maxProducts = options.maxProducts ?? 10 * maxBasis;
  if (!(Number.isInteger(b) && b >= 1 && b <= l)) throw new RangeError(`iterativeEigen: bad blockSize ${b}`);
  if (maxBasis < l && maxBasis < r + 2 * b) {
    throw new RangeError(`iterativeEigen: maxBasis ${maxBasis} must be at least r + 2·blockSize = ${r + 2 * b}`);
  }
  const keep = Math.min(maxBasis - b, Math.max(r + b, Math.floor(maxBasis / 2)));
  const rng = new Rng(options.seed ?? 1);

  const Q = new Float64Array(maxBasis * l);
  const W = new Float64Array(maxBasis * l);
  let T = new Float64Array(maxBasis * maxBasis); // stride maxBasis
  let m = 0;
  let products = 0;
  let restarts = 0;

  let blockRows = b;
  let block = new Float64Array(b * l);
  for (let j = 0; j < block.length; j++) block[j] = rng.normal();
  orthonormalizeRows(block, b, l, Q, 0, rng);

  for (;;) {
    // Append the block to Q and its image to W; extend T = Q Wᵀ by the new rows and columns.
    const image = await multiply(block, blockRows);
    if (image.length !== blockRows * l)
      throw new RangeError(`iterativeEigen: multiply returned ${image.length} values, expected ${blockRows * l}`);
    Q.set(block, m * l);
    W.set(image, m * l);
    products += blockRows;
    const mNew = m + blockRows;
    for (let j = m; j < mNew; j++) {
      for (let i = 0; i < j; i++) {
        // Q_i·W_j = Q_iᵀ M Q_j; within the new block both Q_i·W_j and Q_j·W_i exist: average them.
        const t = i < m ? rowDot(Q, i, W, j, l) : 0.5 * (rowDot(Q, i, W, j, l) + rowDot(Q, j, W, i, l));
        T[i * maxBasis + j] = t;
        T[j * maxBasis + i] = t;
      }
      T[j * maxBasis + j] = rowDot(Q, j, W, j, l);
    }
    const lastBlockStart = m;
    m = mNew;

    // Rayleigh–Ritz on span(Q).
    const Tm = new Float64Array(m * m);
    for (let i = 0; i < m; i++) Tm.set(T.subarray(i * maxBasis, i * maxBasis + m), i * m);
    const { values: theta, vectors: S } = symmetricEigen(Tm, m);
    const St = leadingColumnsTransposed(S, m, r);
    const Y = matmul(St, Q.subarray(0, m * l), r, m, l);
    const MY = matmul(St, W.subarray(0, m * l), r, m, l);
    const residuals = new Float64Array(r);
    for (let i = 0; i < r; i++) {
      let s = 0;
      for (let j = 0; j < l; j++) {
        const d = MY[i * l + j] - theta[i] * Y[i * l + j];
        s += d * d;
      }
      residuals[i] = Math.sqrt(s);
    }
    const scale = Math.abs(theta[0]);
    if (residuals.every((res) => res <= tol * scale)) {
      normalizeAndFixSigns(Y, r, l);
      return {
        l,
        r,
        values: theta.slice(0, r),
        vectors: Y,
        residuals,
        products,
        restarts,
        seconds: (performance.now() - started) / 1000,
      };
    }
    if (products >= maxProducts || m === l) {
      throw new NumericalError(
        `iterativeEigen: not converged after ${products} vector products (largest residual ` +
          `${Math.max(...residuals) / scale} of |λ1|, tolerance ${tol}); raise maxBasis or blockSize`,
      );
    }

    // Next block: M·(last block), orthonormalized against the whole basis.
    const nextRows = maxBasis === l ? Math.min(b, l - m) : b;
    const next = W.slice(lastBlockStart * l, (lastBlockStart + nextRows) * l);
    orthonormalizeRows(next, nextRows, l, Q, m, rng);

    if (m + nextRows > maxBasis) {
      // Thick restart: keep the leading `keep` Ritz vectors and their images.
      const Sk = leadingColumnsTransposed(S, m, keep);
      Q.set(matmul(Sk, Q.subarray(0, m * l), keep, m, l));
      W.set(matmul(Sk, W.subarray(0, m * l), keep, m, l));
      T = new Float64Array(maxBasis * maxBasis);
      for (let i = 0; i < keep; i++) T[i * maxBasis + i] = theta[i];
      m = keep;
      restarts++;
    }
    block = next;
    blockRows = nextRows;
  }
}

/** iterativeEigen on a dense symmetric l×l matrix (row-major, float64 or float32). */
export function iterativeEigenDense(
  M: Float64Array | Float32Array,
  l: number,
  r: number,
  options: IterativeEigenOptions = {},
): Promise<IterativeEigenResult> {
  return iterativeEigen(denseMultiply(M, l), l, r, options);
}

function checkSizes(l: number, r: number): void {
  if (!(Number.isInteger(l) && l >= 1)) throw new RangeError(`bad matrix size l = ${l}`);
  if (!(Number.isInteger(r) && r >= 1 && r <= l)) throw new RangeError(`need 1 ≤ r ≤ l = ${l}, got r = ${r}`);
}

/** Q_i · W_j for rows of length l. */
function rowDot(Q: Float64Array, i: number, W: Float64Array, j: number, l: number): number {
  let s = 0;
  const qi = i * l;
  const wj = j * l;
  for (let k = 0; k < l; k++) s += Q[qi + k] * W[wj + k];
  return s;
}

/** The first k columns of the m×m row-major S, transposed: k×m. */
function leadingColumnsTransposed(S: Float64Array, m: number, k: number): Float64Array {
  const out = new Float64Array(k * m);
  for (let i = 0; i < k; i++) for (let j = 0; j < m; j++) out[i * m + j] = S[j * m + i];
  return out;
}

/** Scale each row to unit norm and make its entry of largest magnitude positive. */
function normalizeAndFixSigns(Y: Float64Array, r: number, l: number): void {
  for (let i = 0; i < r; i++) {
    const row = Y.subarray(i * l, (i + 1) * l);
    let s = 0;
    let big = 0;
    for (let j = 0; j < l; j++) {
      s += row[j] * row[j];
      if (Math.abs(row[j]) > Math.abs(big)) big = row[j];
    }
    const f = (big < 0 ? -1 : 1) / Math.sqrt(s);
    for (let j = 0; j < l; j++) row[j] *= f;
  }
}
