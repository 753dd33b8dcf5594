/**
 * The denoising report: digit grids decoded back pixel by pixel, tables against the series, and the
 * page rendered in headless Chromium with its plots and its images decoded. vega loads only outside
 * jest (ESM), so the report is written by the built dist/ in a subprocess; run `npm run build` first.
 */
import { spawnSync } from 'child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { Rng } from '../../src/linalg/rng';
import { digitGridPng, readPng } from '../../src/report/digits';
import {
  buildDenoiseReport,
  firstWithin,
  type DigitPictures,
  type NoiseResult,
  type ScheduleSeries,
} from '../../src/report/denoisePage';
import { readMarkdownTable } from './markdownTable';

const ROOT = join(__dirname, '..', '..');
const side = 4;
const count = 7;
const rng = new Rng(3);
const images = (n: number) => Float64Array.from({ length: n * side * side }, () => rng.uniform() * 1.2 - 0.1); // some outside [0, 1]: clipped

describe('digitGridPng', () => {
  it('draws each image at its grid cell, scaled, 1 black and 0 white, clipped to [0, 1]', () => {
    const X = images(count);
    const png = readPng(digitGridPng(X, count, side, { columns: 3, scale: 2, gap: 1 }));
    expect([png.width, png.height]).toEqual([(3 * (side + 1) + 1) * 2, (3 * (side + 1) + 1) * 2]);
    for (let k = 0; k < count; k++)
      for (let py = 0; py < side; py++)
        for (let px = 0; px < side; px++) {
          const v = Math.min(1, Math.max(0, X[k * side * side + py * side + px]));
          const x = (1 + (k % 3) * (side + 1) + px) * 2 + 1;
          const y = (1 + Math.floor(k / 3) * (side + 1) + py) * 2 + 1;
          const at = (y * png.width + x) * 4;
          expect([png.data[at], png.data[at + 1], png.data[at + 2], png.data[at + 3]]).toEqual(
            [0, 0, 0, 0].map((_, c) => (c < 3 ? Math.round(255 * (1 - v)) : 255)),
          );
        }
    expect(png.data[0]).toBe(255); // the gap is white
  });

  it('refuses values that are not m images of side²', () => {
    expect(() => digitGridPng(new Float64Array(10), 1, side)).toThrow(/10 values are not 1 images of 4 × 4/);
  });
});

