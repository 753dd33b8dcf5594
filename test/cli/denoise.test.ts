/**
 * `kpca denoise` through the built CLI: columns and labels carried through, stdin/stdout, the library's result,
 * refusals.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { denoise } from '../../src/app/denoise';
import { loadDataset } from '../../src/data/load';
import { loadModel } from '../../src/model/modelFile';
import { fitModelCli, kpca, writeCloudCsv } from '../helpers/cli';

const dir = mkdtempSync(join(tmpdir(), 'kpca-denoise-cli-'));
const csv = writeCloudCsv(join(dir, 'cloud.csv'), 150);
const model = join(dir, 'm.kpca');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeAll(() => fitModelCli(csv, model, 3));

describe('kpca denoise', () => {
  test('writes the pre-images with the input columns and labels, equal to the library; stdin to stdout gives the same', async () => {
    const out = join(dir, 'out.csv');
    const res = kpca(['denoise', csv, '-m', model, '-o', out, '--backend', 'reference', '--json']);
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout)).toMatchObject({
      points: 150,
      components: 3,
      restarted: 0,
      failed: 0,
      unconverged: 0,
    });
    const text = readFileSync(out, 'utf8');
    expect(text.split('\n')[0]).toBe('a,b,c,d,e,label');
    const written = await loadDataset(out);
    const input = await loadDataset(csv);
    expect(written.labels).toEqual(input.labels);
    const expected = await denoise(await loadModel(model), input.X, input.l, { backend: 'reference' });
    expect(Array.from(written.X)).toEqual(Array.from(expected.Z));

    const piped = kpca(['denoise', '-', '-m', model, '-o', '-', '--backend', 'reference'], {
      input: readFileSync(csv, 'utf8'),
    });
    expect(piped.code).toBe(0);
    expect(piped.stdout).toBe(text);
    expect(piped.stderr).toMatch(/150 points, r=3, \d+ fixed-point iterations; 0 restarted/);
  });

  test('refuses bad input with exit 2 and writes nothing', () => {
    const out = join(dir, 'bad.csv');
    const cases: [string[], RegExp][] = [
      [['denoise', csv, '-m', join(dir, 'missing.kpca'), '-o', out], /missing\.kpca: no such file/],
      [['denoise', csv, '-m', model, '--json'], /--json needs -o FILE/],
      [['denoise', csv, '-m', model, '-o', out, '--tol', '0'], /--tol: must be greater than 0/],
    ];
    for (const [args, message] of cases) {
      const res = kpca(args);
      expect(res.stderr).toMatch(message);
      expect(res.code).toBe(2);
      expect(existsSync(out)).toBe(false);
    }
  });

  test('refuses a polynomial-kernel model, naming the supported kernels', () => {
    const poly = join(dir, 'poly.kpca');
    const f = kpca([
      'fit',
      csv,
      '--kernel',
      'polynomial',
      '--degree',
      '2',
      '-r',
      '2',
      '--gain',
      'annealed',
      '--eta0',
      '1e-7',
      '--passes',
      '1',
      '--backend',
      'reference',
      '-o',
      poly,
      '-q',
    ]);
    expect(f.stderr).toBe('');
    const out = join(dir, 'poly.csv');
    const res = kpca(['denoise', csv, '-m', poly, '-o', out]);
    expect(res.stderr).toMatch(
      /pre-images are computed for the gaussian and linear kernels; this model's kernel is polynomial/,
    );
    expect(res.code).toBe(2);
    expect(existsSync(out)).toBe(false);
  });

  test('has --help with examples', () => {
    const res = kpca(['denoise', '--help']);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/Examples:\n\s+kpca denoise/);
  });
});
