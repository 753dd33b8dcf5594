/**
 * The small things of the reliability issue, through the real command: each is exit 2 with one line
 * that says what is really wrong.
 */
import { mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { kpca, writeCloudCsv } from '../helpers/cli';

const dir = mkdtempSync(join(tmpdir(), 'kpca-small-'));
const data = writeCloudCsv(join(dir, 'cloud.csv'), 30);
const text = 'a,b\n1,2\n3,4\n5,6\n';
const utf16le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
const utf16be = Buffer.from(Buffer.from(text, 'utf16le')).swap16();
writeFileSync(join(dir, 'le.csv'), utf16le);
writeFileSync(join(dir, 'be.csv'), utf16be);
writeFileSync(join(dir, 'empty.kpca'), '');

const fit = (...args: string[]) => [
  'fit',
  '-r',
  '1',
  '--passes',
  '1',
  '--backend',
  'reference',
  '-o',
  join(dir, 'm.kpca'),
  ...args,
];

test.each([
  ['UTF-16 with a byte order mark', fit(join(dir, 'le.csv')), /le\.csv: the file is UTF-16 LE text; kpca reads UTF-8/],
  ['UTF-16 without one', fit(join(dir, 'be.csv')), /be\.csv: the file is UTF-16 BE \(no byte order mark\) text/],
  [
    '--seed beyond 32 bits (was wrapped to seed 1)',
    fit(data, '--seed', '4294967297'),
    /--seed: must be at most 4294967295, got 4294967297/,
  ],
  [
    '--gamma 0x10 (CSV data refuses 0x10 too)',
    fit(data, '--gamma', '0x10'),
    /--gamma: expected a decimal number, got "0x10"/,
  ],
  [
    '--label-column with a built-in data set',
    fit('mnist:50:14', '--label-column', 'y'),
    /--label-column: mnist:50:14 is a built-in data set with its own labels/,
  ],
  [
    'a zero-length model file',
    ['info', join(dir, 'empty.kpca')],
    /empty\.kpca: not a usable model file: the file is empty \(0 bytes\)/,
  ],
])('%s', (_, args, message) => {
  const run = kpca(args);
  expect(run.code).toBe(2);
  expect(run.stderr.trim().split('\n')).toHaveLength(1);
  expect(run.stderr).toMatch(message);
});
