import { promises as fsp, createReadStream } from 'fs';
import { Readable, pipeline } from 'stream';
import { StringDecoder } from 'string_decoder';
import { createGunzip } from 'zlib';
import { DataError } from '../errors';

/** The name used for standard input in messages. */
const STDIN_NAME = '<stdin>';

/** A data file opened as text: decompressed, BOM removed, first line available for sniffing. */
export interface TextSource {
  /** the file name used in messages (`<stdin>` for `-`) */
  name: string;
  /** the first line that is not blank, without its line break; used to detect the format */
  firstLine: string;
  /** the whole text, first line included, chunk by chunk */
  chunks: AsyncIterable<string>;
}

/** Magic numbers of compressions we do not read, so the user hears "decompress it" rather than "binary". */
const FOREIGN_MAGIC: Array<{ bytes: number[]; what: string }> = [
  { bytes: [0x50, 0x4b, 0x03, 0x04], what: 'a zip archive' },
  { bytes: [0x42, 0x5a, 0x68], what: 'bzip2-compressed' },
  { bytes: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], what: 'xz-compressed' },
  { bytes: [0x28, 0xb5, 0x2f, 0xfd], what: 'zstd-compressed' },
];
const MAGIC_BYTES_NEEDED = 6;

/**
 * Open `source` (a path, or `-` with `stdin`) as text. Gzip is recognized by its magic bytes
 * (1f 8b), whatever the file is called, so `data.csv` that is really gzip and `zip.train.gz` both work.
 */
export async function openTextSource(source: string, stdin?: NodeJS.ReadableStream): Promise<TextSource> {
  const name = source === '-' ? STDIN_NAME : source;
  const raw = source === '-' ? (stdin ?? process.stdin) : await openFile(source);
  const { head, rest } = await peekBytes(raw as AsyncIterable<Buffer>, MAGIC_BYTES_NEEDED);
  if (head.length === 0) throw new DataError(name, 'empty file: expected a header row or data rows');
  const foreign = FOREIGN_MAGIC.find((m) => m.bytes.every((b, i) => head[i] === b));
  if (foreign)
    throw new DataError(
      name,
      `the file is ${foreign.what}; kpca reads plain or gzip-compressed text, so decompress it first`,
    );

  const utf16 = utf16Encoding(head);
  if (utf16)
    throw new DataError(
      name,
      `the file is ${utf16} text; kpca reads UTF-8 (or ASCII): convert it first, e.g. iconv -f UTF-16 -t UTF-8`,
    );

  const gzipped = head[0] === 0x1f && head[1] === 0x8b;
  const bytes = gzipped ? gunzip(concatBytes(head, rest)) : concatBytes(head, rest);
  return withFirstLine(name, decodeText(bytes, name, gzipped));
}

/**
 * 'UTF-16 LE' or 'UTF-16 BE' when the bytes start with its byte order mark, or look like ASCII in
 * UTF-16 (a NUL in every other byte) without one; null otherwise.
 */
function utf16Encoding(head: Buffer): string | null {
  if (head[0] === 0xff && head[1] === 0xfe) return 'UTF-16 LE';
  if (head[0] === 0xfe && head[1] === 0xff) return 'UTF-16 BE';
  if (head.length >= 4 && head[1] === 0 && head[3] === 0 && head[0] !== 0 && head[2] !== 0)
    return 'UTF-16 LE (no byte order mark)';
  if (head.length >= 4 && head[0] === 0 && head[2] === 0 && head[1] !== 0 && head[3] !== 0)
    return 'UTF-16 BE (no byte order mark)';
  return null;
}

async function openFile(path: string): Promise<Readable> {
  let stat;
  try {
    stat = await fsp.stat(path);
  } catch (err) {
    throw fileError(err, path);
  }
  if (stat.isDirectory()) throw new DataError(path, 'is a directory, expected a data file');
  return createReadStream(path, { highWaterMark: 1 << 16 });
}

/** Read at least `n` bytes (fewer only at the end of input) and hand back the rest unread. */
async function peekBytes(
  stream: AsyncIterable<Buffer>,
  n: number,
): Promise<{ head: Buffer; rest: AsyncIterator<Buffer> }> {
  const rest = stream[Symbol.asyncIterator]();
  const parts: Buffer[] = [];
  let size = 0;
  while (size < n) {
    const next = await rest.next();
    if (next.done) break;
    const chunk = typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
    parts.push(chunk);
    size += chunk.length;
  }
  return { head: Buffer.concat(parts), rest };
}

