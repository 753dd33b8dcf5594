/** Polynomial kernel k(x, z) = (x·z + coef0)^degree, degree a positive integer. */
import { UserError } from '../errors';
import type { PolynomialKernel } from './kernel';
import { compileFromDots, type KernelImpl } from './kernelImpl';

const FROM_DOTS = `function ({ degree, coef0 }) {
  return function (dots, m, l) {
    for (let i = 0; i < m * l; i++) dots[i] = (dots[i] + coef0) ** degree;
  };
}`;

export function polynomial(spec: PolynomialKernel): KernelImpl {
  const { degree, coef0 } = spec;
  // An integer degree keeps k defined for negative x·z + coef0 (and positive semi-definite);
  // the gpu.js source raises to it by repeated multiplication, since GLSL/WGSL pow(negative, n) is undefined.
  if (!Number.isInteger(degree) || degree < 1) {
    throw new UserError(`polynomial kernel: degree must be a positive integer (got ${degree})`);
  }
  if (!Number.isFinite(coef0)) throw new UserError(`polynomial kernel: coef0 must be finite (got ${coef0})`);
  const constants = { degree, coef0 };
  return {
    spec,
    translationInvariant: false,
    fromDots: compileFromDots(FROM_DOTS, constants),
    fromDotsSource: FROM_DOTS,
    gpuSource: `function (X, Z) {
      let s = 0;
      for (let t = 0; t < this.constants.d; t++) {
        s += X[this.thread.x][t] * Z[this.thread.y][t];
      }
      const base = s + this.constants.coef0;
      let v = 1;
      for (let p = 0; p < this.constants.degree; p++) {
        v *= base;
      }
      return v;
    }`,
    constants,
    gpuConstantTypes: { degree: 'Integer', coef0: 'Float' },
  };
}
