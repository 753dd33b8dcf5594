import { existsSync, mkdirSync, readdirSync } from 'fs';
import * as path from 'path';
import { fetchUsps } from '../../src/data/fetchUsps';
import { loadDataset } from '../../src/data/load';
import { UserError } from '../../src/errors';
import { makeTempDir } from './helpers';
import { startUspsServer } from './server';

const uspsDir = process.env.KPCA_USPS_DIR;
if (!uspsDir)
  console.log(
    'test/data/fetch.test.ts: skipping the successful-download tests because KPCA_USPS_DIR is not set (the local server needs the real files to serve)',
  );

let server: Awaited<ReturnType<typeof startUspsServer>>;
const tmp = makeTempDir();
beforeAll(async () => {
  server = await startUspsServer();
});
afterAll(async () => {
  await server.close();
  tmp.cleanup();
});

let n = 0;
function emptyDir(): string {
  const dir = path.join(tmp.dir, `target${n++}`);
  mkdirSync(dir);
  return dir;
}

describe('failures leave nothing behind', () => {
  test('corrupted body: sha256 mismatch', async () => {
    const dir = emptyDir();
    const err = await fetchUsps({ dir, baseUrl: server.baseUrl('corrupt') }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toMatch(
      /^http:\/\/127\.0\.0\.1:\d+\/corrupt\/zip\.train\.gz: sha256 mismatch: expected 66ebf231ab51f2cf6ac1a892d0f98ccffee1079d7a5db638c1f11f366046ca16, got [0-9a-f]{64} \(\d+ bytes\)\. The download is corrupt or the server now serves a different file; nothing was written\.$/,
    );
    expect(readdirSync(dir)).toEqual([]);
  });

  test('connection cut halfway', async () => {
    const dir = emptyDir();
    const err = await fetchUsps({ dir, baseUrl: server.baseUrl('cut') }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toMatch(
      /^http:\/\/127\.0\.0\.1:\d+\/cut\/zip\.train\.gz: download failed: connection lost after \d+ (of \d+ )?bytes/,
    );
    expect(readdirSync(dir)).toEqual([]);
  });

  test('HTTP 404', async () => {
    const dir = emptyDir();
    await expect(fetchUsps({ dir, baseUrl: server.baseUrl('nothing') })).rejects.toThrow(
      /\/nothing\/zip\.train\.gz: download failed: HTTP 404 Not Found$/,
    );
    expect(readdirSync(dir)).toEqual([]);
  });

  // The message names the idle limit that fired, so no wall-clock bound is needed; a hang fails on jest's timeout.
  test('a server that never answers times out (bounded)', async () => {
    const dir = emptyDir();
    await expect(fetchUsps({ dir, baseUrl: server.baseUrl('silent'), idleTimeoutMs: 300 })).rejects.toThrow(
      /\/silent\/zip\.train\.gz: download failed: no data for 0\.3 s$/,
    );
    expect(readdirSync(dir)).toEqual([]);
  });

  test('nothing listening', async () => {
    const dir = path.join(tmp.dir, 'never-created');
    await expect(fetchUsps({ dir, baseUrl: 'http://127.0.0.1:1/' })).rejects.toThrow(
      /^http:\/\/127\.0\.0\.1:1\/zip\.train\.gz: download failed: .*ECONNREFUSED/,
    );
    expect(existsSync(dir)).toBe(false);
  });

  test('a URL that is not http(s)', async () => {
    await expect(fetchUsps({ dir: emptyDir(), baseUrl: 'ftp://example.org/' })).rejects.toThrow(
      'ftp://example.org/zip.train.gz: only http and https URLs can be downloaded',
    );
  });
});

(uspsDir ? describe : describe.skip)('successful download (served from KPCA_USPS_DIR)', () => {
  test('both files, checksummed, loadable; a second run keeps them', async () => {
    const dir = path.join(tmp.dir, 'fresh', 'usps'); // created on success
    const files = await fetchUsps({ dir, baseUrl: server.baseUrl('ok') });
    expect(files.map((f) => [path.basename(f.path), f.bytes, f.downloaded])).toEqual([
      ['zip.train.gz', 1829071, true],
      ['zip.test.gz', 439208, true],
    ]);
    expect(readdirSync(dir).sort()).toEqual(['zip.test.gz', 'zip.train.gz']);
    expect((await loadDataset(path.join(dir, 'zip.test.gz'))).l).toBe(2007);
    const again = await fetchUsps({ dir, baseUrl: server.baseUrl('corrupt') });
    expect(again.map((f) => f.downloaded)).toEqual([false, false]);
  });

  test('follows redirects', async () => {
    const dir = emptyDir();
    const files = await fetchUsps({ dir, baseUrl: server.baseUrl('redirect') });
    expect(files.every((f) => f.downloaded)).toBe(true);
    expect(readdirSync(dir).sort()).toEqual(['zip.test.gz', 'zip.train.gz']);
  });
});
