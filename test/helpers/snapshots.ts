/** Engine snapshots compared component by component (the update forms against the naive oracle, resumes). */
import type { EngineSnapshot } from '../../src/kha/engine';
import { relativeMaxError } from './problems';

/** A, A K′, the schedule's own iterate and the row norms the gains read agree to `tolerance` (relative). */
export function expectSnapshotsClose(fast: EngineSnapshot, slow: EngineSnapshot, tolerance: number): void {
  expect(relativeMaxError(fast.A, slow.A)).toBeLessThan(tolerance);
  if (slow.AK) expect(relativeMaxError(fast.AK as Float64Array, slow.AK)).toBeLessThan(tolerance);
  expect(Object.keys(fast.schedule).sort()).toEqual(Object.keys(slow.schedule).sort());
  for (const key of Object.keys(slow.schedule))
    expect(relativeMaxError(fast.schedule[key], slow.schedule[key])).toBeLessThan(tolerance);
  expect(relativeMaxError(fast.normA2, slow.normA2)).toBeLessThan(tolerance);
  if (slow.AK) expect(relativeMaxError(fast.normAK2, slow.normAK2)).toBeLessThan(tolerance);
}
