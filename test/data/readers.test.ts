import { Readable } from 'stream';
import { gzipSync } from 'zlib';
import { loadDataset } from '../../src/data/load';
import { fixture, makeTempDir } from './helpers';

const tmp = makeTempDir();
afterAll(() => tmp.cleanup());

/** The three points that every "small" fixture holds, in its own format. */
const SMALL_X = [1, 2, 3, 4.5, 5, -600, 0.1, 1e308, -0];

function expectSmall(ds: Awaited<ReturnType<typeof loadDataset>>): void {
  expect(ds.l).toBe(3);
  expect(ds.d).toBe(3);
  expect(Array.from(ds.X)).toEqual(SMALL_X);
  expect(Object.is(ds.X[8], -0)).toBe(true);
}

describe('CSV', () => {
  test('header, quoted number, label column named "label", 1e308 and -0 kept', async () => {
    const ds = await loadDataset(fixture('small.csv'));
    expectSmall(ds);
    expect(ds.featureNames).toEqual(['x1', 'x2', 'x3']);
    expect(ds.labels).toEqual(['a', 'b', 'a']);
    expect(ds.source).toBe(fixture('small.csv'));
  });

  test('BOM, CRLF and blank lines', async () => {
    const ds = await loadDataset(fixture('bom-crlf.csv'));
    expectSmall(ds);
    expect(ds.featureNames).toEqual(['x1', 'x2', 'x3']);
    expect(ds.labels).toEqual(['a', 'b', 'a']);
  });

  test('no header: all columns are features named col1..', async () => {
    const ds = await loadDataset(fixture('no-header.csv'));
    expectSmall(ds);
    expect(ds.featureNames).toEqual(['col1', 'col2', 'col3']);
    expect(ds.labels).toBeUndefined();
  });

  test('label column by name, by 1-based number, and none', async () => {
    const named = tmp.file('named.csv', 'x1,species,x2\n1,foo,2\n3,bar,4\n');
    const byName = await loadDataset(named, { labelColumn: 'species' });
    expect(byName.labels).toEqual(['foo', 'bar']);
    expect(byName.featureNames).toEqual(['x1', 'x2']);
    expect((await loadDataset(named, { labelColumn: 'SPECIES' })).labels).toEqual(['foo', 'bar']);
    const byNumber = await loadDataset(fixture('no-header.csv'), { labelColumn: 3 });
    expect(byNumber.labels).toEqual(['3', '-600', '0']);
    expect(byNumber.featureNames).toEqual(['col1', 'col2']);
    const byNumberText = await loadDataset(fixture('no-header.csv'), { labelColumn: '1' });
    expect(byNumberText.labels).toEqual(['1', '4.5', '0.1']);
    const none = await loadDataset(tmp.file('y.csv', 'x,y\n1,2\n3,4\n'), { labelColumn: false });
    expect(none.featureNames).toEqual(['x', 'y']);
    expect(none.labels).toBeUndefined();
  });

  test('default label column: label, then class, then y, case-insensitive', async () => {
    const y = await loadDataset(tmp.file('xy.csv', 'x,Y\n1,2\n3,4\n'));
    expect(y.featureNames).toEqual(['x']);
    expect(y.labels).toEqual(['2', '4']);
    const both = await loadDataset(tmp.file('both.csv', 'y,CLASS,x\n1,c1,2\n3,c2,4\n'));
    expect(both.featureNames).toEqual(['y', 'x']);
    expect(both.labels).toEqual(['c1', 'c2']);
  });

  test('a text column in every row is a label column of a header-less file, not a header', async () => {
    const ds = await loadDataset(tmp.file('textlabels.csv', 'cat,1,2\ndog,3,4\n'), { labelColumn: 1 });
    expect(ds.labels).toEqual(['cat', 'dog']);
    expect(Array.from(ds.X)).toEqual([1, 2, 3, 4]);
  });

  test('numeric labels are normalized ("6.0" → "6"), quoted fields and spaces around fields accepted', async () => {
    const ds = await loadDataset(tmp.file('norm.csv', 'a,b,label\n" 1.5 ", 2 ,6.0\n3,4,"+7"\n'));
    expect(Array.from(ds.X)).toEqual([1.5, 2, 3, 4]);
    expect(ds.labels).toEqual(['6', '7']);
  });

  test('empty header names become colN', async () => {
    const ds = await loadDataset(tmp.file('emptyname.csv', ',x\n1,2\n'));
    expect(ds.featureNames).toEqual(['col1', 'x']);
  });
});

