/**
 * Seconds per pass on USPS train (7291 × 256, σ = 8, r = 16), Gram cached, for the update forms and
 * block sizes: what chooses the engine's default form and block size. The forms alternate, and each
 * figure is the best of `--reps` second passes, since the machine may be shared.
 *
 *   npx tsc -p tsconfig.bench.json && node dist-bench/bench/forms.js [--reps N] [--gains smd,annealed] \
 *     [--blocks 16,32,64] [--threads N]
 */
import * as path from 'path';
import { loadDataset } from '../src/data/load';
import { KhaEngine, type EngineOptions } from '../src/kha/engine';
import { createGainSchedule, type GainName } from '../src/kha/gains';
import { CenteredGram, createGramBackend } from '../src/kernels';
import { sigmaToGamma } from '../src/kernels/kernel';

const args = process.argv.slice(2);
const option = (name: string, fallback: string) =>
  args.includes(`--${name}`) ? args[args.indexOf(`--${name}`) + 1] : fallback;
const reps = Number(option('reps', '2'));
const gains = option('gains', 'smd,annealed').split(',') as GainName[];
const blockSizes = option('blocks', '16,32,64').split(',').map(Number);
const threads = Number(option('threads', '1'));
const uspsDir = process.env.KPCA_USPS_DIR ?? path.resolve(__dirname, '..', '..', '..', 'shared', 'data', 'usps');

async function main() {
  const data = await loadDataset(path.join(uspsDir, 'zip.train.gz'));
  const backend = await createGramBackend('auto', { type: 'gaussian', gamma: sigmaToGamma(8) }, data.X, data.l, data.d);
  const gram = await CenteredGram.create(backend, { cacheBudgetMB: 1024 });
  const forms: [string, NonNullable<EngineOptions['update']>, number][] = [];
  for (const B of blockSizes)
    for (const update of ['factored', 'blocked'] as const) forms.push([`${update}, B = ${B}`, update, B]);
  console.log(
    `USPS pass seconds (second pass, best of ${reps}), Gram cached, r = 16; blocked products on ${threads} thread(s)`,
  );
  console.log(`| gain | ${forms.map(([name]) => name).join(' | ')} |`);
  console.log(`|---|${forms.map(() => '---|').join('')}`);
  for (const gain of gains) {
    const best = forms.map(() => Infinity);
    for (let rep = 0; rep < reps; rep++)
      for (const [f, [, update, blockSize]] of forms.entries()) {
        const engine = await KhaEngine.create(gram, {
          components: 16,
          schedule: createGainSchedule(gain),
          seed: 1,
          update,
          blockSize,
          threads,
        });
        const ends: number[] = [];
        await engine.run({ passes: 2, onPass: (report) => void ends.push(report.seconds) });
        best[f] = Math.min(best[f], ends[1] - ends[0]);
      }
    console.log(`| ${gain} | ${best.map((s) => `${s.toFixed(3)} s`).join(' | ')} |`);
  }
  await backend.dispose();
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
