import { existsSync, mkdirSync, readdirSync } from 'fs';
import * as path from 'path';
import { Readable } from 'stream';
import { gzipSync } from 'zlib';
import { DataError, UserError } from '../../src/errors';
import { loadDataset, LoadOptions } from '../../src/data/load';
import { makeTempDir } from './helpers';

const tmp = makeTempDir();
afterAll(() => tmp.cleanup());

/** Load and return the error; fail the test if loading succeeds. */
async function loadError(source: string, opts?: LoadOptions): Promise<Error> {
  try {
    await loadDataset(source, opts);
  } catch (err) {
    return err as Error;
  }
  throw new Error(`expected ${source} to fail`);
}

const HINT2 = ' (if column 2 holds class labels, choose it with --label-column 2)';

/**
 * [what, file name, content, options, message]: the message is exact, with F standing for the
 * file's path. Every one must be a DataError (exit code 2) located as F:line[:field].
 */
const CASES: Array<[string, string, string | Buffer, LoadOptions, string]> = [
  // CSV / TSV
  ['ragged row', 'ragged.csv', 'a,b,c,d\n1,2,3,4\n1,2,3\n', {}, 'F:3: row has 3 fields, expected 4 (as in line 1)'],
  [
    'ragged row, line numbers count blank lines and CRLF',
    'ragged-crlf.csv',
    'a,b\r\n\r\n1,2\r\n\r\n3\r\n',
    {},
    'F:5: row has 1 field, expected 2 (as in line 1)',
  ],
  [
    'ragged row in a header-less file',
    'ragged-nohdr.csv',
    '1,2\n3,4\n5,6,7\n',
    {},
    'F:3: row has 3 fields, expected 2 (as in line 1)',
  ],
  [
    'non-numeric field',
    'abc.csv',
    'a,b,c\n1,2,3\n4,5,abc\n',
    { labelColumn: false },
    'F:3:3: expected a number, found "abc" (if column 3 holds class labels, choose it with --label-column 3)',
  ],
  [
    'non-numeric field in a header-less file',
    'abc-nohdr.csv',
    '1,2\n3,x\n',
    {},
    `F:2:2: expected a number, found "x"${HINT2}`,
  ],
  [
    'non-numeric field with a label column chosen (no hint)',
    'abc-label.csv',
    'x,label\nfoo,1\n2,1\n',
    {},
    'F:2:1: expected a number, found "foo"',
  ],
  ['NaN', 'nan.csv', 'a,b\n1,2\n1,NaN\n', {}, 'F:3:2: expected a finite number, found "NaN"'],
  ['-Inf', 'inf.csv', 'a,b\n1,2\n1,-Inf\n', {}, 'F:3:2: expected a finite number, found "-Inf"'],
  ['Infinity', 'infinity.csv', 'a,b\n1,2\nInfinity,1\n', {}, 'F:3:1: expected a finite number, found "Infinity"'],
  [
    'overflow to Infinity',
    'big.csv',
    'a,b\n1,1e308\n1,1e309\n',
    {},
    'F:3:2: number "1e309" is too large: it overflows to Infinity',
  ],
  [
    'overflow to -Infinity',
    'negbig.csv',
    'a,b\n1,2\n-2e400,1\n',
    {},
    'F:3:1: number "-2e400" is too large: it overflows to -Infinity',
  ],
  ['empty field', 'empty-field.csv', 'a,b\n1,2\n1,\n', {}, 'F:3:2: expected a number, found an empty field'],
  ['quoted blank field', 'blank-field.csv', 'a,b\n1,2\n1," "\n', {}, 'F:3:2: expected a number, found an empty field'],
  ['hexadecimal', 'hex.csv', 'a,b\n1,2\n1,0x10\n', {}, `F:3:2: expected a number, found "0x10"${HINT2}`],
  ['empty label', 'empty-label.csv', 'a,label\n1,x\n2,\n', {}, 'F:3:2: empty label'],
  ['header only', 'header-only.csv', 'a,b,label\n', {}, 'F:1: header only: expected data rows after the header'],
  [
    'header only after blank lines',
    'header-only-late.csv',
    '\n\na,b\n\n',
    {},
    'F:3: header only: expected data rows after the header',
  ],
  ['empty file', 'empty.csv', '', {}, 'F: empty file: expected a header row or data rows'],
  [
    'only blank lines',
    'blank.csv',
    '\n  \r\n\n',
    {},
    'F: empty file: expected a header row or data rows (found only blank lines)',
  ],
  [
    'duplicate header names',
    'dup.csv',
    'a,b,a\n1,2,3\n',
    {},
    'F:1:3: duplicate column name "a" (also column 1): column names must be unique',
  ],
  [
    'missing named label column',
    'nolabel.csv',
    'a,b\n1,2\n',
    { labelColumn: 'species' },
    'F:1: no column named "species" for the labels; the header has: a, b',
  ],
  [
    'named label column without a header',
    'nolabel-nohdr.csv',
    '1,2\n3,4\n',
    { labelColumn: 'species' },
    'F:1: no header row, so there is no column named "species"; give the label column\'s number (1-2) instead',
  ],
  [
    'label column number out of range',
    'range.csv',
    'a,b\n1,2\n',
    { labelColumn: 3 },
    'F:1: label column 3 does not exist: rows have 2 fields (columns are numbered from 1)',
  ],
  [
    'label column number 0',
    'range0.csv',
    'a,b\n1,2\n',
    { labelColumn: 0 },
    'F:1: label column 0 does not exist: rows have 2 fields (columns are numbered from 1)',
  ],
  ['TSV non-numeric field', 'bad.tsv', 'a\tb\n1\tx y\n', {}, `F:2:2: expected a number, found "x y"${HINT2}`],
  // USPS whitespace format
  ['USPS ragged row', 'ragged.txt', '1 2 3\n4 5\n', {}, 'F:2: row has 2 fields, expected 3 (as in line 1)'],
  ['USPS non-numeric value', 'usps-abc.txt', '1 -1 0.5\n2 0.25 abc\n', {}, 'F:2:3: expected a number, found "abc"'],
  ['USPS NaN value', 'usps-nan.txt', '6.0000 -1.0000 nan \n', {}, 'F:1:3: expected a finite number, found "nan"'],
  [
    'USPS label without values',
    'usps-short.txt',
    '7\n',
    {},
    'F:1:1: expected a label followed by feature values, found only "7"',
  ],
  // LIBSVM
  [
    'LIBSVM token without a colon',
    'bad1.svm',
    '1 1:2\n1 1:2 x\n',
    {},
    'F:2:3: expected index:value with a 1-based integer index, found "x"',
  ],
  [
    'LIBSVM index 0',
    'bad2.svm',
    '1 0:2\n',
    {},
    'F:1:2: expected index:value with a 1-based integer index, found "0:2"',
  ],
  [
    'LIBSVM decreasing indices',
    'bad3.svm',
    '1 3:1 2:1\n',
    {},
    'F:1:3: feature index 2 is not greater than the one before it (3); indices must increase along a row',
  ],
  [
    'LIBSVM repeated index',
    'bad4.svm',
    '1 3:1 3:1\n',
    {},
    'F:1:3: feature index 3 is not greater than the one before it (3); indices must increase along a row',
  ],
  ['LIBSVM non-numeric value', 'bad5.svm', '1 1:abc\n', {}, 'F:1:2: expected a number, found "abc"'],
  ['LIBSVM empty value', 'bad6.svm', '1 1:\n', {}, 'F:1:2: expected a number, found an empty field'],
  ['LIBSVM infinite value', 'bad7.svm', '1 1:inf\n', {}, 'F:1:2: expected a finite number, found "inf"'],
  [
    'LIBSVM with no feature at all',
    'bad8.svm',
    '1\n2\n',
    {},
    'F: no feature values in any row: expected lines like "label 1:0.5 3:2"',
  ],
  // bytes that are not text
  [
    'binary garbage (NUL byte), located',
    'garbage.csv',
    Buffer.from('a,b\n1,2\n3,\u0000\u0001\u0002\n'),
    {},
    'F:3:3: binary data (a NUL byte): expected a text data file (CSV, TSV, LIBSVM or USPS), plain or gzip-compressed',
  ],
  [
    'zip archive',
    'data.zip',
    Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x00]),
    {},
    'F: the file is a zip archive; kpca reads plain or gzip-compressed text, so decompress it first',
  ],
  [
    'bzip2',
    'data.bz2',
    Buffer.from('BZh91AY&SY'),
    {},
    'F: the file is bzip2-compressed; kpca reads plain or gzip-compressed text, so decompress it first',
  ],
  [
    'gzip of a bad CSV is still located',
    'gz-bad.csv.gz',
    gzipSync('a,b\n1,2\n3,x\n'),
    {},
    `F:3:2: expected a number, found "x"${HINT2}`,
  ],
  [
    'gzip of binary data',
    'gz-binary.dat',
    gzipSync(Buffer.from([1, 2, 0, 3])),
    {},
    'F:1:3: binary data (a NUL byte): expected a text data file (CSV, TSV, LIBSVM or USPS), plain or gzip-compressed',
  ],
  ['empty gzip', 'empty.gz', gzipSync(''), {}, 'F: empty file: expected a header row or data rows'],
  // options that do not fit the file
  [
    'label column for a USPS file',
    'usps-label.txt',
    '1 2 3\n',
    { labelColumn: 'x' },
    'F: a label column can only be chosen for CSV/TSV; in usps files the label is the first field of each line',
  ],
];

