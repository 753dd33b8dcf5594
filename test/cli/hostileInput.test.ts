/**
 * Hostile input, tried systematically through the real command (issue: reliability). Every case
 * must exit 2 with one line that names the file (and line and column where there is one) and what
 * was expected, print no stack trace, and leave no model behind. A property-based part (fast-check)
 * damages valid CSV files at random places.
 */
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { gzipSync } from 'zlib';
import fc from 'fast-check';
import { kpca } from '../helpers/cli';

const dir = mkdtempSync(join(tmpdir(), 'kpca-hostile-'));
const good = 'a,b,c\n1,2,3\n4,5,6\n7,8,9.5\n';

interface Case {
  name: string;
  content: string | Buffer | null; // null: a directory
  file: string;
  args?: string[];
  /** the located message expected on stderr */
  message: RegExp;
}

const cases: Case[] = [
  {
    name: 'ragged row',
    file: 'ragged.csv',
    content: 'a,b,c\n1,2,3\n4,5\n',
    message: /ragged\.csv:3: .*2 fields, expected 3/,
  },
  {
    name: 'text in a numeric field',
    file: 'text.csv',
    content: 'a,b,c\n1,2,3\n4,abc,6\n',
    message: /text\.csv:3:2: expected a number, found "abc"/,
  },
  { name: 'NaN', file: 'nan.csv', content: 'a,b,c\n1,NaN,3\n', message: /nan\.csv:2:2: .*NaN/ },
  { name: 'Infinity', file: 'inf.csv', content: 'a,b,c\n1,2,Infinity\n', message: /inf\.csv:2:3: / },
  { name: 'overflow to infinity', file: 'overflow.csv', content: 'a,b,c\n1,2,1e999\n', message: /overflow\.csv:2:3: / },
  { name: 'empty field', file: 'emptyfield.csv', content: 'a,b,c\n1,,3\n', message: /emptyfield\.csv:2:2: / },
  {
    name: 'header only',
    file: 'headeronly.csv',
    content: 'a,b,c\n',
    message: /headeronly\.csv:1: .*expected data rows after the header/,
  },
  { name: 'empty file', file: 'empty.csv', content: '', message: /empty\.csv: .*empty/i },
  {
    name: 'duplicate header names',
    file: 'duplicate.csv',
    content: 'a,b,a\n1,2,3\n',
    message: /duplicate\.csv:1:3: .*duplicate/i,
  },
  {
    name: 'missing label column',
    file: 'missinglabel.csv',
    content: good,
    args: ['--label-column', 'species'],
    message: /missinglabel\.csv:1: .*species/,
  },
  {
    name: 'truncated gzip',
    content: gzipSync(Buffer.from(`a,b,c\n${'1,2,3\n4,5,6\n'.repeat(500)}`)).subarray(0, 60),
    file: 'truncated.csv.gz',
    message: /truncated\.csv\.gz:(\d+:)? gzip data ends early: the file is truncated/,
  },
  {
    name: 'binary garbage',
    content: Buffer.from([0, 1, 2, 255, 254, 0, 17, 99, 0, 0, 200]),
    file: 'garbage.bin',
    message: /garbage\.bin:.*(binary|not a text|expected)/i,
  },
  { name: 'a directory', content: null, file: 'adir', message: /adir: .*directory/ },
  { name: 'missing file', content: undefined as never, file: 'nofile.csv', message: /nofile\.csv: no such file/ },
];

describe('hostile input: each case exits 2 with one located line, no stack trace, no output', () => {
  test.each(cases.map((c) => [c.name, c] as const))('%s', (_, c) => {
    const path = join(dir, c.file);
    if (c.content === null) mkdirSync(path, { recursive: true });
    else if (c.content !== undefined) writeFileSync(path, c.content);
    const model = join(dir, 'out.kpca');
    const run = kpca([
      'fit',
      path,
      '-r',
      '1',
      '--passes',
      '1',
      '--backend',
      'reference',
      '-o',
      model,
      ...(c.args ?? []),
    ]);
    expect(run.code).toBe(2);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(c.message);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(model)).toBe(false);
  });

  test('valid oddities are accepted: BOM, CRLF, quoted numbers, 1e308', () => {
    const path = join(dir, 'odd.csv');
    writeFileSync(path, '\ufeffa,b,c\r\n"1",2,3\r\n4,"5.5",1e308\r\n7,8,-1e308\r\n0,1,2\r\n');
    const run = kpca(['data', 'info', path, '--json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ rows: 4, columns: 3 });
  });

  test(`the corpus has ${cases.length} failing cases`, () => expect(cases.length).toBeGreaterThanOrEqual(14));
});

describe('property: a valid CSV damaged at a random cell is refused with that cell’s line and column', () => {
  const damage = fc.constantFrom('abc', 'NaN', '', 'Infinity', '-inf', '1e999', '0x', '1,2');
  test('50 random damages', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 9 }), fc.integer({ min: 0, max: 3 }), damage, (row, col, bad) => {
        const rows = Array.from({ length: 10 }, (_, i) => [i, i * 0.5, -i, 1 + i / 3].map(String));
        rows[row][col] = bad;
        const path = join(dir, 'damaged.csv');
        writeFileSync(path, `p,q,r,s\n${rows.map((r) => r.join(',')).join('\n')}\n`);
        const run = kpca(['data', 'info', path]);
        const where = bad === '1,2' ? `damaged.csv:${row + 2}:` : `damaged.csv:${row + 2}:${col + 1}:`;
        return run.code === 2 && run.stderr.trim().split('\n').length === 1 && run.stderr.includes(where);
      }),
      { numRuns: 50, seed: 42 },
    );
  });
});