describe('TSV', () => {
  test('by extension, with the default label column "class"', async () => {
    const ds = await loadDataset(fixture('small.tsv'));
    expectSmall(ds);
    expect(ds.labels).toEqual(['0', '1', '0']);
  });

  test('by content (a tab in the first line)', async () => {
    const ds = await loadDataset(tmp.file('tabs.txt', '1\t2\n3\t4\n'));
    expect(Array.from(ds.X)).toEqual([1, 2, 3, 4]);
  });
});

describe('LIBSVM', () => {
  test('by extension', async () => {
    const ds = await loadDataset(fixture('small.libsvm'));
    expectSmall(ds);
    expect(ds.labels).toEqual(['a', 'b', 'a']);
  });

  test('sparse rows: missing entries are 0, d is the largest index, "+1" → "1"', async () => {
    const ds = await loadDataset(fixture('sparse.svm'));
    expect(ds.d).toBe(4);
    expect(Array.from(ds.X)).toEqual([0, 0.5, 0, 0, 1, 0, 0, 2]);
    expect(ds.labels).toEqual(['1', '-1']);
  });

  test('by content', async () => {
    const ds = await loadDataset(tmp.file('svm.txt', '1 1:2 3:4\n2 2:1\n'));
    expect(ds.d).toBe(3);
    expect(Array.from(ds.X)).toEqual([2, 0, 4, 0, 1, 0]);
  });
});

describe('USPS format', () => {
  test('train style: "6.0000" labels and a trailing space', async () => {
    const ds = await loadDataset(fixture('usps-train-style.txt'));
    expect(ds.labels).toEqual(['6', '5']);
    expect(ds.d).toBe(3);
    expect(Array.from(ds.X)).toEqual([-1, -0.631, 1, 0.5, -1, 0]);
  });

  test('test style: "9" labels, compact numbers', async () => {
    const ds = await loadDataset(fixture('usps-test-style.txt'));
    expect(ds.labels).toEqual(['9', '6']);
    expect(Array.from(ds.X)).toEqual([-1, 0.29, 1, -0.948, 1, 0]);
  });

  test('forced with format: "usps" even for a .csv name', async () => {
    const ds = await loadDataset(tmp.file('misnamed.csv', '1 2 3\n4 5 6\n'), { format: 'usps' });
    expect(ds.labels).toEqual(['1', '4']);
  });
});

describe('gzip', () => {
  test('recognized by magic bytes whatever the name', async () => {
    const csv = await loadDataset(
      tmp.file('compressed.csv', gzipSync('x1,x2,x3,label\n1,2,3,a\n4.5,5,-600,b\n0.1,1e308,-0,a\n')),
    );
    expectSmall(csv);
    const usps = await loadDataset(tmp.file('digits.dat', gzipSync('6.0000 -1.0000 -0.6310 1.0000 \n')));
    expect(usps.labels).toEqual(['6']);
  });

  test('a .gz name that is not gzip is read as plain text', async () => {
    const ds = await loadDataset(tmp.file('plain.csv.gz', 'a,label\n1,x\n'));
    expect(ds.labels).toEqual(['x']);
  });

  test('gzip on stdin', async () => {
    const ds = await loadDataset('-', { stdin: Readable.from([gzipSync('1 2 3\n')]) });
    expect(ds.source).toBe('-');
    expect(Array.from(ds.X)).toEqual([2, 3]);
  });
});

describe('stdin', () => {
  test('"-" reads the given stream, split into awkward chunks', async () => {
    const text = '\ufeffx1,x2,x3,label\r\n1,2,3,a\r\n4.5,5,-600,b\r\n0.1,1e308,-0,a\r\n';
    const bytes = Buffer.from(text);
    const chunks = Array.from({ length: bytes.length }, (_, i) => bytes.subarray(i, i + 1));
    const ds = await loadDataset('-', { stdin: Readable.from(chunks) });
    expectSmall(ds);
    expect(ds.labels).toEqual(['a', 'b', 'a']);
  });
});
