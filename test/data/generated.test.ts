import { execFileSync } from 'child_process';
import { readFileSync } from 'fs';
import * as path from 'path';
import { dataInfo } from '../../src/app/data';
import { loadDataset } from '../../src/data/load';
import { makeTempDir } from './helpers';

const ROOT = path.join(__dirname, '..', '..');

describe('data/blobs*.csv', () => {
  test.each([
    ['blobs.csv', 2],
    ['blobs5d.csv', 5],
  ])('%s: 300 points in %i-D, 100 per class', async (name, d) => {
    const ds = await loadDataset(path.join(ROOT, 'data', name));
    expect([ds.l, ds.d]).toEqual([300, d]);
    expect(dataInfo(ds).labelCounts).toEqual([
      { label: '0', count: 100 },
      { label: '1', count: 100 },
      { label: '2', count: 100 },
    ]);
  });

  test('scripts/gen-blobs.js regenerates them byte for byte', () => {
    const tmp = makeTempDir();
    try {
      execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'gen-blobs.js'), tmp.dir]);
      for (const name of ['blobs.csv', 'blobs5d.csv'])
        expect(readFileSync(path.join(tmp.dir, name)).equals(readFileSync(path.join(ROOT, 'data', name)))).toBe(true);
    } finally {
      tmp.cleanup();
    }
  });
});
