import { promises as fs } from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  cachedReference,
  defaultCacheDir,
  readReference,
  referenceCachePath,
  writeReference,
} from '../../src/eval/referenceCache';
import type { ReferenceSpectrum } from '../../src/eval/referenceSolver';

function sample(): ReferenceSpectrum {
  const l = 7;
  const r = 3;
  return {
    l,
    r,
    trace: 12.5,
    values: Float64Array.of(5, 3.25, 1 / 3),
    vectors: Float64Array.from({ length: r * l }, (_, i) => Math.sin(i + 1) / 7),
  };
}

describe('reference cache', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kpca-refcache-'));
  });
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  test('default directory follows XDG_CACHE_HOME, else ~/.cache', () => {
    expect(defaultCacheDir({ XDG_CACHE_HOME: '/x/cache' })).toBe(path.join('/x/cache', 'kpca-hebbian'));
    expect(defaultCacheDir({})).toBe(path.join(os.homedir(), '.cache', 'kpca-hebbian'));
    // the XDG spec says a relative XDG_CACHE_HOME is invalid and must be ignored
    expect(defaultCacheDir({ XDG_CACHE_HOME: 'rel' })).toBe(path.join(os.homedir(), '.cache', 'kpca-hebbian'));
  });

  test('round trip is bit-exact; keys do not collide; nothing left behind but the entry', async () => {
    const ref = sample();
    const sub = path.join(dir, 'nested', 'cache');
    await writeReference(sub, 'usps|sigma=8|r=3', ref);
    const back = await readReference(sub, 'usps|sigma=8|r=3');
    expect(back).toEqual(ref);
    expect(await readReference(sub, 'usps|sigma=8|r=4')).toBeUndefined();
    expect(await fs.readdir(sub)).toEqual([path.basename(referenceCachePath(sub, 'usps|sigma=8|r=3'))]);
  });

  test.each([
    ['truncated', (b: Buffer) => b.subarray(0, b.length - 5)],
    [
      'one flipped bit',
      (b: Buffer) => Buffer.concat([b.subarray(0, b.length - 1), Buffer.from([b[b.length - 1] ^ 1])]),
    ],
    ['garbage', () => Buffer.from('not a cache file')],
    ['a broken header', (b: Buffer) => Buffer.concat([Buffer.from('{"format":'), b.subarray(b.indexOf(0x0a))])],
    ['empty', () => Buffer.alloc(0)],
  ])('a corrupt file (%s) is ignored and recomputed', async (_what, damage) => {
    const key = 'k';
    await writeReference(dir, key, sample());
    const file = referenceCachePath(dir, key);
    await fs.writeFile(file, damage(await fs.readFile(file)));
    expect(await readReference(dir, key)).toBeUndefined();
    let calls = 0;
    const { reference, fromCache } = await cachedReference(dir, key, () => {
      calls++;
      return sample();
    });
    expect(fromCache).toBe(false);
    expect(calls).toBe(1);
    expect(reference).toEqual(sample());
    expect(await readReference(dir, key)).toEqual(sample());
  });

  test('a file stored under another key (renamed) is not accepted', async () => {
    await writeReference(dir, 'a', sample());
    await fs.rename(referenceCachePath(dir, 'a'), referenceCachePath(dir, 'b'));
    expect(await readReference(dir, 'b')).toBeUndefined();
  });

  test('cachedReference computes once, then reads', async () => {
    let calls = 0;
    const compute = async (): Promise<ReferenceSpectrum> => {
      calls++;
      return sample();
    };
    expect((await cachedReference(dir, 'key', compute)).fromCache).toBe(false);
    const second = await cachedReference(dir, 'key', compute);
    expect(second.fromCache).toBe(true);
    expect(second.reference).toEqual(sample());
    expect(calls).toBe(1);
  });

  test('a cache that cannot be written still returns the computed result', async () => {
    const blocker = path.join(dir, 'file');
    await fs.writeFile(blocker, 'x');
    const errors: unknown[] = [];
    const { reference, fromCache } = await cachedReference(path.join(blocker, 'sub'), 'key', sample, (e) =>
      errors.push(e),
    );
    expect(fromCache).toBe(false);
    expect(reference).toEqual(sample());
    expect(errors).toHaveLength(1);
  });
});
