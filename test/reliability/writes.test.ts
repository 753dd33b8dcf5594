/**
 * Outputs that cannot be written whole, through the real command: a file system that accepts fewer
 * bytes than asked (simulated by a preloaded write limit) and a real full disk (a small tmpfs, which
 * needs root to mount; skipped otherwise). Each ends with exit 2 and one line naming the user's path,
 * the previous file byte for byte intact and no temporary file left.
 */
import { spawnSync } from 'child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { kpca, writeCloudCsv } from '../helpers/cli';

const PRELOAD = join(__dirname, 'limitWrites.js');
const fitArgs = (data: string, model: string) => [
  'fit',
  data,
  '-r',
  '2',
  '--passes',
  '1',
  '--backend',
  'reference',
  '-q',
  '-o',
  model,
];

function expectRefused(run: { code: number | null; stderr: string }, target: string) {
  expect(run.code).toBe(2);
  const lines = run.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(new RegExp(`^kpca: ${target.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: cannot write: `));
  expect(run.stderr).not.toMatch(/\.tmp|\n\s+at /);
}

describe('short writes through the CLI', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kpca-short-'));
  const data = writeCloudCsv(join(dir, 'cloud.csv'), 120);
  const model = join(dir, 'm.kpca');

  test('fit -o M on a file system that fills during the last bytes: exit 2, the old model intact', () => {
    expect(kpca(fitArgs(data, model)).code).toBe(0);
    const before = readFileSync(model);
    // a different seed gives a different model of the same size; the disk takes all but 18 bytes of it
    const run = kpca([...fitArgs(data, model), '--seed', '7'], {
      env: { NODE_OPTIONS: `--require ${PRELOAD}`, KPCA_TEST_WRITE_BUDGET: String(before.length - 18) },
    });
    expectRefused(run, model);
    expect(readFileSync(model).equals(before)).toBe(true);
    expect(readdirSync(dir).sort()).toEqual(['cloud.csv', 'm.kpca']);
  });

  test('transform -o T with room for half the output: exit 2, the old output intact', () => {
    const out = join(dir, 't.csv');
    expect(kpca(['transform', data, '-m', model, '-o', out, '--backend', 'reference']).code).toBe(0);
    const before = readFileSync(out);
    writeFileSync(out, before);
    const run = kpca(['transform', data, '-m', model, '-o', out, '--backend', 'reference'], {
      env: { NODE_OPTIONS: `--require ${PRELOAD}`, KPCA_TEST_WRITE_BUDGET: String(before.length >> 1) },
    });
    expectRefused(run, out);
    expect(readFileSync(out).equals(before)).toBe(true);
    expect(readdirSync(dir).sort()).toEqual(['cloud.csv', 'm.kpca', 't.csv']);
  });
});

/** Mount a tmpfs of `kib` KiB at a fresh directory; null (with the reason) where this is not possible. */
function mountTmpfs(kib: number, options = ''): { dir: string } | { reason: string } {
  if (process.getuid?.() !== 0) return { reason: 'mounting a tmpfs needs root' };
  const dir = mkdtempSync(join(tmpdir(), 'kpca-full-'));
  const run = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${kib}k${options}`, 'tmpfs', dir], { encoding: 'utf8' });
  if (run.status !== 0) return { reason: `mount failed: ${(run.stderr || String(run.error)).trim()}` };
  return { dir };
}

const mounted = mountTmpfs(64);
const readOnly = mountTmpfs(64, ',ro');
const onTmpfs = 'dir' in mounted ? test : test.skip;
const skipped = 'reason' in mounted ? ` (skipped: ${mounted.reason})` : '';

describe('a real full disk (tmpfs)', () => {
  afterAll(() => {
    for (const m of [mounted, readOnly])
      if ('dir' in m) {
        spawnSync('umount', [m.dir]);
        rmSync(m.dir, { recursive: true, force: true });
      }
  });

  ('dir' in readOnly ? test : test.skip)(`fit -o M on a read-only file system: exit 2 naming M${skipped}`, () => {
    const data = writeCloudCsv(join(tmpdir(), `kpca-ro-${process.pid}.csv`), 50);
    const model = join((readOnly as { dir: string }).dir, 'm.kpca');
    const run = kpca(fitArgs(data, model));
    expectRefused(run, model);
    expect(run.stderr).toMatch(/cannot write: read-only file system/);
    rmSync(data);
  });

  onTmpfs(`fit -o M and data convert on a full tmpfs: exit 2, the old file intact, no temporary file${skipped}`, () => {
    const dir = (mounted as { dir: string }).dir;
    const data = writeCloudCsv(join(tmpdir(), `kpca-full-${process.pid}.csv`), 300);
    const model = join(dir, 'm.kpca');
    expect(kpca(fitArgs(data, model)).code).toBe(0);
    const before = readFileSync(model);
    // fill the disk: a filler of what remains, less a page (the new model needs more than that)
    const filler = join(dir, 'filler');
    for (let size = 64 * 1024; size >= 4096; size >>= 1) {
      try {
        writeFileSync(filler, Buffer.alloc(size), { flag: 'a' });
      } catch {
        // full at this granularity: try smaller pieces
      }
    }
    const run = kpca([...fitArgs(data, model), '--seed', '7']);
    expectRefused(run, model);
    expect(run.stderr).toMatch(/no space left on device/);
    expect(readFileSync(model).equals(before)).toBe(true);
    const converted = join(dir, 'copy.csv');
    expectRefused(kpca(['data', 'convert', data, converted]), converted);
    expect(readdirSync(dir).sort()).toEqual(['filler', 'm.kpca']);
    rmSync(data);
  });
});
