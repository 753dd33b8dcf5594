/**
 * A signal before the first pass (during the centering pass, which also takes the initial A K′ of
 * kha-et and smd) stops that pass within one block: fit rejects with the signal's AbortError, writes
 * no checkpoint, and the CLI maps it to exit 130. (The engine's own exact A K′ pass stops likewise:
 * test/kha/engine.test.ts.)
 */
import { existsSync, mkdtempSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { fit, type FitEvent } from '../../src/app/fit';
import type { Dataset } from '../../src/data/dataset';
import { reportError } from '../../src/cli/common';
import { gaussianCloud } from '../helpers/problems';

const l = 300;
const d = 4;
const data: Dataset = { X: gaussianCloud(l, d), l, d, featureNames: ['a', 'b', 'c', 'd'], source: 'generated' };
const dir = mkdtempSync(join(tmpdir(), 'kpca-abort-'));

/** Fit with rows on the fly in blocks of 16, aborting at the first progress event of `phase`. */
async function abortDuring(phase: 'centering') {
  const controller = new AbortController();
  const events: FitEvent[] = [];
  const path = join(dir, `${phase}.checkpoint`);
  const run = fit(data, {
    components: 3,
    kernel: { type: 'gaussian', gamma: 0.5 },
    gain: 'smd',
    passes: 3,
    backend: 'reference',
    blockSize: 16,
    gramCacheMB: 0,
    signal: controller.signal,
    checkpoint: { path },
    onEvent: (event) => {
      events.push(event);
      if (event.type === 'gram' && (event.phase ?? 'centering') === phase) controller.abort();
    },
  });
  await expect(run).rejects.toMatchObject({ name: 'AbortError' });
  return { events, checkpointWritten: existsSync(path) };
}

test.each(['centering'] as const)('aborted during the %s pass: stops within one block', async (phase) => {
  const { events, checkpointWritten } = await abortDuring(phase);
  const inPhase = events.filter((e) => e.type === 'gram' && (e.phase ?? 'centering') === phase);
  // one block reported, then stopped (a full pass would report l / 16 = 19 blocks)
  expect(inPhase.length).toBe(1);
  expect(events.some((e) => e.type === 'step' || e.type === 'pass')).toBe(false);
  expect(checkpointWritten).toBe(false);
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
