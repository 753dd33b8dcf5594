/**
 * A convergence certificate (certificate.ts) read back from a file, checked field by field: bounds may
 * be NaN or infinite (null in JSON) and are then reported as not converged, never trusted.
 */
import { arrayOf, boolean, finite, finiteOrNull, integer, object, oneOf, stringArray } from '../io/schema';
import type { Certificate, ComponentBound } from './certificate';

const passesNeeded = (value: unknown, field: string) => (value === null ? null : integer(value, field, 0));

function componentBound(value: unknown, field: string): ComponentBound {
  const c = object(value, field);
  // a certificate keeps NaN or infinite estimates (null in JSON) and reports them as not converged
  const n = (name: keyof ComponentBound) => finiteOrNull(c[name], `${field}.${name}`) ?? NaN;
  return {
    eigenvalue: n('eigenvalue'),
    residual: n('residual'),
    eigenvalueBound: n('eigenvalueBound'),
    lowerBound: n('lowerBound'),
    gap: n('gap'),
    angleBound: finiteOrNull(c.angleBound, `${field}.angleBound`),
  };
}

/** A certificate as stored in models and checkpoints, checked; `r`: its number of components. */
export function checkCertificate(value: unknown, field: string, r: number): Certificate {
  const c = object(value, field);
  return {
    norm: oneOf(c.norm, `${field}.norm`, ['rkhs', 'l2'] as const),
    components: arrayOf(c.components, `${field}.components`, componentBound, r),
    tailBound: finiteOrNull(c.tailBound, `${field}.tailBound`) ?? NaN,
    subspaceAngleBound: finiteOrNull(c.subspaceAngleBound, `${field}.subspaceAngleBound`),
    tolerance: finite(c.tolerance, `${field}.tolerance`, { exclusiveMin: 0 }),
    converged: boolean(c.converged, `${field}.converged`),
    warnings: stringArray(c.warnings, `${field}.warnings`),
    ...(c.passesNeeded === undefined ? {} : { passesNeeded: passesNeeded(c.passesNeeded, `${field}.passesNeeded`) }),
    ...(c.passesNeededSlowing === undefined
      ? {}
      : { passesNeededSlowing: boolean(c.passesNeededSlowing, `${field}.passesNeededSlowing`) }),
  };
}
