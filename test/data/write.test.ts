import fc from 'fast-check';
import { readdirSync, readFileSync } from 'fs';
import * as path from 'path';
import { gunzipSync } from 'zlib';
import { Dataset, numberedFeatureNames } from '../../src/data/dataset';
import { DataFormat } from '../../src/data/format';
import { datasetHash } from '../../src/data/hash';
import { loadDataset } from '../../src/data/load';
import { formatDataset, writeDataset } from '../../src/data/write';
import { UserError } from '../../src/errors';
import { fixture, makeTempDir } from './helpers';

const tmp = makeTempDir();
afterAll(() => tmp.cleanup());

function dataset(rows: number[][], labels?: string[], featureNames?: string[]): Dataset {
  const d = rows[0].length;
  return {
    X: Float64Array.from(rows.flat()),
    l: rows.length,
    d,
    labels,
    featureNames: featureNames ?? numberedFeatureNames(d),
    source: 'test',
  };
}

/** Same bits in X, same labels. */
function expectSameData(actual: Dataset, expected: Dataset): void {
  expect(actual.l).toBe(expected.l);
  expect(actual.d).toBe(expected.d);
  expect(bytes(actual.X).equals(bytes(expected.X))).toBe(true);
  expect(actual.labels).toEqual(expected.labels);
}

function bytes(X: Float64Array): Buffer {
  return Buffer.from(X.buffer, X.byteOffset, X.byteLength);
}

const EXTENSION: Record<DataFormat, string> = { csv: 'csv', tsv: 'tsv', libsvm: 'svm', usps: 'txt' };

