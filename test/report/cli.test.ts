/**
 * `kpca compare` end to end through the built CLI in a subprocess (vega is ESM-only and cannot load
 * inside jest's module system, so the HTML is tested here): report files, the table against the
 * series, inline SVG plots, and, where Chromium is installed, that the page renders headless.
 * `npm test` builds dist/ first; run `npm run build` before running this file alone.
 */
import { spawnSync } from 'child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { firstReaching, THRESHOLDS, type CompareReport } from '../../src/report';
import { writeCloudCsv } from '../helpers/cli';
import { readMarkdownTable } from './markdownTable';

const ROOT = join(__dirname, '..', '..');
const CHECK_HTML = join(ROOT, 'scripts', 'check-report-html.sh');
let dir: string;
let runner: string;

/** bin/kpca, with the compare command registered if src/cli/main.ts does not do it (yet). */
function kpca(args: string[], timeout = 120_000) {
  const run = spawnSync(process.execPath, [runner, ...args], { encoding: 'utf8', timeout });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

beforeAll(() => {
  if (!existsSync(join(ROOT, 'dist', 'cli', 'compare.js')))
    throw new Error('dist/cli/compare.js is missing: run `npm run build` first');
  dir = mkdtempSync(join(tmpdir(), 'kpca-compare-cli-'));
  runner = join(dir, 'kpca.js');
  writeFileSync(
    runner,
    `const { buildProgram } = require(${JSON.stringify(join(ROOT, 'dist', 'cli', 'main'))});
const { reportError } = require(${JSON.stringify(join(ROOT, 'dist', 'cli', 'common'))});
const program = buildProgram();
if (!program.commands.some((c) => c.name() === 'compare')) require(${JSON.stringify(join(ROOT, 'dist', 'cli', 'compare'))}).registerCompareCommand(program);
program.parseAsync(process.argv).catch((err) => { process.exitCode = reportError(err, false); });
`,
  );
  writeCloudCsv(join(dir, 'cloud.csv'), 300, 3);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('kpca compare (CLI)', () => {
  let out: string;
  let report: CompareReport;
  beforeAll(() => {
    out = join(dir, 'report');
    const args = [
      'compare',
      join(dir, 'cloud.csv'),
      '--sigma',
      '6',
      '-r',
      '4',
      '--passes',
      '25',
      '--set',
      'kha-et.eta0=0.2',
      '--set',
      'smd.eta0=0.05',
    ];
    const res = kpca([...args, '--backend', 'reference', '--cache-dir', join(dir, 'cache'), '--out', out, '--json']);
    if (res.code !== 0) throw new Error(`kpca compare failed (${res.code}): ${res.stderr}`);
    report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    expect(JSON.parse(res.stdout).summary).toEqual(report.summary);
  });

  it('writes report.json with every series, the command and the settings', () => {
    expect(report.command).toMatch(/^kpca compare .*cloud\.csv --sigma 6 -r 4 --passes 25 --set kha-et\.eta0=0\.2/);
    expect(report.result.schedules.map((s) => s.gain)).toEqual(['constant', 'annealed', 'kha-et', 'smd']);
    expect(report.result.schedules.find((s) => s.gain === 'kha-et')?.parameters).toEqual({ eta0: 0.2 });
    for (const s of report.result.schedules) expect(s.series).toHaveLength(26);
    expect(report.result.data.l).toBe(300);
  });

  it('has a Markdown table that agrees with the series', () => {
    const table = readMarkdownTable(
      readFileSync(join(out, 'report.md'), 'utf8'),
      'Passes to reach a relative excess reconstruction error',
    );
    for (const [i, s] of report.result.schedules.entries())
      for (const t of THRESHOLDS) {
        const passes = firstReaching(s.series, t).passes;
        expect(table[i][`≤ ${t.toExponential(0)}`].split(' ')[0]).toBe(passes === null ? '—' : String(passes));
      }
    // on this well separated problem the adaptive schedules get to 1e-3 within the run
    for (const gain of ['kha-et', 'smd'])
      expect(firstReaching(report.result.schedules.find((s) => s.gain === gain)!.series, 1e-3).passes).not.toBeNull();
  });

  it('writes a self-contained report.html with an inline SVG per plot', () => {
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    const figures = [...html.matchAll(/<figure id="([^"]+)" class="plot"><svg[\s\S]*?<\/svg>/g)];
    expect(figures.map((f) => f[1])).toEqual([
      'error-passes',
      'error-seconds',
      'eigenvalue-error',
      'subspace',
      'gains',
      'eigenvalues',
    ]);
    for (const [svg] of figures) expect(svg).toMatch(/class="mark-line[^"]*"[\s\S]*?<path[^>]* d="M/);
    expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)=/i); // nothing fetched: opens offline
  });

  const chromium = ['chromium', 'chromium-browser'].some(
    (c) => spawnSync('sh', ['-c', `command -v ${c}`]).status === 0,
  );
  if (!chromium)
    console.warn(
      'Chromium not installed: the headless rendering check of report.html is skipped (apt-get install -y chromium)',
    );
  (chromium ? it : it.skip)(
    'renders in headless Chromium (scripts/check-report-html.sh)',
    () => {
      const res = spawnSync('bash', [CHECK_HTML, join(out, 'report.html'), join(dir, 'shot.png')], {
        encoding: 'utf8',
        timeout: 240_000,
      });
      expect(res.stderr + res.stdout).toMatch(/6 plots rendered/);
      expect(res.status).toBe(0);
    },
    300_000,
  );

  it('refuses bad flags with exit code 2 and a message naming the flag', () => {
    const csv = join(dir, 'cloud.csv');
    const cases: [string[], RegExp][] = [
      [['--gains', 'constant,fast'], /--gains: unknown schedule "fast"/],
      [['--set', 'smd.rho=1'], /--set: unknown parameter "rho"/],
      [['--set', 'smd.mu=-1'], /--set smd.mu: must be greater than 0/],
      [['--tol', '1e-3'], /unknown option '--tol'/],
      [[], /missing -o, --out <dir>/],
    ];
    for (const [flags, message] of cases) {
      const res = kpca([
        'compare',
        csv,
        '-r',
        '2',
        '--passes',
        '1',
        ...flags,
        ...(flags.length ? ['--out', join(dir, 'bad')] : []),
      ]);
      expect(res.stderr).toMatch(message);
      expect(res.code).toBe(2);
    }
  });

  it('has --help with examples', () => {
    const res = kpca(['compare', '--help']);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/Examples:\n\s+kpca compare/);
    for (const flag of ['--gains', '--tune', '--cache-dir', '--out', '--sigma', '--eta0', '--set', '--passes'])
      expect(res.stdout).toContain(flag);
  });
});
