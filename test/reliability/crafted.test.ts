/**
 * Damaged and crafted model and checkpoint files: every field is checked before use, so each one
 * is refused with one line (a UserError, exit 2), never a crash (a TypeError is exit 1) nor a
 * silently wrong result. Every bit of the magic, length and header of a small model and a small
 * checkpoint is flipped, once as damage (the checksum no longer matches) and once resealed with a
 * fresh checksum, as a hand-edited file would be; resealed flips may also give a valid file.
 */
import { promises as fsp, mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { createHash } from 'crypto';
import { fit } from '../../src/app/fit';
import { readCheckpoint, type RunIdentity } from '../../src/app/checkpoint';
import type { Dataset } from '../../src/data/dataset';
import { UserError } from '../../src/errors';
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
};
const modelPath = join(dir, 'm.kpca');
const checkpointPath = join(dir, 'm.checkpoint');

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

let identity: RunIdentity;
beforeAll(async () => {
  const options = {
    components: 2,
    kernel: { type: 'gaussian', gamma: 0.1 } as const,
    gain: 'smd' as never,
    passes: 2,
    seed: 3,
    backend: 'reference' as const,
    blockSize: 4,
  };
  await saveModel(modelPath, (await fit(data, options)).model);
  const controller = new AbortController();
  let blocks = 0;
  const onEvent = (e: { type: string }) => {
    if (e.type === 'step' && ++blocks === 2) controller.abort();
  };
  await fit(data, { ...options, signal: controller.signal, checkpoint: { path: checkpointPath }, onEvent });
  identity = (await readContainer<{ identity: RunIdentity }>(checkpointPath, 'checkpoint', [2])).meta.identity;
});

describe.each([
  ['model', () => modelPath, (p: string) => loadModel(p)],
  ['checkpoint', () => checkpointPath, (p: string) => readCheckpoint(p, identity, l)],
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
    /schedule\.rho has 5 values, expected 2/,
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
    await expect(readCheckpoint(path, identity, l)).rejects.toThrow(message);
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
  await expect(readCheckpoint(grown, identity, l)).rejects.toThrow(
    /it holds 2 components of 13 points, this run has 2 of 12/,
  );
});
