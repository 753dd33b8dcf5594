/**
 * The naive form: the literal O(r²·l) updates of docs/ALGORITHMS.md, the oracle every other form is
 * tested against. Every matrix is formed explicitly; nothing is clever here.
 */
import type { Projection, UpdateOps } from '../types';
import { kha } from './kha';
import { project } from './project';
import { smd } from './smd';

export { gammaDerivative, gammaFunction } from './gamma';

export const naiveOps: UpdateOps<Projection> = {
  allocate: (length) => new Float64Array(length),
  project: (state, _iterate, p, k, rowSquare) => project(state, p, k, rowSquare),
  kha,
  smd,
};
