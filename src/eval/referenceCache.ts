import { createHash } from 'crypto';
import { promises as fs } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { writeFileAtomic } from '../io/atomicWrite';
import type { ReferenceSpectrum } from './referenceSolver';

/**
 * Disk cache of reference spectra (top-r eigenpairs of K' and tr(K')), which cost seconds to minutes
 * to compute. Entries are keyed by a caller-supplied string that must identify the matrix and r
 * (data hash + kernel parameters + r). One file per key, named by the key's SHA-256:
 *
 *   <JSON header>\n<binary>
 *   header: { format, version, key, l, r, trace, sha256 }  (sha256 of the binary part)
 *   binary: λ_1..λ_r, then the r×l eigenvector rows, float64 little-endian
 *
 * Files are written atomically (temporary file + rename). A file that cannot be read back exactly
 * (truncated, corrupted, another key, another format) is treated as absent and recomputed.
 */

const FORMAT = 'kpca-hebbian-reference';
const VERSION = 1;

interface Header {
  format: string;
  version: number;
  key: string;
  l: number;
  r: number;
  trace: number;
  sha256: string;
}

/** $XDG_CACHE_HOME/kpca-hebbian, else ~/.cache/kpca-hebbian (the default of --cache-dir). */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_CACHE_HOME;
  return path.join(xdg && path.isAbsolute(xdg) ? xdg : path.join(os.homedir(), '.cache'), 'kpca-hebbian');
}

/** Where the entry for `key` lives. */
export function referenceCachePath(cacheDir: string, key: string): string {
  const digest = createHash('sha256').update(key).digest('hex').slice(0, 32);
  return path.join(cacheDir, `reference-${digest}.bin`);
}

/** The cached spectrum for `key`, or undefined when there is none or it is unreadable. */
export async function readReference(cacheDir: string, key: string): Promise<ReferenceSpectrum | undefined> {
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(referenceCachePath(cacheDir, key));
  } catch {
    return undefined;
  }
  return decode(bytes, key);
}

/** Store `reference` under `key` (creating the cache directory if needed). */
export async function writeReference(cacheDir: string, key: string, reference: ReferenceSpectrum): Promise<void> {
  const { l, r, trace, values, vectors } = reference;
  if (values.length !== r || vectors.length !== r * l) {
    throw new RangeError(`writeReference: expected ${r} values and ${r}×${l} vectors`);
  }
  const body = Buffer.alloc(8 * (r + r * l));
  values.forEach((v, i) => body.writeDoubleLE(v, 8 * i));
  vectors.forEach((v, i) => body.writeDoubleLE(v, 8 * (r + i)));
  const header: Header = { format: FORMAT, version: VERSION, key, l, r, trace, sha256: sha256(body) };
  await fs.mkdir(cacheDir, { recursive: true });
  await writeFileAtomic(referenceCachePath(cacheDir, key), [`${JSON.stringify(header)}\n`, body]);
}

/**
 * The cached spectrum for `key`, or compute it, store it and return it. A failure to write the cache
 * (read-only or full disk) is reported through onWriteError and does not lose the computed result.
 */
export async function cachedReference(
  cacheDir: string,
  key: string,
  compute: () => ReferenceSpectrum | Promise<ReferenceSpectrum>,
  onWriteError: (err: unknown) => void = () => undefined,
): Promise<{ reference: ReferenceSpectrum; fromCache: boolean }> {
  const cached = await readReference(cacheDir, key);
  if (cached) return { reference: cached, fromCache: true };
  const reference = await compute();
  await writeReference(cacheDir, key, reference).catch(onWriteError);
  return { reference, fromCache: false };
}

function decode(bytes: Buffer, key: string): ReferenceSpectrum | undefined {
  const newline = bytes.indexOf(0x0a);
  if (newline < 0) return undefined;
  let header: Header;
  try {
    header = JSON.parse(bytes.subarray(0, newline).toString('utf8')) as Header;
  } catch {
    return undefined;
  }
  const { l, r, trace } = header;
  const body = bytes.subarray(newline + 1);
  const valid =
    header.format === FORMAT &&
    header.version === VERSION &&
    header.key === key &&
    Number.isInteger(l) &&
    Number.isInteger(r) &&
    r >= 1 &&
    l >= r &&
    Number.isFinite(trace) &&
    body.length === 8 * (r + r * l) &&
    header.sha256 === sha256(body);
  if (!valid) return undefined;
  const values = new Float64Array(r);
  const vectors = new Float64Array(r * l);
  for (let i = 0; i < r; i++) values[i] = body.readDoubleLE(8 * i);
  for (let i = 0; i < r * l; i++) vectors[i] = body.readDoubleLE(8 * (r + i));
  return { l, r, trace, values, vectors };
}

function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}
