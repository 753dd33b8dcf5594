/**
 * Failures whose cause is the problem, not the gains: found up front where it is cheap (a look at
 * the points and the kernel), and named in the numerical errors that a gain cannot fix.
 */
import { NumericalError, UserError } from '../errors';
import type { Dataset } from '../data/dataset';
import { squaredNorms } from '../kernels/blockDots';
import type { KernelSpec } from '../kernels/kernel';

/** The number of distinct points (rows compared bit for bit), counted up to `enough` (cheap when r ≪ l). */
export function distinctPoints(X: Float64Array, l: number, d: number, enough = l): number {
  const seen = new Set<string>();
  const bytes = Buffer.from(X.buffer, X.byteOffset, l * d * 8);
  for (let i = 0; i < l && seen.size < enough; i++) seen.add(bytes.toString('latin1', i * d * 8, (i + 1) * d * 8));
  return seen.size;
}

/**
 * Refuse, before any work, `r` components that these points and this kernel cannot have: the
 * centred Gram matrix K′ has rank at most (distinct points − 1), and at most d for the linear
 * kernel; a polynomial kernel whose values overflow or underflow float64 has no usable K′.
 */
export function checkComponentsExist(data: Dataset, kernel: KernelSpec, r: number): void {
  const { X, l, d } = data;
  const distinct = distinctPoints(X, l, d, r + 1);
  if (distinct === 1)
    throw new UserError(
      `${l === 1 ? 'there is only one point' : `all ${l} points are identical`}: the centred kernel matrix is zero ` +
        'and has no components; kernel PCA needs at least two distinct points',
    );
  const points = distinct === l ? `${l} points` : `${distinct} distinct points (of ${l})`;
  if (r > distinct - 1)
    throw new UserError(
      `-r ${r}: ${points} have at most ${distinct - 1} components, since centring leaves the kernel matrix rank ≤ ` +
        `(distinct points − 1); use -r ${distinct - 1} or less`,
    );
  if (kernel.type === 'linear' && r > d)
    throw new UserError(
      `-r ${r}: the linear kernel of ${d}-dimensional points has at most ${d} components; ` +
        `use -r ${d} or less, or a gaussian or polynomial kernel`,
    );
  if (kernel.type === 'polynomial') {
    const maxNorm2 = squaredNorms(X, l, d).reduce((m, v) => Math.max(m, v), 0);
    const largest = (maxNorm2 + Math.abs(kernel.coef0)) ** kernel.degree;
    const range = !Number.isFinite(largest) ? 'overflows' : largest < 1e-290 ? 'underflows' : null;
    if (range)
      throw new UserError(
        `the polynomial kernel (x·x′ + ${kernel.coef0})^${kernel.degree} ${range} float64 on these data ` +
          `(max ‖x‖² = ${maxNorm2.toPrecision(3)}): lower --degree, or scale the data so that ‖x‖² + coef0 is near 1`,
      );
  }
}

/** The mean of k(x, x) over the points for the dot-product kernels (O(l·d)); 1 for the Gaussian. */
function meanSelfSimilarity(data: Dataset, kernel: KernelSpec): number {
  if (kernel.type === 'gaussian') return 1;
  let sum = 0;
  for (const s of squaredNorms(data.X, data.l, data.d))
    sum += kernel.type === 'linear' ? s : (s + kernel.coef0) ** kernel.degree;
  return sum / data.l;
}

/** The cause of a numerical failure that no gain can fix, or null. */
function causeBeyondGains(kernel: KernelSpec, data: Dataset): string | null {
  if (kernel.type === 'polynomial' && kernel.coef0 < 0)
    return (
      `the polynomial kernel with --coef0 ${kernel.coef0} < 0 is not positive semi-definite: K′ has negative ` +
      'eigenvalues, which the Hebbian iteration cannot follow; use --coef0 0 or more'
    );
  if (kernel.type === 'polynomial' && kernel.degree > 20)
    return (
      `the polynomial kernel of degree ${kernel.degree} spreads K′'s eigenvalues over too many orders of magnitude ` +
      'for any gain; lower --degree (2 to 10 is usual)'
    );
  const scale = meanSelfSimilarity(data, kernel);
  if (!(scale > 1e-6 && scale < 1e6))
    return (
      `the kernel's values are of order ${scale.toPrecision(2)} (mean k(x, x)), far from 1, on which the gains are based: ` +
      'scale the data (a linear kernel grows with ‖x‖², a polynomial one with its power)'
    );
  return null;
}

/** `err`, or when it is a numerical failure with a cause beyond the gains, a NumericalError naming that cause first. */
export function explainFailure(err: unknown, kernel: KernelSpec, data: Dataset, r: number): unknown {
  if (!(err instanceof NumericalError)) return err;
  // Rayleigh–Ritz factors A K′ Aᵀ: it is singular when K′ has fewer than r eigenvalues above rounding
  const cause = /^Cholesky/.test(err.message)
    ? `-r ${r}: K′ has fewer than ${r} eigenvalues distinguishable from rounding on these data ` +
      '(their numerical rank is lower); use a smaller -r'
    : causeBeyondGains(kernel, data);
  if (!cause) return err;
  return new NumericalError(`${cause}. (${err.message.replace(/ The gains are too large.*$/, '')})`);
}
