/**
 * A signal in any phase stops it within one block. Before the first pass (the centering pass, which
 * also takes the initial A K′ of kha-et and smd; the engine's own exact A K′ pass stops likewise:
 * test/kha/engine.test.ts), fit rejects with the signal's AbortError, writes no checkpoint, and the CLI
 * maps it to exit 130. After the passes (the final exact A K′, the certificate), it writes the
 * checkpoint and rejects with Interrupted: no model, and the checkpoint resumes to the straight run's.
 */
import { existsSync, mkdtempSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { fit, type FitEvent } from '../../src/app/fit';
import type { Dataset } from '../../src/data/dataset';
import { reportError } from '../../src/cli/common';
import { Interrupted } from '../../src/errors';
import { gaussianCloud } from '../helpers/problems';

const l = 300;
const d = 4;
const data: Dataset = { X: gaussianCloud(l, d), l, d, featureNames: ['a', 'b', 'c', 'd'], source: 'generated' };
const dir = mkdtempSync(join(tmpdir(), 'kpca-abort-'));

type Phase = 'centering' | 'final A K′' | 'certificate';
const options = {
  components: 3,
  kernel: { type: 'gaussian', gamma: 0.5 } as const,
  gain: 'smd' as const,
  passes: 3,
  backend: 'reference' as const,
  blockSize: 16,
};

/** Fit (rows from a cache, or on the fly in blocks of 16), aborting at the first progress event of `phase`. */
async function abortDuring(phase: Phase, gramCacheMB = 0) {
  const controller = new AbortController();
  const events: FitEvent[] = [];
  const path = join(dir, `${phase}-${gramCacheMB}.checkpoint`);
  const run = fit(data, {
    ...options,
    gramCacheMB,
    signal: controller.signal,
    checkpoint: { path },
    onEvent: (event) => {
      events.push(event);
      if (event.type === 'gram' && (event.phase ?? 'centering') === phase) controller.abort();
    },
  });
  const inPhase = () => events.filter((e) => e.type === 'gram' && (e.phase ?? 'centering') === phase).length;
  return { run, events, inPhase, path };
}

test.each(['centering'] as const)('aborted during the %s pass: stops within one block', async (phase) => {
  const { run, events, inPhase, path } = await abortDuring(phase);
  await expect(run).rejects.toMatchObject({ name: 'AbortError' });
  // one block reported, then stopped (a full pass would report l / 16 = 19 blocks)
  expect(inPhase()).toBe(1);
  expect(events.some((e) => e.type === 'step' || e.type === 'pass')).toBe(false);
  expect(existsSync(path)).toBe(false);
});

describe('aborted after the passes: stops within one block, writes the checkpoint, makes no model', () => {
  // the cache holds f32 rows, so each setting has its own straight run
  const straight: Record<number, Awaited<ReturnType<typeof fit>>> = {};
  beforeAll(async () => {
    for (const gramCacheMB of [0, 64]) straight[gramCacheMB] = await fit(data, { ...options, gramCacheMB });
  });
  test.each([
    ['final A K′', 0, 300 / 16],
    ['final A K′', 64, 300 / 16],
    // the certificate reads rows in calls of 256; rows from the cache are served within one call too
    ['certificate', 0, 300 / 256],
    ['certificate', 64, 300 / 256],
  ] as const)('during the %s pass (Gram cache %i MiB)', async (phase, gramCacheMB, blocksInPass) => {
    const { run, events, inPhase, path } = await abortDuring(phase, gramCacheMB);
    await expect(run).rejects.toBeInstanceOf(Interrupted);
    await expect(run).rejects.toMatchObject({ checkpoint: path, exitCode: 130 });
    expect(blocksInPass).toBeGreaterThan(1); // so that stopping after one block is seen
    expect(inPhase()).toBe(1);
    // nothing after the phase: no certificate after the final A K′
    if (phase === 'final A K′') expect(events.some((e) => e.type === 'gram' && e.phase === 'certificate')).toBe(false);
    const resumed = await fit(data, { ...options, gramCacheMB, resumeFrom: path });
    expect(Buffer.from(resumed.model.A.buffer).equals(Buffer.from(straight[gramCacheMB].model.A.buffer))).toBe(true);
    expect(resumed.model.eigenvalues).toEqual(straight[gramCacheMB].model.eigenvalues);
  });
});

test('the CLI reports an AbortError as an interruption (exit 130), not as an internal error', () => {
  const write = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    const controller = new AbortController();
    controller.abort();
    expect(reportError(controller.signal.reason, false)).toBe(130);
    expect(write).toHaveBeenCalledWith('kpca: interrupted before the first pass: nothing written\n');
  } finally {
    write.mockRestore();
  }
});
