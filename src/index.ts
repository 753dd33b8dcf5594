/**
 * kpca-hebbian as a library:
 *
 *     import { loadDataset, fit, transform, saveModel } from 'kpca-hebbian';
 *     const data = await loadDataset('points.csv');
 *     const { model } = await fit(data, { components: 8, kernel: { type: 'gaussian', gamma: 0.01 }, gain: 'smd' });
 *     const Y = await transform(model, data.X, data.l);
 */
export { fit, FIT_DEFAULTS, type FitOptions, type FitResult, type FitEvent } from './app/fit';
export { transform, type TransformOptions } from './app/transform';
export {
  preimage,
  denoise,
  denoisingError,
  preimageCoefficients,
  type PreimageOptions,
  type PreimageResult,
} from './app/denoise';
export { compare, type CompareOptions, type CompareResult } from './app/compare';
export { writeReport } from './report';
export {
  spectralCluster,
  SPECTRAL_DEFAULTS,
  writeAssignments,
  formatAssignments,
  type SpectralClusterOptions,
  type SpectralClusterResult,
} from './app/spectralCluster';
export type { KpcaModel } from './model/model';
export type { Certificate, ComponentBound } from './eval/certificate';
export { saveModel, loadModel, MODEL_FORMAT_VERSION } from './model/modelFile';
export { loadDataset } from './data/load';
export type { Dataset } from './data/dataset';
export { KhaEngine, type EngineOptions, type RunLimits, type PassReport } from './kha/engine';
export { createGainSchedule, GAIN_NAMES, type GainName, type GainParameters, type GainSchedule } from './kha/gains';
export { rayleighRitz } from './kha/rayleighRitz';
export type { RowSource } from './kernels/rowSource';
export { DenseRowSource } from './kha/denseRowSource';
export { createGramBackend, availableBackends, CenteredGram, NormalizedAffinity, BACKEND_NAMES } from './kernels';
export type { KernelSpec, GaussianKernel, PolynomialKernel, LinearKernel } from './kernels/kernel';
export type { BackendName, BackendRequest, GramBackend } from './kernels/backend';
export { UserError, DataError, NumericalError, Interrupted, ExitCode } from './errors';
export { VERSION } from './version';
