import { Command } from 'commander';
import { chmodSync, mkdirSync, readdirSync, readFileSync } from 'fs';
import * as path from 'path';
import { registerDataCommands } from '../../src/cli/data';
import { fixture, makeTempDir } from './helpers';
import { startUspsServer } from './server';

const tmp = makeTempDir();
afterAll(() => tmp.cleanup());

/** Run `kpca ARGS` in-process; returns what it printed and the exit code it set. */
async function kpca(...args: string[]): Promise<{ stdout: string; stderr: string; exitCode: number }> {
  const program = new Command('kpca').option('--debug').exitOverride();
  program.configureOutput({ writeOut: (s) => out.push(s), writeErr: (s) => err.push(s) });
  registerDataCommands(program);
  const out: string[] = [];
  const err: string[] = [];
  const stdout = jest.spyOn(process.stdout, 'write').mockImplementation((s) => out.push(String(s)) > 0);
  const stderr = jest.spyOn(process.stderr, 'write').mockImplementation((s) => err.push(String(s)) > 0);
  process.exitCode = undefined;
  try {
    await program.parseAsync(args, { from: 'user' });
  } catch (e) {
    err.push(String(e));
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
  const exitCode = Number(process.exitCode ?? 0);
  process.exitCode = undefined;
  return { stdout: out.join(''), stderr: err.join(''), exitCode };
}

describe('kpca data info', () => {
  test('text summary', async () => {
    const r = await kpca('data', 'info', fixture('small.csv'));
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain(
      'small.csv: 3 rows × 3 features\nlabels: 2 classes\n  a            2\n  b            1\n',
    );
    expect(r.stdout).toMatch(/x2 +2 +1e\+308 +3\.33333e\+307\n/);
  });

  test('--json', async () => {
    const r = await kpca('data', 'info', fixture('small.tsv'), '--json');
    const info = JSON.parse(r.stdout);
    expect(info).toMatchObject({
      rows: 3,
      columns: 3,
      nonFinite: 0,
      labelCounts: [
        { label: '0', count: 2 },
        { label: '1', count: 1 },
      ],
    });
    expect(info.features[2]).toEqual({ name: 'x3', min: -600, max: 3, mean: -199, nonFinite: 0 });
  });

  test('--no-label-column and --label-column', async () => {
    const file = tmp.file('xy.csv', 'x,y\n1,2\n3,4\n');
    expect(JSON.parse((await kpca('data', 'info', file, '--json')).stdout).columns).toBe(1);
    const none = JSON.parse((await kpca('data', 'info', file, '--json', '--no-label-column')).stdout);
    expect([none.columns, none.labelCounts]).toEqual([2, null]);
    const first = JSON.parse((await kpca('data', 'info', file, '--json', '--label-column', '1')).stdout);
    expect(first.labelCounts).toEqual([
      { label: '1', count: 1 },
      { label: '3', count: 1 },
    ]);
  });

  test('a bad file: one located line on stderr, exit code 2', async () => {
    const file = tmp.file('bad.csv', 'a,b\n1,2\n3,abc\n');
    const r = await kpca('data', 'info', file);
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      `kpca: ${file}:3:2: expected a number, found "abc" (if column 2 holds class labels, choose it with --label-column 2)\n`,
    );
  });

  test('help has examples', async () => {
    for (const sub of ['info', 'convert', 'fetch']) {
      const r = await kpca('data', sub, '--help');
      expect(r.stdout).toContain('Examples:');
    }
  });
});

