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

if (os.endianness() !== 'LE') throw new Error('kpca-hebbian stores arrays little-endian and needs a little-endian machine');

export async function writeContainer<H>(path: string, kind: ContainerKind, formatVersion: number, meta: H, arrays: Record<string, StoredArray>): Promise<void> {
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
 * callers upgrade older headers themselves.
 */
export async function readContainer<H>(path: string, kind: ContainerKind, supportedVersions: readonly number[]): Promise<Container<H>> {
  const bytes = await fs.readFile(path);
  const what = kind === 'model' ? 'model file' : 'checkpoint';
  const fail = (why: string): never => {
    throw new UserError(`${path}: not a usable ${what}: ${why}`);
  };
  if (bytes.length < MAGIC.length + 4 || !bytes.subarray(0, MAGIC.length).equals(MAGIC))
    fail('it is not a kpca-hebbian file (wrong magic bytes)');
  const headerLength = bytes.readUInt32LE(MAGIC.length);
  const headerStart = MAGIC.length + 4;
  if (headerStart + headerLength + CHECKSUM_BYTES > bytes.length) fail(`truncated (${bytes.length} bytes, the header alone needs ${headerStart + headerLength + CHECKSUM_BYTES})`);
  let header: ContainerHeader<H>;
  try {
    header = JSON.parse(bytes.subarray(headerStart, headerStart + headerLength).toString('utf8')) as ContainerHeader<H>;
  } catch {
    return fail('its header is damaged (not valid JSON)');
  }
  if (header.kind !== kind) fail(`it is a ${header.kind} file, not a ${kind}`);
  if (!supportedVersions.includes(header.formatVersion))
    fail(`format version ${header.formatVersion} is not supported by this version of kpca (it reads ${supportedVersions.join(', ')})`);
  const payload = header.arrays.reduce((n, e) => n + e.length * (e.type === 'int32' ? 4 : 8), 0);
  const expected = headerStart + headerLength + payload + CHECKSUM_BYTES;
  if (bytes.length < expected) fail(`truncated (${bytes.length} bytes, expected ${expected})`);
  if (bytes.length > expected) fail(`has ${bytes.length - expected} unexpected trailing bytes`);
  const digest = createHash('sha256').update(bytes.subarray(0, expected - CHECKSUM_BYTES)).digest();
  if (!digest.equals(bytes.subarray(expected - CHECKSUM_BYTES))) fail('corrupted (checksum mismatch)');
  const arrays: Record<string, StoredArray> = {};
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
