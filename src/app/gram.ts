/**
 * The start every centered-KPCA use-case shares (fit, compare): a Gram backend for the data, one
 * centering pass (caching K when it fits), and the backend released whatever happens next.
 */
import { CenteredGram, createGramBackend } from '../kernels';
import type { GramBackend } from '../kernels/backend';
import type { KernelSpec } from '../kernels/kernel';
import type { Dataset } from '../data/dataset';
import type { GramOptions } from './runOptions';

export interface CenteredGramRun {
  gram: CenteredGram;
  backend: GramBackend;
  /** seconds of the centering pass (and of filling the cache) */
  gramSeconds: number;
}

export async function withCenteredGram<T>(
  data: Dataset,
  kernel: KernelSpec,
  o: Required<Pick<GramOptions, 'backend' | 'blockSize' | 'gramCacheMB'>> &
    Pick<GramOptions, 'threads'> & {
      /** stops the centering pass within one block (it rejects with the signal's reason) */
      signal?: AbortSignal;
      /** each block of the centering pass, as the rows will be served (GramPassOptions) */
      onServedRows?: (rows: Float64Array, i0: number, count: number) => void;
    },
  events: { say: (message: string) => void; onProgress: (done: number, total: number) => void },
  body: (run: CenteredGramRun) => Promise<T>,
): Promise<T> {
  const backend = await createGramBackend(o.backend, kernel, data.X, data.l, data.d, {
    verbose: events.say,
    threads: o.threads,
  });
  try {
    const started = process.hrtime.bigint();
    const gram = await CenteredGram.create(backend, {
      blockSize: o.blockSize,
      cacheBudgetMB: o.gramCacheMB,
      onProgress: events.onProgress,
      signal: o.signal,
      onServedRows: o.onServedRows,
    });
    const gramSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    events.say(
      gram.cached
        ? `Gram matrix cached (${(gram.cacheBytes / 2 ** 20).toFixed(0)} MiB f32) in ${gramSeconds.toFixed(2)} s`
        : `Gram rows computed on the fly (centering pass ${gramSeconds.toFixed(2)} s)`,
    );
    return await body({ gram, backend, gramSeconds });
  } finally {
    await backend.dispose();
  }
}
