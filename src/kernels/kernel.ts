/**
 * Kernel definitions shared by every Gram backend. The float64 reference of each kernel lives
 * beside its gpu.js kernel in `gaussian.ts`, `polynomial.ts`, `linear.ts`.
 */

/** Gaussian k(x, x') = exp(−γ‖x − x'‖²), γ = 1/(2σ²). */
export interface GaussianKernel {
  type: 'gaussian';
  gamma: number;
}
/** Polynomial k(x, x') = (x·x' + coef0)^degree. */
export interface PolynomialKernel {
  type: 'polynomial';
  degree: number;
  coef0: number;
}
/** Linear k(x, x') = x·x'. */
export interface LinearKernel {
  type: 'linear';
}
export type KernelSpec = GaussianKernel | PolynomialKernel | LinearKernel;

export const sigmaToGamma = (sigma: number): number => 1 / (2 * sigma * sigma);
export const gammaToSigma = (gamma: number): number => Math.sqrt(1 / (2 * gamma));

/** Human-readable description, e.g. `gaussian(sigma=8)`. */
export function describeKernel(kernel: KernelSpec): string {
  switch (kernel.type) {
    case 'gaussian':
      return `gaussian(sigma=${+gammaToSigma(kernel.gamma).toPrecision(6)}, gamma=${+kernel.gamma.toPrecision(6)})`;
    case 'polynomial':
      return `polynomial(degree=${kernel.degree}, coef0=${kernel.coef0})`;
    case 'linear':
      return 'linear';
  }
}
