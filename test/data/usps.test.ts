import * as path from 'path';
import { datasetHash } from '../../src/data/hash';
import { loadDataset } from '../../src/data/load';
import { writeDataset } from '../../src/data/write';
import { makeTempDir } from './helpers';

const dir = process.env.KPCA_USPS_DIR;
if (!dir)
  console.log(
    'test/data/usps.test.ts: skipping the real USPS tests because KPCA_USPS_DIR is not set (e.g. KPCA_USPS_DIR=/work/shared/data/usps)',
  );

/** Class counts 0-9 from /work/shared/data/usps/README.md (they match the data set's zip.info.txt). */
const TRAIN_COUNTS = [1194, 1005, 731, 658, 652, 556, 664, 645, 542, 644];
const TEST_COUNTS = [359, 264, 198, 166, 200, 160, 170, 147, 166, 177];

function classCounts(labels: string[]): number[] {
  const counts = new Array<number>(10).fill(0);
  for (const label of labels) counts[Number(label)]++;
  return counts;
}

(dir ? describe : describe.skip)('USPS (KPCA_USPS_DIR)', () => {
  const tmp = makeTempDir();
  afterAll(() => tmp.cleanup());

  test('train: 7291 × 256, labels "0".."9" with the published class counts, pixels in [-1, 1], fast', async () => {
    const started = process.hrtime.bigint();
    const ds = await loadDataset('usps');
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    console.log(`USPS train loaded in ${ms.toFixed(0)} ms`);
    expect([ds.l, ds.d]).toEqual([7291, 256]);
    expect(ds.source).toBe('usps');
    expect(new Set(ds.labels)).toEqual(new Set(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']));
    expect(classCounts(ds.labels as string[])).toEqual(TRAIN_COUNTS);
    expect(ds.X.reduce((a, b) => Math.min(a, b))).toBe(-1);
    expect(ds.X.reduce((a, b) => Math.max(a, b))).toBe(1);
    const mean = ds.X.reduce((s, x) => s + x, 0) / ds.X.length;
    expect(mean).toBeCloseTo(-0.491, 3);
    // first line of zip.train: "6.0000 -1.0000 -1.0000 -1.0000 -1.0000 -1.0000 -1.0000 -0.6310 0.8620 ..."
    expect(ds.labels?.[0]).toBe('6');
    expect(Array.from(ds.X.subarray(5, 9))).toEqual([-1, -1, -0.631, 0.862]);
  });

  test('test: 2007 × 256 with the published class counts', async () => {
    const ds = await loadDataset('usps-test');
    expect([ds.l, ds.d]).toEqual([2007, 256]);
    expect(classCounts(ds.labels as string[])).toEqual(TEST_COUNTS);
    expect(ds.labels?.[0]).toBe('9');
  });

  test('the path and the built-in name give the same data', async () => {
    const byName = await loadDataset('usps-test');
    const byPath = await loadDataset(path.join(dir as string, 'zip.test.gz'));
    expect(datasetHash(byPath)).toBe(datasetHash(byName));
  });

  test('USPS → CSV → load is bit-identical in X and labels', async () => {
    const ds = await loadDataset('usps');
    const file = path.join(tmp.dir, 'usps-train.csv');
    await writeDataset(ds, file);
    const back = await loadDataset(file);
    expect([back.l, back.d]).toEqual([ds.l, ds.d]);
    expect(Buffer.from(back.X.buffer).equals(Buffer.from(ds.X.buffer))).toBe(true);
    expect(back.labels).toEqual(ds.labels);
    expect(datasetHash(back)).toBe(datasetHash(ds));
  });
});
