/**
 * The denoising report (bench/denoiseUsps.ts, the paper's fourth experiment): MSE and SNR of the
 * pre-images against the clean digits for a range of r, next to linear PCA and scikit-learn's
 * learned (ridge) inverse; denoising quality after each KHA pass per gain schedule; digit grids.
 * report.json holds the numbers, the PNG files the pictures (also inlined in report.html).
 */
import { promises as fs } from 'fs';
import * as path from 'path';
import { writeFileAtomic } from '../io/atomicWrite';
import { writeReportFiles, type WrittenReport } from '.';
import { digitGridPng } from './digits';
import { machineInfo, type MachineInfo } from './machine';
import type { Page, Picture, Section } from './page';
import type { Plot } from './plotSpecs';

export const DENOISE_REPORT_FORMAT = 'kpca-denoise-report';

export interface Score {
  mse: number;
  snr: number;
}
/** exact kernel PCA (dense eigenvectors) with the fixed-point pre-image */
export interface ExactRow extends Score {
  gamma: number;
  r: number;
  /** seconds of the pre-images (the eigendecomposition excluded) */
  seconds: number;
  restarted: number;
  failed: number;
  unconverged: number;
}
export interface PeerRow extends Score {
  r: number;
  seconds: number;
  gamma?: number;
  alpha?: number;
}
export interface SeriesPoint extends Score {
  pass: number;
  /** iteration seconds up to this pass (measurement excluded) */
  seconds: number;
  restarted: number;
  failed: number;
}
export interface ScheduleSeries {
  gain: string;
  parameters: Record<string, number>;
  series: SeriesPoint[];
  /** why it stopped early, when it did */
  failure?: string;
}
/** one η0 tried before the run (null: diverged); the criterion is the run's to say */
export interface TuningTrial {
  gain: string;
  eta0: number;
  mse: number | null;
}
export interface NoiseResult {
  noise: string;
  description: string;
  noisy: Score;
  exact: ExactRow[];
  linearPca: PeerRow[];
  kernelPcaRidge: PeerRow[];
  /** the schedules, run at one (γ, r) where the exact solution's MSE is `target` */
  kha?: { gamma: number; r: number; target: Score; schedules: ScheduleSeries[]; tuning?: TuningTrial[] };
}
export interface DenoiseReport {
  format: typeof DENOISE_REPORT_FORMAT;
  version: 1;
  createdAt: string;
  command?: string;
  machine: MachineInfo;
  data: { description: string; train: number; test: number; features: number };
  peers?: Record<string, string>;
  noises: NoiseResult[];
}

/** Test digits drawn in the report, per noise: images (count × side²) by row name. */
export interface DigitPictures {
  noise: string;
  side: number;
  count: number;
  rows: { name: string; label: string; X: ArrayLike<number> }[];
}

/** Passes within this factor of the exact solution's MSE count as reaching it. */
export const WITHIN = 1.05;

export function buildDenoiseReport(
  data: DenoiseReport['data'],
  noises: NoiseResult[],
  extra: { command?: string; peers?: Record<string, string> } = {},
): DenoiseReport {
  return {
    format: DENOISE_REPORT_FORMAT,
    version: 1,
    createdAt: new Date().toISOString(),
    command: extra.command,
    machine: machineInfo(),
    data,
    peers: extra.peers,
    noises,
  };
}

/** First pass whose MSE is within WITHIN of the target, or null. */
export function firstWithin(s: ScheduleSeries, target: number): SeriesPoint | null {
  return s.series.find((p) => p.mse <= WITHIN * target) ?? null;
}

const fmt = (v: number, digits = 4) => v.toPrecision(digits);
const best = <T extends Score>(rows: T[]): T | undefined =>
  rows.reduce<T | undefined>((b, x) => (b === undefined || x.mse < b.mse ? x : b), undefined);

