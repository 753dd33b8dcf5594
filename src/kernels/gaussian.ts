/** Gaussian kernel k(x, z) = exp(−γ‖x − z‖²). */
import { UserError } from '../errors';
import type { GaussianKernel } from './kernel';
import { compileFromDots, type KernelImpl } from './kernelImpl';

const FROM_DOTS = `function ({ gamma }) {
  return function (dots, m, l, zNorms, xNorms) {
    // ‖x − z‖² = ‖x‖² + ‖z‖² − 2 x·z, clamped at 0 where rounding makes it slightly negative
    for (let b = 0; b < m; b++) {
      const zn = zNorms[b], row = b * l;
      for (let j = 0; j < l; j++) {
        const sq = zn + xNorms[j] - 2 * dots[row + j];
        dots[row + j] = Math.exp(-gamma * (sq > 0 ? sq : 0));
      }
    }
  };
}`;

export function gaussian(spec: GaussianKernel): KernelImpl {
  const gamma = spec.gamma;
  if (!(gamma > 0 && Number.isFinite(gamma))) throw new UserError(`gaussian kernel: gamma must be > 0 (got ${gamma})`);
  const constants = { gamma };
  return {
    spec,
    translationInvariant: true,
    fromDots: compileFromDots(FROM_DOTS, constants),
    fromDotsSource: FROM_DOTS,
    // Difference form on f32 backends: no cancellation, and the same speed as the norm form.
    gpuSource: `function (X, Z) {
      let s = 0;
      for (let t = 0; t < this.constants.d; t++) {
        const e = X[this.thread.x][t] - Z[this.thread.y][t];
        s += e * e;
      }
      return Math.exp(-this.constants.gamma * s);
    }`,
    constants,
    gpuConstantTypes: { gamma: 'Float' },
  };
}
