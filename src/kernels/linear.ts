/** Linear kernel k(x, z) = x·z. */
import type { LinearKernel } from './kernel';
import type { KernelImpl } from './kernelImpl';

export function linear(spec: LinearKernel): KernelImpl {
  return {
    spec,
    translationInvariant: false,
    fromDots() {
      // the dot products are the kernel values
    },
    gpuSource: `function (X, Z) {
      let s = 0;
      for (let t = 0; t < this.constants.d; t++) {
        s += X[this.thread.x * this.constants.d + t] * Z[this.thread.y * this.constants.d + t];
      }
      return s;
    }`,
    gpuConstants: {},
  };
}
