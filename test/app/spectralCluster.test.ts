/**
 * Spectral clustering with KHA on generated, well-separated Gaussian blobs: recovery of the blobs,
 * the eigenvalues of K̃ = D^{-1/2} W D^{-1/2} against ml-matrix on an explicit K̃ (independent of
 * src/), determinism, the per-pass series, and the assignments file, through the library and the
 * command (in-process).
 */
import { Command } from 'commander';
import { mkdtempSync, readFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import {
  formatAssignments,
  spectralCluster,
  writeAssignments,
  type SpectralClusterOptions,
} from '../../src/app/spectralCluster';
import { registerSpectralClusterCommand } from '../../src/cli/spectralCluster';
import type { Dataset } from '../../src/data/dataset';
import { writeDataset } from '../../src/data/write';
import { Interrupted, UserError } from '../../src/errors';
import { sigmaToGamma } from '../../src/kernels/kernel';
import { Rng } from '../../src/linalg/rng';
import { exactEigen, gaussianGram } from '../helpers/problems';

/** `sizes[c]` points around each corner c of a square of side `spacing` (unit normal noise), labelled by blob. */
function blobs(sizes: number[], spacing: number, seed: number): Dataset {
  const rng = new Rng(seed);
  const corners = [
    [0, 0],
    [spacing, 0],
    [0, spacing],
    [spacing, spacing],
  ];
  const X: number[] = [];
  const labels: string[] = [];
  sizes.forEach((size, c) => {
    for (let s = 0; s < size; s++) {
      X.push(corners[c][0] + rng.normal(), corners[c][1] + rng.normal());
      labels.push(`blob${c}`);
    }
  });
  // Shuffle, so that cluster numbering by first appearance is not the blob order.
  const order = Array.from({ length: labels.length }, (_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  return {
    X: Float64Array.from(order.flatMap((i) => [X[2 * i], X[2 * i + 1]])),
    l: order.length,
    d: 2,
    labels: order.map((i) => labels[i]),
    featureNames: ['x', 'y'],
    source: 'blobs',
  };
}

const data = blobs([70, 50, 60, 40], 8, 3);
const sigma = 1.5;
const k = 4;
const options: SpectralClusterOptions = {
  clusters: k,
  kernel: { type: 'gaussian', gamma: sigmaToGamma(sigma) },
  backend: 'reference',
  passes: 60,
  seed: 2,
};

/** Top eigenvalues of K̃ from an explicit matrix: W = K with a zero diagonal, K̃ = D^{-1/2} W D^{-1/2}. */
function exactTopEigenvalues(r: number): number[] {
  const { l } = data;
  const W = gaussianGram(data.X, data.X, data.d, sigma);
  for (let i = 0; i < l; i++) W[i * l + i] = 0;
  const degrees = Array.from({ length: l }, (_, i) => W.subarray(i * l, (i + 1) * l).reduce((a, b) => a + b, 0));
  const Kn = W.map((w, ij) => w / Math.sqrt(degrees[Math.floor(ij / l)] * degrees[ij % l]));
  return exactEigen(Kn, l).values.slice(0, r);
}

describe('spectralCluster on four well-separated blobs', () => {
  let result: Awaited<ReturnType<typeof spectralCluster>>;
  beforeAll(async () => {
    result = await spectralCluster(data, { ...options, reference: 'exact', perPass: true });
  });

  test('KHA-SMD recovers the blobs (ARI ≥ 0.99), as exact eigenvectors do', () => {
    expect(result.kha.scores?.adjustedRandIndex).toBeGreaterThanOrEqual(0.99);
    expect(result.kha.scores?.accuracy).toBeGreaterThanOrEqual(0.99);
    expect(result.exact?.scores?.adjustedRandIndex).toBeGreaterThanOrEqual(0.99);
    expect(result.exact?.solver).toBe('dense');
    expect(result.kha.assignments).toHaveLength(data.l);
    expect(new Set(result.kha.assignments).size).toBe(k);
    // numbered by first appearance
    expect(result.kha.assignments[0]).toBe(0);
  });

  test('KHA eigenvalues of K̃ match ml-matrix on an explicit K̃', () => {
    const exact = exactTopEigenvalues(k);
    expect(exact[0]).toBeCloseTo(1, 12); // D^{1/2}1 has eigenvalue 1
    for (let i = 0; i < k; i++) {
      expect(Math.abs(result.kha.eigenvalues[i] - exact[i])).toBeLessThan(1e-4);
      // the exact pipeline's solver, on the f32-cached K̃
      expect(Math.abs((result.exact as { eigenvalues: Float64Array }).eigenvalues[i] - exact[i])).toBeLessThan(1e-6);
    }
  });

  test('per-pass series: one entry a pass, the last equal to the final clustering', () => {
    const series = result.perPass ?? [];
    expect(series.map((p) => p.pass)).toEqual(Array.from({ length: options.passes as number }, (_, i) => i + 1));
    expect(series[series.length - 1].scores).toEqual(result.kha.scores);
    for (let i = 1; i < series.length; i++) expect(series[i].seconds).toBeGreaterThanOrEqual(series[i - 1].seconds);
  });

  test('the same seed gives the same clustering and eigenvalues, bit for bit', async () => {
    const again = await spectralCluster(data, { ...options, perPass: false });
    expect(again.kha.assignments).toEqual(result.kha.assignments);
    expect(again.kha.eigenvalues).toEqual(result.kha.eigenvalues);
    expect(again.perPass).toBeUndefined();
    expect(again.exact).toBeUndefined();
  });
});

describe('spectralCluster input checks', () => {
  test('refuses k outside [2, l], per-pass without labels', async () => {
    await expect(spectralCluster(data, { ...options, clusters: 1 })).rejects.toThrow(/clusters/);
    await expect(spectralCluster(data, { ...options, clusters: data.l + 1 })).rejects.toThrow(UserError);
    await expect(spectralCluster({ ...data, labels: undefined }, { ...options, perPass: true })).rejects.toThrow(
      /needs labels/,
    );
  });

  test('without labels: assignments but no scores', async () => {
    const res = await spectralCluster({ ...data, labels: undefined }, { ...options, passes: 3 });
    expect(res.kha.scores).toBeUndefined();
    expect(res.kha.assignments).toHaveLength(data.l);
  });
});

describe('assignments file', () => {
  test('index,cluster[,label], one line per point in data order; labels quoted when needed', () => {
    const assignments = Int32Array.from([0, 1, 1, 2]);
    expect(formatAssignments(assignments)).toBe('index,cluster\n0,0\n1,1\n2,1\n3,2\n');
    expect(formatAssignments(assignments, ['a', 'b', 'c,d', '7'])).toBe(
      'index,cluster,label\n0,0,a\n1,1,b\n2,1,"c,d"\n3,2,7\n',
    );
  });

  test('written atomically to the path given', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'kpca-sc-')), 'clusters.csv');
    await writeAssignments(path, Int32Array.from([1, 0]), ['x', 'y']);
    expect(readFileSync(path, 'utf8')).toBe('index,cluster,label\n0,1,x\n1,0,y\n');
  });
});

