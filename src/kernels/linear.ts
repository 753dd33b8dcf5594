/** Linear kernel k(x, z) = x·z. */
import type { LinearKernel } from './kernel';
import { compileFromDots, type KernelImpl } from './kernelImpl';

// the dot products are the kernel values
const FROM_DOTS = `function () {
  return function () {};
}`;

export function linear(spec: LinearKernel): KernelImpl {
  return {
    spec,
    translationInvariant: false,
    fromDots: compileFromDots(FROM_DOTS, {}),
    fromDotsSource: FROM_DOTS,
    gpuSource: `function (X, Z) {
      let s = 0;
      for (let t = 0; t < this.constants.d; t++) {
        s += X[this.thread.x][t] * Z[this.thread.y][t];
      }
      return s;
    }`,
    constants: {},
    gpuConstantTypes: {},
  };
}
