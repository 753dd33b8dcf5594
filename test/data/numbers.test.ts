import fc from 'fast-check';
import { formatNumber, isNumeric, normalizeLabel, parseFieldAt, toFiniteNumber } from '../../src/data/numbers';

/** What a plain decimal looks like; toFiniteNumber must accept exactly these (when finite). */
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

describe('toFiniteNumber', () => {
  test.each([
    ['1', 1],
    ['-0.6310', -0.631],
    ['+2.5e-3', 0.0025],
    ['.5', 0.5],
    ['5.', 5],
    ['1e308', 1e308],
    ['0', 0],
    ['-0', -0],
  ])('accepts %s', (text, value) => {
    expect(Object.is(toFiniteNumber(text), value)).toBe(true);
  });

  test.each([
    '',
    ' ',
    'abc',
    '1e309',
    '-1e309',
    'NaN',
    'Infinity',
    '-Infinity',
    '0x10',
    '0b1',
    '0o7',
    '1,5',
    '1_000',
    '--1',
    '.',
    'e5',
  ])('rejects "%s"', (text) => {
    expect(toFiniteNumber(text)).toBeNaN();
    expect(isNumeric(text)).toBe(false);
  });

  // Readers hand over trimmed fields, so the property is stated for trimmed strings.
  test('agrees with the decimal grammar on arbitrary trimmed strings (property)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.stringMatching(/^[+-]?\d{0,4}\.?\d{0,4}(e[+-]?\d{1,3})?$/)), (raw) => {
        const text = raw.trim();
        const expected = DECIMAL.test(text) && Number.isFinite(Number(text)) ? Number(text) : NaN;
        expect(Object.is(toFiniteNumber(text), expected)).toBe(true);
      }),
      { numRuns: 5000, seed: 42 },
    );
  });
});

describe('parseFieldAt (the in-place fast path)', () => {
  const agree = (text: string): void => {
    const padded = `  ${text} `;
    expect(Object.is(parseFieldAt(padded, 2, 2 + text.length), toFiniteNumber(text))).toBe(true);
  };

  test.each([
    '-0.6310',
    '6.0000',
    '0.29',
    '-0',
    '+7',
    '5.',
    '.5',
    '.',
    '-',
    '1.2.3',
    '+-1',
    '123456789012345',
    '1234567890123456789',
    '0.000000000000000000000001',
    '1e5',
    'abc',
  ])('agrees with toFiniteNumber on "%s"', agree);

  test('agrees bit for bit on short decimals, written doubles and arbitrary strings (property)', () => {
    const shortDecimal = fc.stringMatching(/^[+-]?\d{0,17}\.?\d{0,25}$/);
    const writtenDouble = fc.double({ noNaN: true }).map(String);
    fc.assert(
      fc.property(
        fc.oneof(
          shortDecimal,
          writtenDouble,
          fc.string().map((t) => t.trim()),
        ),
        (text) => agree(text),
      ),
      { numRuns: 20000, seed: 11 },
    );
  });
});

describe('formatNumber', () => {
  test('write then read is bit-identical for every double, -0 included (property)', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        expect(Object.is(toFiniteNumber(formatNumber(x)), x)).toBe(true);
      }),
      { numRuns: 20000, seed: 7 },
    );
  });
});

test('normalizeLabel: numeric labels by value, others as they are', () => {
  expect(['6.0000', '6', '+6', '6e0', '-1', 'cat', ' dog'].map(normalizeLabel)).toEqual([
    '6',
    '6',
    '6',
    '6',
    '-1',
    'cat',
    ' dog',
  ]);
});