describe('kpca spectral-cluster (in-process)', () => {
  test('-o writes the assignments; --json reports both pipelines', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kpca-sc-cli-'));
    const csv = join(dir, 'blobs.csv');
    const out = join(dir, 'clusters.csv');
    await writeDataset(data, csv);
    const program = new Command('kpca').exitOverride();
    registerSpectralClusterCommand(program);
    let stdout = '';
    const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stdout += chunk.toString();
      return true;
    });
    try {
      await program.parseAsync(
        [
          'spectral-cluster',
          csv,
          '-k',
          '4',
          '--sigma',
          String(sigma),
          '--backend',
          'reference',
          '--passes',
          '60',
          '--seed',
          '2',
          '--reference',
          'exact',
          '-o',
          out,
          '--json',
          '-q',
        ],
        { from: 'user' },
      );
    } finally {
      write.mockRestore();
    }
    expect(process.exitCode ?? 0).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.kha.scores.adjustedRandIndex).toBeGreaterThanOrEqual(0.99);
    expect(report.exact.scores.adjustedRandIndex).toBeGreaterThanOrEqual(0.99);
    expect(report.kha.passes).toBe(60);
    expect(report.components).toBe(4);
    const lines = readFileSync(out, 'utf8').trimEnd().split('\n');
    expect(lines[0]).toBe('index,cluster,label');
    expect(lines).toHaveLength(data.l + 1);
    // same options and seed as the library run: the same clustering
    const library = await spectralCluster(data, options);
    lines.slice(1).forEach((line, j) => expect(line).toBe(`${j},${library.kha.assignments[j]},${data.labels?.[j]}`));
  });
});