function noiseSections(n: NoiseResult, pictures: Picture[]): Section[] {
  const rows: string[][] = [['noisy input', '—', '', fmt(n.noisy.mse), n.noisy.snr.toFixed(2), '—']];
  /** one row per r of a method; the lowest MSE marked "best" */
  const group = <T extends Score & { r: number }>(list: T[], method: (x: T) => string, cost: (x: T) => string) => {
    const b = best(list);
    for (const x of list)
      rows.push([method(x), String(x.r), x === b ? 'best' : '', fmt(x.mse), x.snr.toFixed(2), cost(x)]);
  };
  group(
    n.exact,
    (e) => `exact kernel PCA + fixed point (γ = ${e.gamma})`,
    (e) => `${e.seconds.toFixed(2)} s; ${e.restarted} restarted, ${e.failed} failed, ${e.unconverged} unconverged`,
  );
  group(
    n.linearPca,
    () => 'linear PCA (scikit-learn)',
    (p) => `${p.seconds.toFixed(2)} s`,
  );
  group(
    n.kernelPcaRidge,
    (p) => `scikit-learn KernelPCA, learned inverse (γ = ${p.gamma}, α = ${p.alpha})`,
    (p) => `${p.seconds.toFixed(2)} s`,
  );
  const sections: Section[] = [
    {
      table: {
        title: `${n.noise}: mean squared error and SNR against the clean test digits`,
        note: `${n.description} SNR = 10 log10(Σ clean² / Σ (denoised − clean)²) dB. "best": the lowest MSE of each method.`,
        header: ['method', 'r', '', 'MSE', 'SNR (dB)', 'cost and pre-image diagnostics'],
        rows,
      },
    },
  ];
  if (n.kha) {
    const { target, schedules, gamma, r } = n.kha;
    const linear = best(n.linearPca);
    sections.push({
      table: {
        title: `${n.noise}: KHA passes to the exact solution's denoising quality (γ = ${gamma}, r = ${r})`,
        note:
          `MSE of the fixed-point pre-images after each pass (the fit's Rayleigh–Ritz vectors at that pass), against exact kernel PCA's ${fmt(target.mse)} ` +
          `with the same pre-image${linear ? ` and the best linear PCA's ${fmt(linear.mse)} (r = ${linear.r})` : ''}. Seconds: KHA iteration only (measurement excluded).`,
        header: [
          'schedule',
          'parameters',
          `first pass within ${Math.round((WITHIN - 1) * 100)}% of exact`,
          'first pass below best linear PCA',
          'MSE after the last pass',
          'passes run',
        ],
        rows: schedules.map((s) => {
          const w = firstWithin(s, target.mse);
          const below = linear ? s.series.find((p) => p.mse < linear.mse) : undefined;
          const last = s.series[s.series.length - 1];
          const at = (p: SeriesPoint | null | undefined) => (p ? `${p.pass} (${p.seconds.toFixed(1)} s)` : '—');
          return [
            s.gain,
            JSON.stringify(s.parameters),
            at(w),
            at(below),
            last ? `${fmt(last.mse)} (SNR ${last.snr.toFixed(2)} dB)` : '—',
            `${last?.pass ?? 0}${s.failure ? ` (${s.failure})` : ''}`,
          ];
        }),
      },
    });
    if (n.kha.tuning)
      sections.push({
        table: {
          title: `${n.noise}: η0 tuning`,
          note: 'Each schedule ran 3 passes per η0; the lowest MSE of denoising the first 100 noisy training digits (against their clean versions; the test digits take no part) chose the η0 run above. —: diverged.',
          header: ['schedule', ...[...new Set(n.kha.tuning.map((t) => t.eta0))].map((e) => `η0 = ${e}`)],
          rows: [...new Set(n.kha.tuning.map((t) => t.gain))].map((g) => [
            g,
            ...n.kha!.tuning!.filter((t) => t.gain === g).map((t) => (t.mse === null ? '—' : fmt(t.mse))),
          ]),
        },
      });
    sections.push({ plots: seriesPlots(n) });
  }
  if (pictures.length > 0) sections.push({ pictures: { heading: `${n.noise}: test digits`, items: pictures } });
  return sections;
}

