/**
 * The binary container of model and checkpoint files:
 *
 *     magic "KPCAHEBB" (8 bytes) | header length (uint32 LE) | header (UTF-8 JSON)
 *     | arrays (float64 / int32 little-endian, in header order) | SHA-256 of everything before (32 bytes)
 *
 * The header says what the file is (`kind`), its format version, and the name, type and length of
 * every array; numbers never travel as JSON text. Reading checks each of these and says which one
 * failed: not a kpca file, wrong kind, unsupported version, truncated, corrupted (checksum), or
 * inconsistent sizes. Files are written atomically.
 */
import { createHash } from 'crypto';
import { promises as fs } from 'fs';
import * as os from 'os';
import { UserError } from '../errors';
import { writeFileAtomic } from './atomicWrite';

const MAGIC = Buffer.from('KPCAHEBB', 'ascii');
const CHECKSUM_BYTES = 32;

export type ContainerKind = 'model' | 'checkpoint';
export type StoredArray = Float64Array | Int32Array;

interface ArrayEntry {
  name: string;
  type: 'float64' | 'int32';
  length: number;
}

interface ContainerHeader<H> {
  kind: ContainerKind;
  formatVersion: number;
  arrays: ArrayEntry[];
  meta: H;
}

if (os.endianness() !== 'LE')
  throw new Error('kpca-hebbian stores arrays little-endian and needs a little-endian machine');

export async function writeContainer<H>(
  path: string,
  kind: ContainerKind,
  formatVersion: number,
  meta: H,
  arrays: Record<string, StoredArray>,
): Promise<void> {
  const entries: ArrayEntry[] = Object.entries(arrays).map(([name, a]) => ({
    name,
    type: a instanceof Int32Array ? 'int32' : 'float64',
    length: a.length,
  }));
  const header: ContainerHeader<H> = { kind, formatVersion, arrays: entries, meta };
  const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32LE(headerBytes.length);
  const parts: Uint8Array[] = [MAGIC, length, headerBytes];
  for (const entry of entries) {
    const a = arrays[entry.name];
    parts.push(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  }
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  parts.push(hash.digest());
  await writeFileAtomic(path, parts);
}

export interface Container<H> {
  formatVersion: number;
  meta: H;
  arrays: Record<string, StoredArray>;
}

/**
 * Read and verify a container. `supportedVersions` are the format versions this build reads;
 * callers upgrade older headers themselves, and validate `meta` and the arrays (io/schema.ts): the
 * container checks only its own structure, and never uses a header field before checking its type.
 */
export async function readContainer<H>(
  path: string,
  kind: ContainerKind,
  supportedVersions: readonly number[],
): Promise<Container<H>> {
  const bytes = await fs.readFile(path);
  const what = kind === 'model' ? 'model file' : 'checkpoint';
  const fail = (why: string): never => {
    throw new UserError(`${path}: not a usable ${what}: ${why}`);
  };
  if (bytes.length === 0) fail('the file is empty (0 bytes): it was never written whole');
  if (bytes.length < MAGIC.length + 4 || !bytes.subarray(0, MAGIC.length).equals(MAGIC))
    fail('it is not a kpca-hebbian file (wrong magic bytes)');
  const headerLength = bytes.readUInt32LE(MAGIC.length);
  const headerStart = MAGIC.length + 4;
  if (headerStart + headerLength + CHECKSUM_BYTES > bytes.length)
    fail(`truncated (${bytes.length} bytes, the header alone needs ${headerStart + headerLength + CHECKSUM_BYTES})`);
  const sumAt = bytes.length - CHECKSUM_BYTES;
  const intact = createHash('sha256').update(bytes.subarray(0, sumAt)).digest().equals(bytes.subarray(sumAt));
  const parsed = parseHeader<H>(bytes.subarray(headerStart, headerStart + headerLength));
  // A damaged file is reported as damaged; a structural complaint is for files that were sealed so.
  if (typeof parsed === 'string') return fail(intact ? parsed : 'corrupted (checksum mismatch)');
  const header = parsed;
  if (header.kind !== kind) fail(`it is a ${header.kind} file, not a ${kind}`);
  if (!supportedVersions.includes(header.formatVersion))
    fail(
      `format version ${header.formatVersion} is not supported by this version of kpca (it reads ${supportedVersions.join(', ')})`,
    );
  const payload = header.arrays.reduce((n, e) => n + e.length * (e.type === 'int32' ? 4 : 8), 0);
  const expected = headerStart + headerLength + payload + CHECKSUM_BYTES;
  if (bytes.length < expected) fail(`truncated (${bytes.length} bytes, expected ${expected})`);
  if (bytes.length > expected) fail(`has ${bytes.length - expected} unexpected trailing bytes`);
  if (!intact) fail('corrupted (checksum mismatch)');
  const arrays = Object.create(null) as Record<string, StoredArray>;
  let offset = headerStart + headerLength;
  for (const entry of header.arrays) {
    const size = entry.length * (entry.type === 'int32' ? 4 : 8);
    // Copy into fresh, aligned memory.
    const chunk = new Uint8Array(bytes.subarray(offset, offset + size));
    arrays[entry.name] = entry.type === 'int32' ? new Int32Array(chunk.buffer) : new Float64Array(chunk.buffer);
    offset += size;
  }
  return { formatVersion: header.formatVersion, meta: header.meta, arrays };
}

/** The container header, or why it is not one: JSON of the right shape, array names unique. */
function parseHeader<H>(bytes: Uint8Array): ContainerHeader<H> | string {
  let header: unknown;
  try {
    header = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    return 'its header is damaged (not valid JSON)';
  }
  const h = header as Partial<ContainerHeader<H>> | null;
  if (typeof h !== 'object' || h === null || Array.isArray(h)) return 'its header is damaged (not an object)';
  if (typeof h.kind !== 'string') return 'its header is damaged (no kind)';
  if (!Number.isSafeInteger(h.formatVersion)) return 'its header is damaged (no integer format version)';
  if (!Array.isArray(h.arrays)) return 'its header is damaged (no list of arrays)';
  const names = new Set<string>();
  for (const e of h.arrays as unknown[]) {
    const entry = e as Partial<ArrayEntry> | null;
    if (typeof entry !== 'object' || entry === null) return 'its header is damaged (an array entry is not an object)';
    if (typeof entry.name !== 'string' || !/^[A-Za-z][\w.]*$/.test(entry.name) || names.has(entry.name))
      return `its header is damaged (array name ${JSON.stringify(entry.name)} missing, malformed or repeated)`;
    names.add(entry.name);
    if (entry.type !== 'float64' && entry.type !== 'int32')
      return `its header is damaged (array ${entry.name} has type ${JSON.stringify(entry.type)})`;
    if (!(Number.isSafeInteger(entry.length) && (entry.length as number) >= 0))
      return `its header is damaged (array ${entry.name} has length ${JSON.stringify(entry.length)})`;
  }
  if (!('meta' in h)) return 'its header is damaged (no meta data)';
  return h as ContainerHeader<H>;
}
