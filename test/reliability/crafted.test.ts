/**
 * Damaged and crafted model and checkpoint files: every field is checked before use, so each one
 * is refused with one line (a UserError, exit 2), never a crash (a TypeError is exit 1) nor a
 * silently wrong result. Every bit of the magic, length and header of a small model and a small
 * checkpoint is flipped, once as damage (the checksum no longer matches) and once resealed with a
 * fresh checksum, as a hand-edited file would be; resealed flips may also give a valid file. The
 * state each use-case keeps in its checkpoints (fit's pass summaries, spectral-cluster's per-pass
 * scores, compare's finished schedules and series) is checked too: every bit of it flipped and
 * resealed, and crafted values (wrong types, NaN, wrong lengths, an unknown use-case).
 */
import { promises as fsp, mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { createHash } from 'crypto';
import { fit } from '../../src/app/fit';
import { readCheckpoint, type RunIdentity } from '../../src/app/checkpoint';
import { compareState, fitState, spectralState } from '../../src/app/checkpointSchema';
import { spectralCluster } from '../../src/app/spectralCluster';
import { compare } from '../../src/app/compare';
import type { GainName } from '../../src/kha/gains/schedule';
import type { Dataset } from '../../src/data/dataset';
import { Interrupted, UserError } from '../../src/errors';
import { readContainer, writeContainer, type StoredArray } from '../../src/io/container';
import { loadModel, saveModel } from '../../src/model/modelFile';
import { gaussianCloud } from '../helpers/problems';
import { kpca } from '../helpers/cli';

const dir = mkdtempSync(join(tmpdir(), 'kpca-crafted-'));
const l = 12;
const data: Dataset = {
  X: gaussianCloud(l, 5).subarray(0, l * 5),
  l,
  d: 5,
  featureNames: ['a', 'b', 'c', 'd', 'e'],
  source: 'generated',
  labels: Array.from({ length: l }, (_, i) => (i % 2 ? 'odd' : 'even')),
};
const modelPath = join(dir, 'm.kpca');
const checkpointPath = join(dir, 'm.checkpoint');
const spectralPath = join(dir, 'sc.checkpoint');
const comparePath = join(dir, 'compare.checkpoint');
const compareGains: GainName[] = ['constant', 'annealed'];

const headerEnd = (bytes: Buffer) => 12 + bytes.readUInt32LE(8);
const reseal = (bytes: Buffer) => {
  createHash('sha256')
    .update(bytes.subarray(0, bytes.length - 32))
    .digest()
    .copy(bytes, bytes.length - 32);
  return bytes;
};

/** Load `bytes` as the file at `path` with `load`: 'ok', or the refusal; anything but a one-line UserError fails the test. */
async function outcome(bytes: Buffer, path: string, load: () => Promise<unknown>): Promise<'ok' | 'refused'> {
  const spy = jest.spyOn(fsp, 'readFile').mockResolvedValue(bytes as never);
  try {
    await load();
    return 'ok';
  } catch (err) {
    if (
      !(err instanceof UserError) ||
      err.exitCode !== 2 ||
      err.message.includes('\n') ||
      !err.message.startsWith(`${path}: `)
    )
      throw new Error(`not a clean refusal: ${(err as Error)?.stack ?? String(err)}`, { cause: err });
    return 'refused';
  } finally {
    spy.mockRestore();
  }
}

const identityOf = async (path: string) =>
  (await readContainer<{ identity: RunIdentity }>(path, 'checkpoint', [2])).meta.identity;

/** A signal and an event hook that aborts it at the `n`-th block (3 blocks of 4 points a pass: inside pass 2). */
function stopAtBlock(n: number) {
  const controller = new AbortController();
  let blocks = 0;
  const onEvent = (e: { type: string }) => {
    if (e.type === 'step' && ++blocks === n) controller.abort();
  };
  return { signal: controller.signal, onEvent };
}

let identity: RunIdentity;
let spectralIdentity: RunIdentity;
let compareIdentity: RunIdentity;
beforeAll(async () => {
  const options = {
    components: 2,
    kernel: { type: 'gaussian', gamma: 0.1 } as const,
    gain: 'smd' as never,
    passes: 3,
    seed: 3,
    backend: 'reference' as const,
    blockSize: 4,
  };
  await saveModel(modelPath, (await fit(data, options)).model);
  // after a pass, so that the checkpoint keeps a pass summary (appState)
  const interrupted = (run: Promise<unknown>) => expect(run).rejects.toBeInstanceOf(Interrupted);
  await interrupted(fit(data, { ...options, ...stopAtBlock(5), checkpoint: { path: checkpointPath } }));
  identity = await identityOf(checkpointPath);
  await interrupted(
    spectralCluster(data, {
      ...options,
      clusters: 2,
      perPass: true,
      ...stopAtBlock(5),
      checkpoint: { path: spectralPath },
    }),
  );
  spectralIdentity = await identityOf(spectralPath);
  // stopped in the second schedule's second pass: one schedule done, a series of two measurements
  const controller = new AbortController();
  await compare(data, {
    ...options,
    gains: compareGains,
    passes: 3,
    cacheDir: dir,
    checkpoint: comparePath,
    signal: controller.signal,
    onEvent: (e) => void (e.type === 'pass' && e.gain === 'annealed' && e.measurement.pass === 1 && controller.abort()),
  });
  compareIdentity = await identityOf(comparePath);
}, 60_000);

describe.each([
  ['model', () => modelPath, (p: string) => loadModel(p)],
  ['checkpoint', () => checkpointPath, (p: string) => readCheckpoint(p, identity, l, fitState(2))],
])('every header bit of a %s flipped', (_, file, load) => {
  test('as damage: every flip refused with one line', async () => {
    const good = await fsp.readFile(file());
    expect(await outcome(good, file(), () => load(file()))).toBe('ok');
    let refused = 0;
    for (let bit = 0; bit < headerEnd(good) * 8; bit++) {
      const bytes = Buffer.from(good);
      bytes[bit >> 3] ^= 1 << (bit & 7);
      if ((await outcome(bytes, file(), () => load(file()))) === 'refused') refused++;
    }
    expect(refused).toBe(headerEnd(good) * 8);
  }, 120_000);

  test('resealed (a hand-edited file with a valid checksum): refused with one line or loaded, never a crash', async () => {
    const good = await fsp.readFile(file());
    const counts = { ok: 0, refused: 0 };
    for (let bit = 0; bit < headerEnd(good) * 8; bit++) {
      const bytes = Buffer.from(good);
      bytes[bit >> 3] ^= 1 << (bit & 7);
      counts[await outcome(reseal(bytes), file(), () => load(file()))]++;
    }
    expect(counts.refused).toBeGreaterThan(counts.ok);
  }, 120_000);
});

/** Rewrite a container with its meta and arrays changed, sealed with a valid checksum. */
async function craft(
  path: string,
  kind: 'model' | 'checkpoint',
  change: (meta: Record<string, unknown>, arrays: Record<string, StoredArray>) => unknown,
) {
  const { formatVersion, meta, arrays } = await readContainer<Record<string, unknown>>(path, kind, [1, 2]);
  const copy = JSON.parse(JSON.stringify(meta)) as Record<string, unknown>;
  const changed = change(copy, arrays);
  const newMeta = changed === undefined ? copy : changed;
  const out = join(dir, `crafted.${kind}`);
  await writeContainer(out, kind, formatVersion, newMeta, { ...arrays });
  return out;
}

const modelCases: Array<[string, (m: Record<string, unknown>, a: Record<string, StoredArray>) => unknown, RegExp]> = [
  ['X[0] = NaN', (_, a) => void ((a.X as Float64Array)[0] = NaN), /X\[0\] is NaN, expected a finite number/],
  ['an eigenvalue NaN', (_, a) => void ((a.eigenvalues as Float64Array)[1] = NaN), /eigenvalues\[1\] is NaN/],
  ['A doubled', (_, a) => void (a.A = Float64Array.from([...a.A, ...a.A])), /A has 48 values, expected 24/],
  ['A missing', (_, a) => void delete a.A, /A: expected a float64 array, found nothing/],
  ['l = 1000.5', (m) => void (m.l = 1000.5), /l: expected an integer/],
  [
    'kernel type bogus',
    (m) => void (m.kernel = { type: 'bogus' }),
    /kernel\.type: expected one of gaussian, polynomial, linear, found "bogus"/,
  ],
  ['a header of null', () => null, /header: expected an object, found null/],
  ['components > l', (m) => void (m.components = 13), /components: expected an integer in \[1, 12\]/],
  [
    'gamma negative',
    (m) => void (m.kernel = { type: 'gaussian', gamma: -1 }),
    /kernel\.gamma: expected a finite number > 0/,
  ],
  ['featureNames short', (m) => void (m.featureNames = ['a']), /featureNames: expected an array of 5 strings/],
  ['A stored as int32', (_, a) => void (a.A = new Int32Array(24)), /A: expected a float64 array, found Int32Array/],
  [
    'a certificate of one component',
    (m) => void (m.certificate as { components: unknown[] }).components.pop(),
    /certificate\.components: expected an array of 2 items/,
  ],
  [
    'a certificate that says converged as text',
    (m) => void ((m.certificate as Record<string, unknown>).converged = 'yes'),
    /certificate\.converged: expected true or false, found "yes"/,
  ],
];

const checkpointCases: typeof modelCases = [
  [
    'permutation all zeros',
    (_, a) => void (a.permutation as Int32Array).fill(0),
    /permutation is not a permutation of 0…11 \(0 at position 1\)/,
  ],
  ['position beyond l', (m) => void (m.position = 5000), /position: expected an integer in \[0, 12\]/],
  ['pass −3', (m) => void (m.pass = -3), /pass: expected an integer in \[0, /],
  ['rng: null', (m) => void (m.rng = null), /rng: expected an object, found null/],
  ['rng state of 3 words', (m) => void ((m.rng as { s: number[] }).s = [1, 2, 3]), /rng\.s: expected 4 integers/],
  ['A with a non-finite value', (_, a) => void ((a.A as Float64Array)[3] = Infinity), /A\[3\] is Infinity/],
  [
    'schedule state of the wrong length',
    (_, a) => void (a['schedule.rho'] = new Float64Array(5)),
    /schedule\.rho has 5 values, expected 4/, // r = 2 and two guard components
  ],
  ['a header of null', () => null, /header: expected an object, found null/],
];

describe('crafted files with a valid checksum are refused, naming the field', () => {
  test.each(modelCases)('model: %s', async (_, change, message) => {
    const path = await craft(modelPath, 'model', change);
    await expect(loadModel(path)).rejects.toThrow(message);
    await expect(loadModel(path)).rejects.toBeInstanceOf(UserError);
  });
  test.each(checkpointCases)('checkpoint: %s', async (_, change, message) => {
    const path = await craft(checkpointPath, 'checkpoint', change);
    await expect(readCheckpoint(path, identity, l, fitState(2))).rejects.toThrow(message);
  });

  test('through the CLI: exit 2 and one line for a null header and a zero-length model', async () => {
    const nullHeader = await craft(modelPath, 'model', () => null);
    const empty = join(dir, 'empty.kpca');
    writeFileSync(empty, '');
    for (const [path, message] of [
      [nullHeader, /header: expected an object, found null/],
      [empty, /the file is empty \(0 bytes\)/],
    ] as const) {
      const run = kpca(['info', path]);
      expect(run.code).toBe(2);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
      expect(run.stderr).toMatch(message);
    }
  });
});

test('a checkpoint sealed for other sizes than the run (identity forged) is refused, not resumed partly', async () => {
  const { formatVersion, meta, arrays } = await readContainer<Record<string, unknown>>(
    checkpointPath,
    'checkpoint',
    [2],
  );
  const grown = join(dir, 'grown.checkpoint');
  const r = (arrays.normA2 as Float64Array).length;
  const bigger: Record<string, StoredArray> = {};
  for (const [name, a] of Object.entries(arrays))
    bigger[name] =
      a.length === r * l ? Float64Array.from({ length: r * (l + 1) }, (_, i) => (i < a.length ? a[i] : 0)) : a;
  bigger.permutation = Int32Array.from({ length: l + 1 }, (_, i) => i);
  await writeContainer(grown, 'checkpoint', formatVersion, meta, bigger);
  await expect(readCheckpoint(grown, identity, l, fitState(2))).rejects.toThrow(
    /it holds 4 components of 13 points, this run has 4 of 12/, // r = 2 and two guard components,
  );
});

/** The checkpoint of each use-case and how it is read back (with that use-case's state schema). */
const useCases: Array<[string, () => string, (p: string) => Promise<unknown>]> = [
  ['fit', () => checkpointPath, (p) => readCheckpoint(p, identity, l, fitState(2))],
  ['spectral-cluster', () => spectralPath, (p) => readCheckpoint(p, spectralIdentity, l, spectralState(true))],
  ['compare', () => comparePath, (p) => readCheckpoint(p, compareIdentity, l, compareState(compareGains))],
];

describe.each(useCases)('the state %s keeps in its checkpoint (appState)', (_, file, load) => {
  test('every bit of it flipped and resealed: refused with one line or loaded, never a crash', async () => {
    const good = await fsp.readFile(file());
    expect(await outcome(good, file(), () => load(file()))).toBe('ok');
    // appState is the header's last field (the header ends with `"appState":…}}`)
    const start = good.lastIndexOf('"appState":', headerEnd(good));
    expect(start).toBeGreaterThan(0);
    const counts = { ok: 0, refused: 0 };
    for (let bit = start * 8; bit < (headerEnd(good) - 2) * 8; bit++) {
      const bytes = Buffer.from(good);
      bytes[bit >> 3] ^= 1 << (bit & 7);
      counts[await outcome(reseal(bytes), file(), () => load(file()))]++;
    }
    expect(counts.refused).toBeGreaterThan(0);
  }, 120_000);
});

type StateCase = [string, (state: any) => unknown, RegExp]; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Craft `path` with its appState changed (and the identity, for an unknown use-case) and read it as `load` does. */
async function craftedState(path: string, change: StateCase[1], load: (p: string) => Promise<unknown>) {
  const crafted = await craft(path, 'checkpoint', (m) => {
    const changed = change(m.appState); // undefined: changed in place
    if (changed !== undefined) m.appState = changed;
  });
  return load(crafted);
}

const fitStateCases: StateCase[] = [
  ['not an array', () => ({ pass: 1 }), /appState: expected an array of 1 items, found \{"pass":1\}/],
  ['one summary too many', (s) => [...s, ...s], /appState: expected an array of 1 items/],
  [
    'a pass eigenvalue NaN (null in JSON)',
    (s) => void (s[0].passEigenvalues[1] = null),
    /appState\[0\]\.passEigenvalues\[1\]: expected a finite number, found null/,
  ],
  [
    'pass eigenvalues of the wrong length',
    (s) => void s[0].passEigenvalues.push(1),
    /appState\[0\]\.passEigenvalues: expected an array of 2 items/,
  ],
  [
    'seconds a string',
    (s) => void (s[0].seconds = '1'),
    /appState\[0\]\.seconds: expected a finite number ≥ 0, found "1"/,
  ],
  [
    'negative seconds',
    (s) => void (s[0].seconds = -1),
    /appState\[0\]\.seconds: expected a finite number ≥ 0, found -1/,
  ],
  ['another pass number', (s) => void (s[0].pass = 7), /appState\[0\]\.pass: expected an integer in \[1, 1\], found 7/],
  ['an entry of null', () => [null], /appState\[0\]: expected an object, found null/],
];

const spectralStateCases: StateCase[] = [
  ['scores missing', (s) => void delete s[0].scores, /appState\[0\]\.scores: expected an object, found nothing/],
  [
    'a score NaN (null in JSON)',
    (s) => void (s[0].scores.accuracy = null),
    /appState\[0\]\.scores\.accuracy: expected a finite number ≥ 0, found null/,
  ],
  ['no scores although --per-pass', () => [], /appState: expected an array of 1 items, found \[\]/],
];

const compareStateCases: StateCase[] = [
  ['null', () => null, /appState: expected an object, found null/],
  [
    'every schedule done',
    (s) => void s.done.push(s.done[0]),
    /appState\.done: expected an array of fewer than 2 schedules/,
  ],
  [
    'a done schedule of another gain',
    (s) => void (s.done[0].gain = 'smd'),
    /appState\.done\[0\]\.gain: expected one of constant, found "smd"/,
  ],
  [
    'a series shorter than its passes',
    (s) => void s.done[0].series.pop(),
    /appState\.done\[0\]\.series: expected an array of 4 items/,
  ],
  [
    'a measurement NaN (null in JSON)',
    (s) => void (s.current.series[1].relativeExcessError = null),
    /appState\.current\.series\[1\]\.relativeExcessError: expected a finite number, found null/,
  ],
  [
    'Ritz values of the wrong length',
    (s) => void (s.current.series[0].ritzValues = [1]),
    /appState\.current\.series\[0\]\.ritzValues: expected an array of 2 items/,
  ],
  [
    'a certificate of an unknown norm',
    (s) => void (s.done[0].certificate.norm = 'l1'),
    /appState\.done\[0\]\.certificate\.norm: expected one of rkhs, l2, found "l1"/,
  ],
  [
    'a gain parameter that is a string',
    (s) => void (s.done[0].parameters.eta0 = '0.1'),
    /appState\.done\[0\]\.parameters\.eta0: expected a finite number, found "0\.1"/,
  ],
  [
    'stopped by the signal although done',
    (s) => void (s.done[0].stoppedBy = 'signal'),
    /appState\.done\[0\]\.stoppedBy: expected one of passes, tol, time, diverged/,
  ],
];

describe('crafted checkpoint state with a valid checksum is refused, naming the field', () => {
  test.each(fitStateCases)('fit: %s', async (_, change, message) => {
    await expect(craftedState(checkpointPath, change, useCases[0][2])).rejects.toThrow(message);
  });
  test.each(spectralStateCases)('spectral-cluster: %s', async (_, change, message) => {
    await expect(craftedState(spectralPath, change, useCases[1][2])).rejects.toThrow(message);
  });
  test.each(compareStateCases)('compare: %s', async (_, change, message) => {
    await expect(craftedState(comparePath, change, useCases[2][2])).rejects.toThrow(message);
  });
  test('an unknown use-case in the identity', async () => {
    const path = await craft(checkpointPath, 'checkpoint', (m) => {
      (m.identity as { options: Record<string, unknown> }).options.useCase = 'bogus';
    });
    await expect(readCheckpoint(path, identity, l, fitState(2))).rejects.toThrow(
      /identity\.options\.useCase: expected one of spectral-cluster, compare, found "bogus"/,
    );
  });
  test('through the CLI: a crafted pass summary ends a resumed fit with exit 2 and one line', async () => {
    const csv = join(dir, 'points.csv');
    writeFileSync(
      csv,
      `a,b,c,d,e\n${Array.from({ length: l }, (_, i) => Array.from(data.X.subarray(i * 5, i * 5 + 5)).join(',')).join('\n')}\n`,
    );
    const args = [csv, '-r', '2', '--gamma', '0.1', '--passes', '3', '--seed', '3', '--backend', 'reference'];
    const out = join(dir, 'cli.kpca');
    // a real checkpoint of this command, stopped after its first pass (--checkpoint-every 1), then crafted
    expect(kpca(['fit', ...args, '--passes', '1', '--checkpoint-every', '1', '-o', out]).code).toBe(0);
    const crafted = await craft(`${out}.checkpoint`, 'checkpoint', (m) => {
      (m.appState as Array<{ seconds: unknown }>)[0].seconds = 'soon';
    });
    const run = kpca(['fit', ...args, '--resume', crafted, '-o', out, '--quiet']);
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/appState\[0\]\.seconds: expected a finite number ≥ 0, found "soon"/);
  });
});