function seriesPlots(n: NoiseResult): Plot[] {
  const kha = n.kha!;
  const values = kha.schedules.flatMap((s) =>
    s.series.map((p) => ({ schedule: s.gain, pass: p.pass, seconds: p.seconds, mse: p.mse })),
  );
  const lines = [{ what: `exact kernel PCA (${fmt(kha.target.mse)})`, mse: kha.target.mse }];
  const linear = best(n.linearPca);
  if (linear) lines.push({ what: `best linear PCA (${fmt(linear.mse)})`, mse: linear.mse });
  const spec = (x: 'pass' | 'seconds', title: string) => ({
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: 560,
    height: 300,
    layer: [
      {
        data: { values },
        mark: { type: 'line', point: { size: 25 }, strokeWidth: 1.5 },
        encoding: {
          x: { field: x, type: 'quantitative', title },
          y: { field: 'mse', type: 'quantitative', title: 'MSE against the clean digits', scale: { type: 'log' } },
          color: { field: 'schedule', type: 'nominal', title: 'schedule' },
        },
      },
      {
        data: { values: lines },
        mark: { type: 'rule', strokeDash: [5, 3] },
        encoding: {
          y: { field: 'mse', type: 'quantitative' },
          strokeDash: { field: 'what', type: 'nominal', title: 'reference' },
        },
      },
    ],
  });
  const slug = n.noise.replace(/[^a-z0-9]+/gi, '-').toLowerCase();
  return [
    {
      id: `${slug}-mse-passes`,
      caption: `${n.noise}: MSE of the pre-images after each KHA pass (pass 0: the common random start); dashed: exact kernel PCA and the best linear PCA.`,
      spec: spec('pass', 'passes'),
    },
    {
      id: `${slug}-mse-seconds`,
      caption: `${n.noise}: the same against KHA iteration seconds.`,
      spec: spec('seconds', 'seconds'),
    },
  ];
}

export function denoisePage(report: DenoiseReport, pictures: DigitPictures[]): { page: Page; files: Picture[] } {
  const files: Picture[] = [];
  const sections: Section[] = [
    {
      table: {
        title: 'Setting',
        header: ['', ''],
        rows: [
          ['data', report.data.description],
          [
            'split',
            `${report.data.train} training digits, ${report.data.test} test digits, ${report.data.features} pixels`,
          ],
          [
            'machine',
            `${report.machine.cpu}, ${report.machine.cores} cores, ${report.machine.memoryMiB} MiB; Node ${report.machine.node}`,
          ],
          ...(report.peers
            ? [
                [
                  'peers',
                  Object.entries(report.peers)
                    .map(([k, v]) => `${k} ${v}`)
                    .join(', '),
                ],
              ]
            : []),
        ],
      },
    },
  ];
  for (const n of report.noises) {
    const pics = pictures.find((p) => p.noise === n.noise);
    const mine: Picture[] = (pics?.rows ?? []).map((row) => {
      const slug = `${n.noise}-${row.name}`.replace(/[^a-z0-9]+/gi, '-').toLowerCase();
      return {
        id: slug,
        file: `${slug}.png`,
        png: digitGridPng(row.X, pics!.count, pics!.side),
        caption: `${n.noise}: ${row.label}`,
      };
    });
    files.push(...mine);
    sections.push(...noiseSections(n, mine));
  }
  return {
    page: {
      title: 'Denoising with kernel PCA pre-images',
      command: report.command,
      createdAt: report.createdAt,
      sections,
    },
    files,
  };
}

/** report.json, the PNG files, report.md and report.html into `dir` (each written atomically). */
export async function writeDenoiseReport(
  dir: string,
  report: DenoiseReport,
  pictures: DigitPictures[],
  html = true,
): Promise<WrittenReport['files'] & { pictures: string[] }> {
  const { page, files } = denoisePage(report, pictures);
  await fs.mkdir(dir, { recursive: true });
  const written: string[] = [];
  for (const f of files) {
    const target = path.join(dir, f.file);
    await writeFileAtomic(target, f.png);
    written.push(target);
  }
  return { ...(await writeReportFiles(dir, report, page, html)), pictures: written };
}