describe('every input problem is a located DataError', () => {
  test.each(CASES)('%s', async (_what, name, content, opts, message) => {
    const file = tmp.file(name, content);
    const err = await loadError(file, opts);
    expect(err.message).toBe(message.replace(/^F/, file));
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).exitCode).toBe(2);
  });

  test('CSV syntax errors from csv-parse carry the file and the line where parsing stopped', async () => {
    const file = tmp.file('unclosed.csv', 'a,b\n1,2\n3,"4\n5,6\n');
    const err = await loadError(file);
    expect(err).toBeInstanceOf(DataError);
    expect(err.message).toBe(
      `${file}:4: malformed CSV: Quote Not Closed: the parsing is finished with an opening quote at line 4`,
    );
  });

  test('truncated gzip: says so, with the line it got to', async () => {
    const text = Array.from({ length: 2000 }, (_, i) => `${i % 10} ${i} ${i / 7}\n`).join('');
    const gz = gzipSync(text);
    const file = tmp.file('truncated.gz', gz.subarray(0, Math.floor(gz.length / 2)));
    const err = await loadError(file);
    expect(err).toBeInstanceOf(DataError);
    const line = (err as DataError).line as number;
    expect(line).toBeGreaterThan(1);
    expect(line).toBeLessThan(2000);
    expect(err.message).toBe(
      `${file}:${line}: gzip data ends early: the file is truncated (an interrupted download or copy?); obtain it again`,
    );
  });

  test('truncated gzip inside a CSV goes through csv-parse and stays located', async () => {
    const text = `a,b\n${Array.from({ length: 3000 }, (_, i) => `${i},${i / 3}\n`).join('')}`;
    const gz = gzipSync(text);
    const file = tmp.file('truncated.csv.gz', gz.subarray(0, gz.length - 20));
    const err = await loadError(file);
    expect(err).toBeInstanceOf(DataError);
    expect(err.message).toMatch(new RegExp(`^${escape(file)}:\\d+: gzip data ends early`));
  });

  // Linux only: count this process's open file descriptors.
  (existsSync('/proc/self/fd') ? test : test.skip)('failed loads close their files', async () => {
    const files = [
      tmp.file('fd1.csv', `a,b\n1,x\n${'1,2\n'.repeat(50000)}`),
      tmp.file('fd2.txt', `1 2 3\n1 2\n${'1 2 3\n'.repeat(50000)}`),
      tmp.file('fd3.gz', gzipSync(`1 x 3\n${'1 2 3\n'.repeat(50000)}`)),
    ];
    const before = readdirSync('/proc/self/fd').length;
    for (let k = 0; k < 20; k++) for (const file of files) await loadError(file);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(readdirSync('/proc/self/fd').length).toBeLessThanOrEqual(before + 2);
  });

  test('corrupt gzip (damaged checksum)', async () => {
    const gz = Buffer.from(gzipSync('1 2 3\n4 5 6\n'));
    gz[gz.length - 6] ^= 0xff; // inside the CRC32 trailer
    const file = tmp.file('corrupt.gz', gz);
    const err = await loadError(file);
    expect(err).toBeInstanceOf(DataError);
    expect(err.message).toMatch(
      new RegExp(`^${escape(file)}:\\d+: corrupt gzip data \\(.+\\); obtain the file again$`),
    );
  });

  test('a directory', async () => {
    const dir = path.join(tmp.dir, 'a-directory');
    mkdirSync(dir);
    const err = await loadError(dir);
    expect(err).toBeInstanceOf(DataError);
    expect(err.message).toBe(`${dir}: is a directory, expected a data file`);
  });

  test('a missing file', async () => {
    const file = path.join(tmp.dir, 'missing.csv');
    const err = await loadError(file);
    expect(err).toBeInstanceOf(DataError);
    expect(err.message).toBe(`${file}: no such file`);
  });

  test('stdin errors name <stdin>', async () => {
    const err = await loadError('-', { stdin: Readable.from([Buffer.from('a,b\n1,2\n3,x\n')]) });
    expect(err.message).toBe(`<stdin>:3:2: expected a number, found "x"${HINT2}`);
  });
});

