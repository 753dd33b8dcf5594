/**
 * Measurements of a KHA iterate against the reference (docs/ALGORITHMS.md, "Measures of convergence").
 * They work on a copy of A and compute A K' afresh (engine.multiplyBySource), so measuring never
 * changes the iteration; the engine excludes the time spent here from its `seconds`.
 */
import type { ReferenceSpectrum } from '../../eval/referenceSolver';
import {
  eigenvalueError,
  orthonormalityError,
  reconstructionError,
  relativeExcessError,
  subspaceError,
} from '../../eval/convergence';
import type { KhaEngine } from '../../kha/engine';
import { rayleighRitz } from '../../kha/rayleighRitz';
import { rayleighQuotients } from '../../kha/state';

export interface IterateMeasures {
  /** RKHS reconstruction error E(A) */
  reconstructionError: number;
  /** (E − E*)/E* */
  relativeExcessError: number;
  /** max_i |λ̃_i − λ_i|/λ_1 for the RKHS Rayleigh quotients λ̃ of the raw iterate's rows (index-paired) */
  eigenvalueErrorRayleigh: number;
  /** max_i |θ_i − λ_i|/λ_1 for the Ritz values θ of a Rayleigh–Ritz step on span(A) (what a fit reports) */
  eigenvalueErrorRitz: number;
  /** ‖A K' Aᵀ − I‖_max of the raw iterate */
  orthonormalityError: number;
  /** largest sine of the principal angles between span{w_i} and the true top-r eigenspace */
  subspaceError: number;
  /** λ̃_i, the raw iterate's RKHS Rayleigh quotients */
  rayleighQuotients: number[];
  /** θ_i, Ritz values, decreasing */
  ritzValues: number[];
}

export async function measureIterate(engine: KhaEngine, reference: ReferenceSpectrum): Promise<IterateMeasures> {
  const { r, l } = engine.state;
  const A = Float64Array.from(engine.state.A);
  const AK = await engine.multiplyBySource(A);
  const lambda = rayleighQuotients(A, AK, r, l);
  const E = reconstructionError(A, AK, r, l, reference.trace);
  // The subspace and Ritz measures need rows of A independent in the RKHS; a degenerate iterate
  // (which a diverging run can reach) reads as NaN rather than ending the comparison.
  const ritz = orNaN(() => rayleighRitz(A, AK, r, l).eigenvalues);
  return {
    reconstructionError: E,
    relativeExcessError: relativeExcessError(E, reference, r),
    eigenvalueErrorRayleigh: eigenvalueError(lambda, reference),
    eigenvalueErrorRitz: ritz ? eigenvalueError(ritz, reference) : NaN,
    orthonormalityError: orthonormalityError(A, AK, r, l),
    subspaceError: orNaN(() => subspaceError(A, AK, r, l, reference)) ?? NaN,
    rayleighQuotients: Array.from(lambda),
    ritzValues: ritz ? Array.from(ritz) : [],
  };
}

function orNaN<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch {
    return undefined;
  }
}
