/**
 * The registry of update forms. Each form is a set of small ops (one file per op under its folder)
 * implementing UpdateOps (types.ts):
 *
 * - `factored` (the default): factored/, the r × l sweeps every step, in WebAssembly f64x2 SIMD
 *   where that validates, else in JS;
 * - `blocked`: the factored ops with the r × l work taken a block at a time as matrix products
 *   (blocked.ts), on `threads` threads;
 * - `naive`: naive/, the literal O(r²·l) update, the oracle every form is tested against.
 */
import { blockedColumns, jsBlockProducts } from './blocked';
import { factoredOps, jsFactoredSweeps } from './factored';
import { naiveOps } from './naive';
import type { UpdateOps } from './types';
import type { ResidentRows } from '../../kernels/residentRows';
import { isWasmUpdateSupported, wasmFactoredSweeps } from '../wasm/wasmUpdate';

export const UPDATE_FORMS = ['factored', 'blocked', 'naive'] as const;
export type UpdateForm = (typeof UPDATE_FORMS)[number];

export type { Projection, SmdIterate, UpdateOps } from './types';

/**
 * The ops of a form for r components, l samples, blocks of `blockSize` rows and `threads` product
 * threads; `kept`: the lengths of the arrays the schedule keeps besides A (`keptArrays`), which the
 * WebAssembly memory must hold. `resident`: rows kept on a device (blocked form only), whose block
 * products are taken there.
 */
export function createUpdateOps(
  form: UpdateForm,
  r: number,
  l: number,
  blockSize: number,
  threads: number,
  kept: number[],
  resident?: ResidentRows,
): UpdateOps {
  if (resident && form !== 'blocked')
    throw new RangeError(`rows resident on a device need the blocked update, not '${form}'`);
  switch (form) {
    case 'naive':
      return naiveOps;
    case 'factored':
      return factoredOps(
        r,
        l,
        isWasmUpdateSupported() ? wasmFactoredSweeps(r, l, blockSize, 1, kept) : jsFactoredSweeps(r, l),
      );
    case 'blocked': {
      if (!isWasmUpdateSupported()) {
        const sweeps = jsFactoredSweeps(r, l);
        return factoredOps(r, l, sweeps, blockedColumns(r, l, blockSize, sweeps, jsBlockProducts(l), resident));
      }
      const sweeps = wasmFactoredSweeps(r, l, blockSize, threads, kept);
      return factoredOps(r, l, sweeps, blockedColumns(r, l, blockSize, sweeps, sweeps.products, resident));
    }
  }
}
