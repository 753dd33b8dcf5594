import { createHash } from 'crypto';
import { promises as fsp } from 'fs';
import * as path from 'path';
import { UserError } from '../errors';
import { writeFileAtomic } from '../io/atomicWrite';
import { USPS_FILES } from './builtins';
import { downloadBuffer, DownloadOptions } from './download';

/** The data page of The Elements of Statistical Learning, which hosts the USPS "ZIP code" files. */
export const USPS_BASE_URL = 'https://hastie.su.domains/ElemStatLearn/datasets/';

/**
 * sha256 of the files as published, recorded when two independent copies of each were found to agree
 * byte for byte (data/README.md).
 */
export const USPS_SHA256: Record<string, string> = {
  'zip.train.gz': '66ebf231ab51f2cf6ac1a892d0f98ccffee1079d7a5db638c1f11f366046ca16',
  'zip.test.gz': '8dacc3c6e136af6c3488de9e5113a7daf140c8c2f1f0b61c54ee02f03f1a962f',
};

export interface FetchUspsOptions extends DownloadOptions {
  /** where the files go (created if missing) */
  dir: string;
  /** where they come from (default USPS_BASE_URL); a test serves them locally */
  baseUrl?: string;
}

export interface FetchedFile {
  path: string;
  bytes: number;
  sha256: string;
  /** false when a file with the right checksum was already there */
  downloaded: boolean;
}

/**
 * Download zip.train.gz and zip.test.gz, check their sha256, and only then write both
 * (atomically), so a corrupt or cut download leaves nothing behind. Files already present with the
 * right checksum are kept and not downloaded again.
 */
export async function fetchUsps(opts: FetchUspsOptions): Promise<FetchedFile[]> {
  const baseUrl = (opts.baseUrl ?? USPS_BASE_URL).replace(/\/?$/, '/');
  const names = Object.values(USPS_FILES);
  const planned: Array<FetchedFile & { body?: Buffer }> = [];
  for (const name of names) {
    const target = path.join(opts.dir, name);
    const existing = await readIfPresent(target);
    if (existing && sha256(existing) === USPS_SHA256[name]) {
      planned.push({ path: target, bytes: existing.length, sha256: USPS_SHA256[name], downloaded: false });
      continue;
    }
    const url = new URL(name, baseUrl).toString();
    const body = await downloadBuffer(url, opts);
    const actual = sha256(body);
    if (actual !== USPS_SHA256[name])
      throw new UserError(
        `${url}: sha256 mismatch: expected ${USPS_SHA256[name]}, got ${actual} (${body.length} bytes). ` +
          'The download is corrupt or the server now serves a different file; nothing was written.',
      );
    planned.push({ path: target, bytes: body.length, sha256: actual, downloaded: true, body });
  }
  await fsp.mkdir(opts.dir, { recursive: true });
  for (const file of planned) if (file.body) await writeFileAtomic(file.path, file.body);
  return planned.map(({ body: _body, ...file }) => file);
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

async function readIfPresent(file: string): Promise<Buffer | undefined> {
  try {
    return await fsp.readFile(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
