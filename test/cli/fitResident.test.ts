/** `kpca fit --resident`: the passes on the WebGPU device give the model of the same fit without it; refused without an adapter. */
import { existsSync, mkdtempSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { kpca, writeCloudCsv } from '../helpers/cli';
import { describeBackend } from '../kernels/backendAvailability';

const dir = mkdtempSync(join(tmpdir(), 'kpca-resident-'));
const csv = writeCloudCsv(join(dir, 'cloud.csv'), 301);

const eigenvalues = (extra: string[], kernel: string[]) => {
  const run = kpca(
    [
      'fit',
      csv,
      ...kernel,
      '-r',
      '3',
      '--gain',
      'smd',
      '--passes',
      '3',
      '--backend',
      'wasm',
      '--json',
      '-o',
      join(dir, 'm.kpca'),
    ].concat(extra),
    { timeout: 120_000 },
  );
  expect(run.stderr).not.toMatch(/kpca: (?!warning)/);
  expect(run.code).toBe(0);
  return (JSON.parse(run.stdout) as { eigenvalues: number[] }).eigenvalues;
};

describeBackend('webgpu', 'kpca fit --resident', () => {
  test.each([
    ['gaussian', ['--sigma', '3']],
    ['polynomial (iterated on K′/s)', ['--kernel', 'polynomial', '--degree', '2']],
  ])('%s: the eigenvalues of the fit without --resident, to f32 rounding', (_, kernel) => {
    const resident = eigenvalues(['--resident'], kernel);
    const plain = eigenvalues([], kernel);
    resident.forEach((v, i) => expect(Math.abs(v - plain[i]) / plain[0]).toBeLessThan(1e-5));
  });
});

test('kpca fit --resident --update factored: refused up front (exit 2), no model', () => {
  const model = join(dir, 'factored.kpca');
  const run = kpca([
    'fit',
    csv,
    '--sigma',
    '3',
    '-r',
    '2',
    '--passes',
    '1',
    '--resident',
    '--update',
    'factored',
    '-o',
    model,
  ]);
  expect(run.code).toBe(2);
  expect(run.stderr).toMatch(/kpca: --resident runs the blocked update .*not --update factored/);
  expect(existsSync(model)).toBe(false);
});

test('kpca fit --resident without a WebGPU adapter: exit 2, one message, no model', () => {
  const model = join(dir, 'none.kpca');
  // no Vulkan driver listed: Dawn finds no adapter, whatever the machine has
  const run = kpca(['fit', csv, '--sigma', '3', '-r', '2', '--passes', '1', '--resident', '-o', model], {
    env: { VK_ICD_FILENAMES: join(dir, 'no-driver.json') },
  });
  expect(run.code).toBe(2);
  expect(run.stderr).toMatch(/kpca: webgpu resident path: (no WebGPU adapter|WebGPU failed to load)/);
  expect(existsSync(model)).toBe(false);
});