describe('kpca data convert', () => {
  test('format from the extension, summary on stderr, bit-identical numbers', async () => {
    const out = path.join(tmp.dir, 'small.svm');
    const r = await kpca('data', 'convert', fixture('small.csv'), out);
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toBe(`wrote ${out}: 3 rows × 3 features, libsvm\n`);
    expect(readFileSync(out, 'utf8')).toBe('a 1:1 2:2 3:3\nb 1:4.5 2:5 3:-600\na 1:0.1 2:1e+308 3:-0\n');
  });

  test('--to overrides the extension; --from overrides detection', async () => {
    const out = path.join(tmp.dir, 'out.dat');
    const r = await kpca('data', 'convert', tmp.file('in.csv', '1 2 3\n'), out, '--from', 'usps', '--to', 'tsv', '-q');
    expect([r.exitCode, r.stderr]).toEqual([0, '']);
    expect(readFileSync(out, 'utf8')).toBe('col1\tcol2\tlabel\n2\t3\t1\n');
  });

  test('mnist built-in to CSV', async () => {
    const out = path.join(tmp.dir, 'mnist.csv');
    expect((await kpca('data', 'convert', 'mnist:5:14', out)).exitCode).toBe(0);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(6);
    expect(lines[0].split(',')).toHaveLength(197);
  });

  test('a format that needs labels: exit code 2, nothing written', async () => {
    const out = path.join(tmp.dir, 'nolabels.svm');
    const r = await kpca('data', 'convert', fixture('no-header.csv'), out);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe(
      'kpca: libsvm files need a label on every line, and this data set has no labels; write csv or tsv instead\n',
    );
    expect(readdirSync(tmp.dir)).not.toContain('nolabels.svm');
  });
});

describe('kpca data convert: an output that cannot be written is refused before the input is read', () => {
  // the input does not exist: refusing the output first shows the input was never opened
  const missingInput = () => path.join(tmp.dir, 'never-read.csv');
  const refused = (out: string, reason: string) => ({
    exitCode: 2,
    stdout: '',
    stderr: `kpca: ${out}: cannot write: ${reason}; the previous file, if any, is intact\n`,
  });
  test.each([
    ['a missing directory', () => path.join(tmp.dir, 'no', 'such', 'out.csv'), 'no such directory'],
    ['a directory', () => tmp.dir, 'is a directory, expected a file name'],
  ])('%s', async (_, out, reason) => {
    expect(await kpca('data', 'convert', missingInput(), out())).toEqual(refused(out(), reason));
  });
  const root = process.getuid?.() === 0;
  (root ? test.skip : test)(
    `a read-only directory${root ? ' (skipped: running as root, which may write there)' : ''}`,
    async () => {
      const dir = path.join(tmp.dir, 'read-only');
      mkdirSync(dir);
      chmodSync(dir, 0o555);
      const out = path.join(dir, 'out.csv');
      expect(await kpca('data', 'convert', missingInput(), out)).toEqual(refused(out, 'permission denied'));
    },
  );
});

describe('kpca data fetch', () => {
  let server: Awaited<ReturnType<typeof startUspsServer>>;
  beforeAll(async () => {
    server = await startUspsServer();
  });
  afterAll(() => server.close());

  test('a corrupt download fails with exit code 2 and writes nothing', async () => {
    const dir = path.join(tmp.dir, 'fetched-corrupt');
    const r = await kpca('data', 'fetch', 'usps', '--dir', dir, '--base-url', server.baseUrl('corrupt'));
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/^kpca: http:\/\/127\.0\.0\.1:\d+\/corrupt\/zip\.train\.gz: sha256 mismatch/);
    expect(readdirSync(tmp.dir)).not.toContain('fetched-corrupt');
  });

  (process.env.KPCA_USPS_DIR ? test : test.skip)(
    'says where the files went (needs KPCA_USPS_DIR to serve them)',
    async () => {
      const dir = path.join(tmp.dir, 'fetched');
      const r = await kpca('data', 'fetch', 'usps', '--dir', dir, '--base-url', server.baseUrl('ok'));
      expect(r.exitCode).toBe(0);
      expect(r.stderr).toBe(
        `downloaded: ${path.join(dir, 'zip.train.gz')} (1829071 bytes, sha256 ok)\n` +
          `downloaded: ${path.join(dir, 'zip.test.gz')} (439208 bytes, sha256 ok)\n` +
          `use them with: export KPCA_USPS_DIR=${dir}\n`,
      );
    },
  );

  test('an unknown data set is refused by the argument check', async () => {
    const r = await kpca('data', 'fetch', 'cifar');
    expect(r.stderr).toMatch(/value 'cifar' is invalid for argument 'name'\. Allowed choices are usps/);
  });
});
