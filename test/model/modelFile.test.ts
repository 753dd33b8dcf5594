import { mkdtempSync, readFileSync, writeFileSync, existsSync, readdirSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { loadModel, saveModel } from '../../src/model/modelFile';
import { writeContainer } from '../../src/io/container';
import type { KpcaModel } from '../../src/model/model';

function sampleModel(): KpcaModel {
  const l = 5,
    d = 2,
    r = 2;
  return {
    kernel: { type: 'gaussian', gamma: 0.5 },
    components: r,
    l,
    d,
    X: Float64Array.from({ length: l * d }, (_, i) => i / 7),
    featureNames: ['x', 'y'],
    rowMeans: Float64Array.from({ length: l }, (_, i) => 0.1 * i),
    grandMean: 0.2,
    trace: 3.5,
    A: Float64Array.from({ length: r * l }, (_, i) => Math.sin(i)),
    eigenvalues: Float64Array.of(2.5, 1.25),
    gain: { name: 'smd', parameters: { eta0: 0.03, mu: 1, xi: 0.99 } },
    seed: 1,
    passes: 3,
    steps: 15,
    dataHash: 'ab'.repeat(32),
    backend: 'reference',
    stoppedBy: 'passes',
    softwareVersion: '0.1.0',
  };
}

describe('model files', () => {
  test('the committed format-1 fixture still loads (regenerate only when adding a format version)', async () => {
    const fixture = join(__dirname, '../fixtures/models/format-1.kpca');
    if (process.env.KPCA_WRITE_FIXTURES) await saveModel(fixture, sampleModel());
    expect(await loadModel(fixture)).toEqual(sampleModel());
  });

  const dir = mkdtempSync(join(tmpdir(), 'kpca-model-'));
  const path = join(dir, 'm.kpca');

  test('round trip keeps every array bit for bit and leaves no temporary file', async () => {
    const model = sampleModel();
    await saveModel(path, model);
    const back = await loadModel(path);
    expect(back).toEqual(model);
    expect(Buffer.from(back.A.buffer).equals(Buffer.from(model.A.buffer))).toBe(true);
    expect(readdirSync(dir)).toEqual(['m.kpca']);
  });

  test('a truncated file is refused as truncated', async () => {
    await saveModel(path, sampleModel());
    const bytes = readFileSync(path);
    const cut = join(dir, 'cut.kpca');
    writeFileSync(cut, bytes.subarray(0, bytes.length - 40));
    await expect(loadModel(cut)).rejects.toThrow(/cut\.kpca: not a usable model file: truncated/);
  });

  test('a flipped bit in the arrays is refused as corrupted', async () => {
    await saveModel(path, sampleModel());
    const bytes = readFileSync(path);
    bytes[bytes.length - 60] ^= 0x04;
    const bad = join(dir, 'flip.kpca');
    writeFileSync(bad, bytes);
    await expect(loadModel(bad)).rejects.toThrow(/corrupted \(checksum mismatch\)/);
  });

  test('wrong kind, wrong version, wrong sizes and non-kpca files say which', async () => {
    const { X, rowMeans, A, eigenvalues, ...meta } = sampleModel();
    const checkpoint = join(dir, 'ck.kpca');
    await writeContainer(checkpoint, 'checkpoint', 1, meta, { X, rowMeans, A, eigenvalues });
    await expect(loadModel(checkpoint)).rejects.toThrow(/it is a checkpoint file, not a model/);

    const future = join(dir, 'v99.kpca');
    await writeContainer(future, 'model', 99, meta, { X, rowMeans, A, eigenvalues });
    await expect(loadModel(future)).rejects.toThrow(/format version 99 is not supported/);

    const sizes = join(dir, 'sizes.kpca');
    await writeContainer(sizes, 'model', 1, meta, { X, rowMeans, A: A.subarray(0, 3), eigenvalues });
    await expect(loadModel(sizes)).rejects.toThrow(/A has 3 values, expected 10/);

    const text = join(dir, 'text.kpca');
    writeFileSync(text, 'label,x\n1,2\n');
    await expect(loadModel(text)).rejects.toThrow(/not a kpca-hebbian file/);
    expect(existsSync(join(dir, 'missing.kpca'))).toBe(false);
    await expect(loadModel(join(dir, 'missing.kpca'))).rejects.toThrow(/ENOENT/);
  });
});
