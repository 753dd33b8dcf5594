import { GrowableFloat64Array, RowAccumulator } from '../../src/data/rowAccumulator';

describe('GrowableFloat64Array', () => {
  test.each([0, 1, 65535, 65536, 65537, 200_003])(
    '%i values: get and toArray return what was pushed, across chunk boundaries',
    (n) => {
      const values = new GrowableFloat64Array();
      for (let i = 0; i < n; i++) values.push(i * 0.5 - 7);
      expect(values.length).toBe(n);
      const all = values.toArray();
      expect(all).toHaveLength(n);
      for (const i of [0, 1, 65535, 65536, 65537, n - 1].filter((i) => i >= 0 && i < n)) {
        expect(values.get(i)).toBe(i * 0.5 - 7);
        expect(all[i]).toBe(i * 0.5 - 7);
      }
      expect(all.every((v, i) => v === i * 0.5 - 7)).toBe(true);
    },
  );
});

describe('RowAccumulator', () => {
  test('rows, width and labels; labels dropped unless every row has one', () => {
    const rows = new RowAccumulator();
    for (let r = 0; r < 3; r++) {
      for (let j = 0; j < 4; j++) rows.push(r * 10 + j);
      rows.endRow(String(r));
    }
    expect(rows.finish()).toEqual({
      X: Float64Array.from([0, 1, 2, 3, 10, 11, 12, 13, 20, 21, 22, 23]),
      l: 3,
      d: 4,
      labels: ['0', '1', '2'],
    });
    rows.push(1);
    rows.push(2);
    rows.push(3);
    rows.push(4);
    rows.endRow();
    expect(rows.finish().labels).toBeUndefined();
  });
});