describe('built-in names', () => {
  const saved = process.env.KPCA_USPS_DIR;
  afterEach(() => {
    if (saved === undefined) delete process.env.KPCA_USPS_DIR;
    else process.env.KPCA_USPS_DIR = saved;
  });

  test.each([
    ['mnist:0', 'mnist:0: the bundled MNIST subset has 10000 digits; choose N from 1 to 10000'],
    ['mnist:10001', 'mnist:10001: the bundled MNIST subset has 10000 digits; choose N from 1 to 10000'],
    ['mnist:abc', 'mnist:abc: expected mnist:N or mnist-shifted:N, optionally :14 (N digits, downsampled to 14×14)'],
    ['mnist:10:7', 'mnist:10:7: expected mnist:N or mnist-shifted:N, optionally :14 (N digits, downsampled to 14×14)'],
  ])('%s', async (source, message) => {
    const err = await loadError(source);
    expect(err).toBeInstanceOf(UserError);
    expect(err.message).toBe(message);
  });

  test('usps without KPCA_USPS_DIR says how to get the files', async () => {
    delete process.env.KPCA_USPS_DIR;
    for (const name of ['usps', 'usps-test']) {
      const err = await loadError(name);
      expect(err).toBeInstanceOf(UserError);
      expect(err.message).toMatch(
        new RegExp(`^${name}: KPCA_USPS_DIR is not set\\. Download the USPS files with "kpca data fetch usps`),
      );
    }
  });

  test('usps with KPCA_USPS_DIR pointing to a folder without the files', async () => {
    process.env.KPCA_USPS_DIR = tmp.dir;
    const err = await loadError('usps-test');
    expect(err.message).toBe(`${path.join(tmp.dir, 'zip.test.gz')}: no such file`);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
