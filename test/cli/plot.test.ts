/** `kpca plot` through the built CLI: one symbol per point, placed linearly by the projections, coloured by label. */
import { mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { transform } from '../../src/app/transform';
import { loadDataset } from '../../src/data/load';
import { loadModel } from '../../src/model/modelFile';
import { fitModelCli, kpca, writeCloudCsv } from '../helpers/cli';

const dir = mkdtempSync(join(tmpdir(), 'kpca-plot-cli-'));
const csv = writeCloudCsv(join(dir, 'cloud.csv'), 120);
const model = join(dir, 'm.kpca');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeAll(() => fitModelCli(csv, model, 2));

describe('kpca plot', () => {
  test('draws each point at its first two components, one colour per label', async () => {
    const out = join(dir, 'plot.svg');
    const res = kpca(['plot', csv, '-m', model, '-o', out, '--backend', 'reference']);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    const svg = readFileSync(out, 'utf8');
    const group = /<g class="mark-symbol role-mark marks"[^>]*>([\s\S]*?)<\/g>/.exec(svg)?.[1] ?? '';
    const symbols = [...group.matchAll(/translate\(([-\d.e]+),([-\d.e]+)\)"[^>]* fill="(#[0-9a-f]+)"/g)].map((m) => ({
      x: +m[1],
      y: +m[2],
      fill: m[3],
    }));
    const data = await loadDataset(csv);
    expect(symbols).toHaveLength(data.l);
    const Y = await transform(await loadModel(model), data.X, data.l, { backend: 'reference' });
    // screen x = a·pc1 + b and y = c·pc2 + e (y grows downwards: c < 0), to rounding
    for (const [axis, comp, sign] of [
      ['x', 0, 1],
      ['y', 1, -1],
    ] as const) {
      const v = symbols.map((s) => s[axis]);
      const p = Array.from({ length: data.l }, (_, b) => Y[b * 2 + comp]);
      const lo = p.indexOf(Math.min(...p));
      const hi = p.indexOf(Math.max(...p));
      const slope = (v[hi] - v[lo]) / (p[hi] - p[lo]);
      expect(Math.sign(slope)).toBe(sign);
      for (let b = 0; b < data.l; b++) expect(Math.abs(v[lo] + slope * (p[b] - p[lo]) - v[b])).toBeLessThan(0.01);
    }
    const colourOf = new Map<string, Set<string>>();
    symbols.forEach((s, b) => colourOf.set(data.labels![b], (colourOf.get(data.labels![b]) ?? new Set()).add(s.fill)));
    expect([...colourOf.values()].map((c) => c.size)).toEqual([1, 1, 1]);
    expect(new Set([...colourOf.values()].map((c) => [...c][0])).size).toBe(3);
  });

  test('refuses a missing -o and a one-component model with exit 2', () => {
    expect(kpca(['plot', csv, '-m', model]).code).toBe(2);
    const one = join(dir, 'one.kpca');
    expect(
      kpca([
        'fit',
        csv,
        '--sigma',
        '3',
        '-r',
        '1',
        '--gain',
        'kha-et',
        '--passes',
        '1',
        '--backend',
        'reference',
        '-o',
        one,
        '-q',
      ]).code,
    ).toBe(0);
    const res = kpca(['plot', csv, '-m', one, '-o', join(dir, 'one.svg')]);
    expect(res.stderr).toMatch(/a 2-D plot needs 2/);
    expect(res.code).toBe(2);
  });
});