describe('the denoising report (built dist/, headless Chromium)', () => {
  let dir: string;
  const series = (gain: string, mses: number[]): ScheduleSeries => ({
    gain,
    parameters: { eta0: 0.1 },
    series: mses.map((mse, pass) => ({ pass, seconds: pass * 0.5, mse, snr: 10 - mse * 100, restarted: 0, failed: 0 })),
  });
  const noise: NoiseResult = {
    noise: 'gaussian',
    description: 'synthetic.',
    noisy: { mse: 0.06, snr: 5 },
    exact: [
      { gamma: 0.01, r: 2, mse: 0.03, snr: 8, seconds: 1, restarted: 1, failed: 0, unconverged: 0 },
      { gamma: 0.01, r: 4, mse: 0.02, snr: 9, seconds: 1, restarted: 0, failed: 0, unconverged: 0 },
    ],
    linearPca: [{ r: 2, mse: 0.035, snr: 7.5, seconds: 0.1 }],
    kernelPcaRidge: [{ r: 2, mse: 0.05, snr: 6, seconds: 0.2, gamma: 0.001, alpha: 0.005 }],
    kha: {
      gamma: 0.01,
      r: 4,
      target: { mse: 0.02, snr: 9 },
      schedules: [series('annealed', [0.05, 0.04, 0.03, 0.025]), series('smd', [0.05, 0.03, 0.0205, 0.02])],
    },
  };
  const report = buildDenoiseReport(
    { description: 'synthetic digits', train: 10, test: count, features: side * side },
    [noise],
    { command: 'test' },
  );
  const pictures: DigitPictures[] = [
    {
      noise: 'gaussian',
      side,
      count,
      rows: ['clean', 'noisy', 'kha'].map((name) => ({ name, label: name, X: Array.from(images(count)) })),
    },
  ];

  beforeAll(() => {
    if (!existsSync(join(ROOT, 'dist', 'report', 'denoisePage.js')))
      throw new Error('dist/report/denoisePage.js is missing: run `npm run build` first');
    dir = mkdtempSync(join(tmpdir(), 'kpca-denoise-report-'));
    writeFileSync(join(dir, 'input.json'), JSON.stringify({ report, pictures }));
    const script = `const { writeDenoiseReport } = require(${JSON.stringify(join(ROOT, 'dist', 'report', 'denoisePage'))});
const { report, pictures } = JSON.parse(require('fs').readFileSync(${JSON.stringify(join(dir, 'input.json'))}, 'utf8'));
writeDenoiseReport(${JSON.stringify(join(dir, 'out'))}, report, pictures).catch((e) => { console.error(e); process.exit(1); });`;
    const run = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 120_000 });
    if (run.status !== 0) throw new Error(run.stderr);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the PNG files, inlined byte for byte in report.html and linked from report.md', () => {
    const html = readFileSync(join(dir, 'out', 'report.html'), 'utf8');
    const markdown = readFileSync(join(dir, 'out', 'report.md'), 'utf8');
    for (const name of ['clean', 'noisy', 'kha']) {
      const png = readFileSync(join(dir, 'out', `gaussian-${name}.png`));
      expect(png).toEqual(digitGridPng(pictures[0].rows.find((r) => r.name === name)!.X, count, side));
      expect(html).toContain(
        `<figure id="gaussian-${name}" class="picture"><img src="data:image/png;base64,${png.toString('base64')}"`,
      );
      expect(markdown).toContain(`](gaussian-${name}.png)`);
    }
    expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)="https?:/i);
  });

  it('has a table of passes that agrees with the series', () => {
    const table = readMarkdownTable(
      readFileSync(join(dir, 'out', 'report.md'), 'utf8'),
      "gaussian: KHA passes to the exact solution's denoising quality (γ = 0.01, r = 4)",
    );
    expect(table.map((row) => row.schedule)).toEqual(['annealed', 'smd']);
    expect(firstWithin(noise.kha!.schedules[1], 0.02)?.pass).toBe(2);
    expect(table[1]['first pass within 5% of exact']).toBe('2 (1.0 s)');
    expect(table[0]['first pass within 5% of exact']).toBe('—');
    expect(table[1]['first pass below best linear PCA']).toBe('1 (0.5 s)');
  });

  const chromium = ['chromium', 'chromium-browser'].some(
    (c) => spawnSync('sh', ['-c', `command -v ${c}`]).status === 0,
  );
  if (!chromium)
    console.warn('Chromium not installed: the headless rendering checks of the denoising report are skipped');
  (chromium ? it : it.skip)(
    'renders in headless Chromium: plots drawn, every image decoded at its size',
    () => {
      const html = join(dir, 'out', 'report.html');
      const plots = spawnSync('bash', [join(ROOT, 'scripts', 'check-report-html.sh'), html, join(dir, 'shot.png')], {
        encoding: 'utf8',
        timeout: 240_000,
      });
      expect(plots.stdout + plots.stderr).toMatch(/2 plots rendered/);
      expect(plots.status).toBe(0);
      // A copy with a probe that writes, after load, each image's decoded size into the DOM Chromium dumps.
      const probe = join(dir, 'out', 'probe.html');
      const probeScript = `<script>addEventListener('load', () => { document.body.setAttribute('data-images', [...document.images].map((i) => i.complete ? i.naturalWidth + 'x' + i.naturalHeight : 'broken').join(' ')); });</script>`;
      writeFileSync(probe, readFileSync(html, 'utf8').replace('</body>', `${probeScript}</body>`));
      const bin = spawnSync('sh', ['-c', 'command -v chromium || command -v chromium-browser'], {
        encoding: 'utf8',
      }).stdout.trim();
      const profile = mkdtempSync(join(tmpdir(), 'kpca-chromium-'));
      const dom = spawnSync(
        bin,
        [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--no-first-run',
          `--user-data-dir=${profile}`,
          '--virtual-time-budget=5000',
          '--dump-dom',
          `file://${probe}`,
        ],
        { encoding: 'utf8', timeout: 120_000 },
      );
      rmSync(profile, { recursive: true, force: true });
      const expected = readPng(readFileSync(join(dir, 'out', 'gaussian-clean.png')));
      expect(/data-images="([^"]*)"/.exec(dom.stdout)?.[1]).toBe(
        Array(3).fill(`${expected.width}x${expected.height}`).join(' '),
      );
    },
    300_000,
  );
});
