/**
 * The exact reference a comparison is measured against: the top eigenpairs of the centered Gram
 * matrix K' and tr(K'), from the disk cache when present. Exact dense solver for small l, the
 * block Krylov solver on the (cached) Gram rows for larger l.
 */
import { exactEigen, iterativeEigen, type ReferenceSpectrum } from '../../eval/referenceSolver';
import { rowSourceMultiply } from '../../eval/blockMultiply';
import { cachedReference } from '../../eval/referenceCache';
import type { CenteredGram } from '../../kernels';
import type { KernelSpec } from '../../kernels/kernel';

/** Above this l the dense O(l³) solver is slower than the Krylov solver on the Gram rows. */
export const EXACT_SOLVER_MAX_L = 1000;

export interface ReferenceInfo {
  /** 'exact' (dense eigendecomposition) or 'iterative' (block Krylov–Schur on the Gram rows) */
  solver: 'exact' | 'iterative';
  fromCache: boolean;
  /** seconds to compute or read it */
  seconds: number;
  /** the cache key */
  key: string;
}

/**
 * The cache key: data hash, kernel and the number of eigenpairs. The Gram backend is left out on
 * purpose: backends agree to ~1e-7 relative, far below the errors a comparison resolves.
 */
export function referenceKey(dataHash: string, kernel: KernelSpec, pairs: number): string {
  return `kpca-compare-reference v1|data=${dataHash}|kernel=${JSON.stringify(kernel)}|centered|top=${pairs}`;
}

/**
 * Top `pairs` eigenpairs of K' (the caller asks for r + 1, so the report can show the gap
 * λ_r/λ_{r+1}) and tr(K'), computed once per key and cached in `cacheDir`.
 */
export async function referenceSpectrum(
  gram: CenteredGram,
  dataHash: string,
  kernel: KernelSpec,
  pairs: number,
  cacheDir: string,
  onCacheWriteError: (err: unknown) => void,
): Promise<{ reference: ReferenceSpectrum; info: ReferenceInfo }> {
  const l = gram.l;
  const key = referenceKey(dataHash, kernel, pairs);
  const solver = l <= EXACT_SOLVER_MAX_L ? 'exact' : 'iterative';
  const started = process.hrtime.bigint();
  const { reference, fromCache } = await cachedReference(
    cacheDir,
    key,
    async () => {
      const top =
        solver === 'exact'
          ? exactEigen(await denseRows(gram), l, pairs)
          : await iterativeEigen(rowSourceMultiply(gram), l, pairs);
      return { l, r: pairs, values: top.values, vectors: top.vectors, trace: gram.trace };
    },
    onCacheWriteError,
  );
  return { reference, info: { solver, fromCache, seconds: Number(process.hrtime.bigint() - started) / 1e9, key } };
}

/** K' in full (l × l), for the dense solver; small l only. */
async function denseRows(gram: CenteredGram): Promise<Float64Array> {
  const l = gram.l;
  const M = new Float64Array(l * l);
  await gram.rows(
    Array.from({ length: l }, (_, i) => i),
    M,
  );
  return M;
}