describe('write → load round trip is bit-identical', () => {
  let n = 0;
  const rows = fc.integer({ min: 1, max: 6 }).chain((d) =>
    fc.array(fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { minLength: d, maxLength: d }), {
      minLength: 1,
      maxLength: 8,
    }),
  );
  const label = fc.oneof(
    fc.constantFrom('0', '1', '-1', '7', 'cat', 'dog'),
    fc.integer({ min: -50, max: 50 }).map(String),
  );

  test.each(['csv', 'tsv', 'libsvm', 'usps'] as DataFormat[])(
    '%s (property: random doubles, -0, 1e308, subnormals)',
    async (format) => {
      await fc.assert(
        fc.asyncProperty(rows, fc.array(label, { minLength: 8, maxLength: 8 }), async (X, labelPool) => {
          const ds = dataset(X, labelPool.slice(0, X.length));
          const file = path.join(tmp.dir, `rt${n++}.${EXTENSION[format]}`);
          await writeDataset(ds, file, format);
          // d is fixed by the written file for dense formats; LIBSVM only knows the largest index written.
          const back = await loadDataset(file);
          if (format === 'libsvm') {
            expect(back.l).toBe(ds.l);
            for (let i = 0; i < ds.l; i++)
              for (let j = 0; j < ds.d; j++)
                expect(Object.is(j < back.d ? back.X[i * back.d + j] : 0, ds.X[i * ds.d + j])).toBe(true);
            expect(back.labels).toEqual(ds.labels);
          } else expectSameData(back, ds);
        }),
        { numRuns: 60, seed: 3 },
      );
    },
  );

  test('CSV keeps feature names, quoting the awkward ones', async () => {
    const ds = dataset([[1, 2, 3, 4]], ['a b'], ['plain', 'with,comma', 'with "quote"', ' spaced ']);
    const file = path.join(tmp.dir, 'names.csv');
    await writeDataset(ds, file);
    expect(readFileSync(file, 'utf8')).toBe('plain,"with,comma","with ""quote"""," spaced ",label\n1,2,3,4,a b\n');
    const back = await loadDataset(file);
    expect(back.featureNames).toEqual(ds.featureNames);
    expectSameData(back, ds);
  });

  test('without labels there is no label column', async () => {
    const file = path.join(tmp.dir, 'nolabels.tsv');
    await writeDataset(
      dataset([
        [1, -0],
        [0.1, 2],
      ]),
      file,
      'tsv',
    );
    expect(readFileSync(file, 'utf8')).toBe('col1\tcol2\n1\t-0\n0.1\t2\n');
  });

  test('.gz output is gzip-compressed, and reads back', async () => {
    const ds = dataset(
      [
        [1.5, 2],
        [3, 4],
      ],
      ['x', 'y'],
    );
    const file = path.join(tmp.dir, 'out.csv.gz');
    await writeDataset(ds, file);
    expect(gunzipSync(readFileSync(file)).toString()).toBe('col1,col2,label\n1.5,2,x\n3,4,y\n');
    expectSameData(await loadDataset(file), ds);
  });

  test('LIBSVM leaves zeros out, but keeps -0', async () => {
    const file = path.join(tmp.dir, 'zeros.svm');
    await writeDataset(
      dataset(
        [
          [0, 2, 0],
          [-0, 0, 3],
        ],
        ['1', '2'],
      ),
      file,
      'libsvm',
    );
    expect(readFileSync(file, 'utf8')).toBe('1 2:2\n2 1:-0 3:3\n');
  });

  test('the USPS fixture written as USPS text matches the test-file style', async () => {
    const file = path.join(tmp.dir, 'usps.txt');
    await writeDataset(await loadDataset(fixture('usps-train-style.txt')), file, 'usps');
    expect(readFileSync(file, 'utf8')).toBe('6 -1 -0.631 1\n5 0.5 -1 0\n');
  });

  test('formatDataset gives the text writeDataset writes', async () => {
    const ds = dataset(
      [
        [1.5, -0],
        [3, 1e-300],
      ],
      ['a', 'b'],
    );
    const file = path.join(tmp.dir, 'same.tsv');
    await writeDataset(ds, file, 'tsv');
    expect(formatDataset(ds, 'tsv')).toBe(readFileSync(file, 'utf8'));
  });

  test('no temporary files are left behind', () => {
    expect(readdirSync(tmp.dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});

describe('write refuses what the format cannot hold', () => {
  test.each([
    [
      'libsvm',
      dataset([[1]]),
      'libsvm files need a label on every line, and this data set has no labels; write csv or tsv instead',
    ],
    [
      'usps',
      dataset([[1]]),
      'usps files need a label on every line, and this data set has no labels; write csv or tsv instead',
    ],
    [
      'usps',
      dataset([[1], [2]], ['a', 'b c']),
      'usps labels cannot be empty or contain whitespace; row 2 has the label "b c"',
    ],
    [
      'csv',
      dataset([[1]], ['a'], ['Label']),
      'cannot write the labels: a feature is already named "Label", which the label column needs; rename that feature',
    ],
  ] as Array<[DataFormat, Dataset, string]>)('%s: %s', async (format, ds, message) => {
    const file = path.join(tmp.dir, `refused.${format}`);
    await expect(writeDataset(ds, file, format)).rejects.toThrow(new UserError(message));
    expect(readdirSync(tmp.dir)).not.toContain(`refused.${format}`);
  });
});

describe('datasetHash', () => {
  const base = dataset(
    [
      [1, 2],
      [3, 4],
    ],
    ['a', 'b'],
  );
  test('depends on X, shape and labels, not on names or source', () => {
    const h = datasetHash(base);
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(datasetHash({ ...base, featureNames: ['p', 'q'], source: 'elsewhere' })).toBe(h);
    expect(datasetHash({ ...base, X: Float64Array.from([1, 2, 3, 5]) })).not.toBe(h);
    expect(datasetHash({ ...base, l: 1, d: 4 })).not.toBe(h);
    expect(datasetHash({ ...base, labels: ['a', 'c'] })).not.toBe(h);
    expect(datasetHash({ ...base, labels: undefined })).not.toBe(h);
    expect(datasetHash({ ...base, X: Float64Array.from([1, 2, 3, -0]) })).not.toBe(
      datasetHash({ ...base, X: Float64Array.from([1, 2, 3, 0]) }),
    );
  });

  test('the same numbers from different formats hash the same', async () => {
    const csv = await loadDataset(fixture('small.csv'));
    const svm = await loadDataset(fixture('small.libsvm'));
    expect(datasetHash(csv)).toBe(datasetHash(svm));
  });

  test('a view into a larger buffer hashes only its own rows', () => {
    const big = new Float64Array([9, 9, 1, 2, 3, 4]);
    expect(datasetHash({ ...base, X: big.subarray(2) })).toBe(datasetHash(base));
  });
});
