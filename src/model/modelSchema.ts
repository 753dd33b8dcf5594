/**
 * What a model file must hold to be used: every header field and array of KpcaModel checked for
 * type, range, length and finiteness (io/schema.ts). Fields a later version adds are checked by
 * their own code; unknown fields are kept as they are.
 */
import { GAIN_NAMES } from '../kha/gains/schedule';
import type { KernelSpec } from '../kernels/kernel';
import { finite, finiteArray, integer, object, oneOf, string, stringArray } from '../io/schema';
import type { StoredArray } from '../io/container';
import type { KpcaModel } from './model';
import { checkCertificate } from '../eval/certificateSchema';

export function kernelSpec(value: unknown, field: string): KernelSpec {
  const k = object(value, field);
  switch (oneOf(k.type, `${field}.type`, ['gaussian', 'polynomial', 'linear'] as const)) {
    case 'gaussian':
      return { type: 'gaussian', gamma: finite(k.gamma, `${field}.gamma`, { exclusiveMin: 0 }) };
    case 'polynomial':
      return {
        type: 'polynomial',
        degree: integer(k.degree, `${field}.degree`, 1),
        coef0: finite(k.coef0, `${field}.coef0`),
      };
    case 'linear':
      return { type: 'linear' };
  }
}

/** The model of `meta` and `arrays`, checked; throws a FieldError naming the first field that is wrong. */
export function checkModel(meta: unknown, arrays: Record<string, StoredArray>): KpcaModel {
  const m = object(meta, 'header');
  const l = integer(m.l, 'l', 1);
  const d = integer(m.d, 'd', 1);
  const r = integer(m.components, 'components', 1, l);
  const shape = `(l=${l}, d=${d}, r=${r})`;
  const gain = object(m.gain, 'gain');
  const parameters = object(gain.parameters, 'gain.parameters');
  for (const [name, v] of Object.entries(parameters)) finite(v, `gain.parameters.${name}`);
  return {
    ...(m as unknown as KpcaModel),
    kernel: kernelSpec(m.kernel, 'kernel'),
    components: r,
    l,
    d,
    X: finiteArray(arrays.X, 'X', l * d, shape),
    featureNames: stringArray(m.featureNames, 'featureNames', d),
    rowMeans: finiteArray(arrays.rowMeans, 'rowMeans', l, shape),
    grandMean: finite(m.grandMean, 'grandMean'),
    trace: finite(m.trace, 'trace', { min: 0 }),
    A: finiteArray(arrays.A, 'A', r * l, shape),
    eigenvalues: finiteArray(arrays.eigenvalues, 'eigenvalues', r, shape),
    gain: { name: oneOf(gain.name, 'gain.name', GAIN_NAMES), parameters: parameters as Record<string, number> },
    seed: integer(m.seed, 'seed', 0, 2 ** 32 - 1),
    passes: integer(m.passes, 'passes', 0),
    steps: integer(m.steps, 'steps', 0),
    dataHash: string(m.dataHash, 'dataHash', /^[0-9a-f]{64}$/),
    backend: string(m.backend, 'backend'),
    stoppedBy: string(m.stoppedBy, 'stoppedBy'),
    softwareVersion: string(m.softwareVersion, 'softwareVersion'),
    certificate: m.certificate === undefined ? undefined : checkCertificate(m.certificate, 'certificate', r),
  };
}