describe('spectralCluster interrupted and resumed', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kpca-sc-resume-'));
  const run: SpectralClusterOptions = { ...options, passes: 12, blockSize: 16, perPass: true };

  test('stopped mid-pass by its signal, it writes a checkpoint; resumed, it ends exactly where a straight run does, with every pass scored', async () => {
    const straight = await spectralCluster(data, run);
    expect(straight.kha.stoppedBy).toBe('passes');

    const checkpoint = join(dir, 'sc.checkpoint');
    const controller = new AbortController();
    let blocks = 0;
    const passSeconds: number[] = [];
    const interrupted = spectralCluster(data, {
      ...run,
      signal: controller.signal,
      checkpoint: { path: checkpoint },
      reference: 'exact', // never started when interrupted
      onEvent: (e) => {
        if (e.type === 'pass') passSeconds.push(e.report.seconds);
        if (e.type === 'step' && ++blocks === 5 * 14 + 3) controller.abort(); // 14 blocks of 16 a pass: inside pass 6
      },
    });
    // no clustering from an interrupted run (nor the final products): it rejects, naming the checkpoint
    await expect(interrupted).rejects.toBeInstanceOf(Interrupted);
    await expect(interrupted).rejects.toMatchObject({ checkpoint });
    expect(passSeconds).toHaveLength(5);

    const resumed = await spectralCluster(data, { ...run, resumeFrom: checkpoint });
    expect(resumed.kha.passes).toBe(12);
    expect(Array.from(resumed.kha.assignments)).toEqual(Array.from(straight.kha.assignments));
    expect(Buffer.from(resumed.kha.eigenvalues.buffer).equals(Buffer.from(straight.kha.eigenvalues.buffer))).toBe(true);
    // the scores of passes 1–5 came through the checkpoint
    expect(resumed.perPass?.map((p) => p.pass)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    expect(resumed.perPass?.map((p) => p.scores)).toEqual(straight.perPass?.map((p) => p.scores));
    // iteration seconds carry on from the checkpoint: passes 1–5 keep the interrupted run's, and the series keeps rising
    expect(resumed.perPass?.slice(0, 5).map((p) => p.seconds)).toEqual(passSeconds);
    const seconds = resumed.perPass?.map((p) => p.seconds) as number[];
    for (let i = 1; i < seconds.length; i++) expect(seconds[i]).toBeGreaterThan(seconds[i - 1]);
    expect(resumed.kha.seconds).toBeGreaterThan(seconds[4]);
  });

  test('resuming with other options is refused, naming them', async () => {
    const checkpoint = join(dir, 'other.checkpoint');
    const controller = new AbortController();
    await expect(
      spectralCluster(data, {
        ...run,
        signal: controller.signal,
        checkpoint: { path: checkpoint },
        onEvent: (e) => void (e.type === 'step' && controller.abort()),
      }),
    ).rejects.toBeInstanceOf(Interrupted);
    await expect(spectralCluster(data, { ...run, seed: 3, resumeFrom: checkpoint })).rejects.toThrow(
      /other options \(seed: 2 there, 3 now\)/,
    );
  });
});
