import { mkdtempSync, existsSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { fit, type FitEvent, type FitOptions } from '../../src/app/fit';
import type { Dataset } from '../../src/data/dataset';
import { GAIN_NAMES } from '../../src/kha/gains';
import { Rng } from '../../src/linalg/rng';
import { gaussianCloud } from '../helpers/problems';
import { Interrupted } from '../../src/errors';

const l = 150;
const d = 5;
const data: Dataset = { X: gaussianCloud(l, 5), l, d, featureNames: ['a', 'b', 'c', 'd', 'e'], source: 'generated' };
const dir = mkdtempSync(join(tmpdir(), 'kpca-resume-'));

const base = (gain: string): FitOptions => ({
  components: 3,
  kernel: { type: 'gaussian', gamma: 1 / 18 },
  gain: gain as never,
  gainParameters: { eta0: 0.02 },
  passes: 4,
  seed: 3,
  backend: 'reference',
  blockSize: 16,
});

const bytes = (a: Float64Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

describe.each(GAIN_NAMES)(
  '%s: interrupted at random moments and resumed, the model equals an uninterrupted fit bit for bit',
  (gain) => {
    let straight: Awaited<ReturnType<typeof fit>>;
    beforeAll(async () => {
      straight = await fit(data, base(gain));
    });

    test.each([1, 2, 3])('interruption seed %i', async (seed) => {
      const totalBlocks = 4 * Math.ceil(l / 16);
      const stopAfter = 1 + new Rng(seed * 7919).int(totalBlocks - 2);
      const controller = new AbortController();
      let blocks = 0;
      const path = join(dir, `${gain}-${seed}.checkpoint`);
      const first = fit(data, {
        ...base(gain),
        signal: controller.signal,
        checkpoint: { path },
        onEvent: (e) => {
          if (e.type === 'step' && ++blocks === stopAfter) controller.abort();
        },
      });
      // no model from an interrupted fit: it rejects, naming the checkpoint
      await expect(first).rejects.toBeInstanceOf(Interrupted);
      await expect(first).rejects.toMatchObject({ checkpoint: path, exitCode: 130 });
      expect(existsSync(path)).toBe(true);

      const resumed = await fit(data, { ...base(gain), resumeFrom: path });
      expect(resumed.stoppedBy).toBe('passes');
      expect(resumed.model.steps).toBe(straight.model.steps);
      expect(bytes(resumed.model.A).equals(bytes(straight.model.A))).toBe(true);
      expect(bytes(resumed.model.eigenvalues).equals(bytes(straight.model.eigenvalues))).toBe(true);
    });
  },
);

describe('resuming is refused when the data or options differ', () => {
  test('other options, other data', async () => {
    const path = join(dir, 'refuse.checkpoint');
    // stopped after its first block (a signal aborted before the fit starts stops the centering pass instead)
    const controller = new AbortController();
    const onEvent = (event: FitEvent) => event.type === 'step' && controller.abort();
    const stopped = fit(data, { ...base('smd'), signal: controller.signal, checkpoint: { path }, onEvent });
    await expect(stopped).rejects.toMatchObject({ checkpoint: path });
    await expect(fit(data, { ...base('smd'), seed: 4, resumeFrom: path })).rejects.toThrow(
      /other options \(seed: 3 there, 4 now\)/,
    );
    const other = { ...data, X: data.X.map((v) => v + 1) };
    await expect(fit(other, { ...base('smd'), resumeFrom: path })).rejects.toThrow(/made from other data/);
  });
});