async function* concatBytes(head: Buffer, rest: AsyncIterator<Buffer>): AsyncGenerator<Buffer> {
  try {
    yield head;
    for (;;) {
      const next = await rest.next();
      if (next.done) return;
      yield typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
    }
  } finally {
    // A reader that stops early (a bad row) must still close the file.
    await rest.return?.();
  }
}

function gunzip(bytes: AsyncIterable<Buffer>): AsyncIterable<Buffer> {
  const inflater = createGunzip();
  // Errors of either side reach the consumer through the inflater's iterator; the callback only
  // keeps pipeline from reporting them a second time.
  pipeline(Readable.from(bytes), inflater, () => undefined);
  return inflater;
}

/**
 * UTF-8 text from bytes, with the BOM removed. Counts lines as it goes so that a failure of the
 * layers below (truncated gzip, NUL bytes of a binary file, a read error) still says where it happened.
 */
async function* decodeText(bytes: AsyncIterable<Buffer>, name: string, gzipped: boolean): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  let line = 1;
  let sawText = false;
  let text: string;
  try {
    for await (const chunk of bytes) {
      const nul = chunk.indexOf(0);
      if (nul >= 0) throw binaryDataError(name, chunk, nul, line);
      line += countNewlines(chunk, chunk.length);
      text = decoder.write(chunk);
      if (!sawText && text.length > 0) {
        sawText = true;
        if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      }
      if (text.length > 0) yield text;
    }
  } catch (err) {
    throw readError(err, name, line, gzipped);
  }
  text = decoder.end();
  if (text.length > 0) yield text;
}

/**
 * Buffer text until the first non-blank line is complete, then replay it in front of the rest.
 * Each character is looked at once (a line's emptiness is tested when its line break arrives), so a
 * first line of many megabytes costs time linear in its length.
 */
async function withFirstLine(name: string, chunks: AsyncGenerator<string>): Promise<TextSource> {
  const seen: string[] = [];
  let partial = '';
  for (;;) {
    const next = await chunks.next();
    if (next.done) break;
    seen.push(next.value);
    let from = 0;
    for (let end = next.value.indexOf('\n'); end >= 0; end = next.value.indexOf('\n', from)) {
      const line = (partial + next.value.slice(from, end)).replace(/\r$/, '');
      partial = '';
      from = end + 1;
      if (/\S/.test(line)) return { name, firstLine: line, chunks: replay(seen, chunks) };
    }
    partial += next.value.slice(from);
  }
  if (partial.trim() === '')
    throw new DataError(
      name,
      `empty file: expected a header row or data rows${seen.length === 0 ? '' : ' (found only blank lines)'}`,
    );
  return { name, firstLine: partial, chunks: replay(seen, chunks) };
}

async function* replay(seen: string[], rest: AsyncGenerator<string>): AsyncGenerator<string> {
  try {
    yield* seen;
    yield* rest;
  } finally {
    // Stopping during the replayed part must still close the input behind `rest`.
    await rest.return(undefined);
  }
}

function countNewlines(buf: Buffer, end: number): number {
  let n = 0;
  for (let i = buf.indexOf(10); i >= 0 && i < end; i = buf.indexOf(10, i + 1)) n++;
  return n;
}

function binaryDataError(name: string, chunk: Buffer, offset: number, lineAtChunkStart: number): DataError {
  const line = lineAtChunkStart + countNewlines(chunk, offset);
  const lineStart = chunk.lastIndexOf(10, offset) + 1;
  return new DataError(
    name,
    'binary data (a NUL byte): expected a text data file (CSV, TSV, LIBSVM or USPS), plain or gzip-compressed',
    line,
    offset - lineStart + 1,
  );
}

/** Failures while reading, turned into located messages that say what to do. */
function readError(err: unknown, name: string, line: number, gzipped: boolean): unknown {
  if (err instanceof DataError) return err;
  const code = (err as NodeJS.ErrnoException)?.code;
  if (gzipped && code === 'Z_BUF_ERROR')
    return new DataError(
      name,
      'gzip data ends early: the file is truncated (an interrupted download or copy?); obtain it again',
      line,
    );
  if (gzipped && typeof code === 'string' && code.startsWith('Z_'))
    return new DataError(name, `corrupt gzip data (${(err as Error).message}); obtain the file again`, line);
  return fileError(err, name);
}

function fileError(err: unknown, name: string): unknown {
  switch ((err as NodeJS.ErrnoException)?.code) {
    case 'ENOENT':
      return new DataError(name, 'no such file');
    case 'EISDIR':
      return new DataError(name, 'is a directory, expected a data file');
    case 'EACCES':
    case 'EPERM':
      return new DataError(name, 'permission denied');
    default:
      return err;
  }
}
