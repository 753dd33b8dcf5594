import { spawnSync } from 'child_process';
import { promises as fsp, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { UserError } from '../../src/errors';
import { checkWritable, writeFileAtomic } from '../../src/io/atomicWrite';

type WriteFn = (buffer: Uint8Array, offset?: number, length?: number) => Promise<{ bytesWritten: number }>;

/** Replace the write of every handle `writeFileAtomic` opens by `fake(real, ...)` for one call. */
async function withFakeWrite<T>(
  fake: (real: WriteFn, call: number, ...a: Parameters<WriteFn>) => ReturnType<WriteFn>,
  run: () => Promise<T>,
) {
  const realOpen = fsp.open.bind(fsp);
  const spy = jest.spyOn(fsp, 'open').mockImplementation(async (...args: Parameters<typeof fsp.open>) => {
    const handle = await realOpen(...args);
    const real = handle.write.bind(handle) as unknown as WriteFn;
    let calls = 0;
    (handle as unknown as { write: WriteFn }).write = (buffer, offset = 0, length = buffer.byteLength - offset) =>
      fake(real, ++calls, buffer, offset, length);
    return handle;
  });
  try {
    return await run();
  } finally {
    spy.mockRestore();
  }
}

describe('atomic writes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kpca-atomic-'));
  const target = join(dir, 'out.csv');

  test('a write that fails halfway (ENOSPC) leaves the previous file intact, no temporary file, and names the target', async () => {
    writeFileSync(target, 'previous contents\n');
    const failing = withFakeWrite(
      async (real, call, ...a) => {
        if (call === 2) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
        return real(...a);
      },
      () => writeFileAtomic(target, ['new part one\n', 'new part two\n', 'three\n']),
    );
    await expect(failing).rejects.toThrow(
      new UserError(`${target}: cannot write: no space left on device; the previous file, if any, is intact`),
    );
    expect(readFileSync(target, 'utf8')).toBe('previous contents\n');
    expect(readdirSync(dir)).toEqual(['out.csv']);
  });

  test('short writes are continued until every byte is written', async () => {
    const text = 'x'.repeat(1000) + '\n';
    await withFakeWrite(
      // at most 7 bytes per call, as a file system may
      (real, _call, buffer, offset, length) => real(buffer, offset, Math.min(7, length ?? 0)),
      async () => writeFileAtomic(target, [text, Buffer.from(text)]),
    );
    expect(readFileSync(target, 'utf8')).toBe(text + text);
    expect(readdirSync(dir)).toEqual(['out.csv']);
  });

  test('a write that makes no progress (a full disk that does not say so) is an error, not a truncated file', async () => {
    writeFileSync(target, 'previous contents\n');
    const stuck = withFakeWrite(
      async (real, call, buffer, offset, length) =>
        call === 1 ? real(buffer, offset, Math.min(5, length ?? 0)) : { bytesWritten: 0 },
      () => writeFileAtomic(target, 'a much longer new content\n'),
    );
    await expect(stuck).rejects.toThrow(`${target}: cannot write: the file system accepted 0 of 21 bytes`);
    expect(readFileSync(target, 'utf8')).toBe('previous contents\n');
    expect(readdirSync(dir)).toEqual(['out.csv']);
  });

  test('a successful write replaces the file whole', async () => {
    await writeFileAtomic(target, ['a,b\n', Buffer.from('1,2\n')]);
    expect(readFileSync(target, 'utf8')).toBe('a,b\n1,2\n');
    expect(readdirSync(dir)).toEqual(['out.csv']);
  });

  test('temporary files of dead writers of the same target are removed; live writers and other names are kept', async () => {
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
      encoding: 'utf8',
    }).stdout;
    const stale = `.out.csv.${dead}.m1abc.tmp`;
    const live = `.out.csv.${process.ppid}.m1abc.tmp`;
    const other = `.other.csv.${dead}.m1abc.tmp`;
    for (const name of [stale, live, other]) writeFileSync(join(dir, name), 'partial');
    await writeFileAtomic(target, 'fresh\n');
    expect(readdirSync(dir).sort()).toEqual([live, other, 'out.csv'].sort());
    for (const name of [live, other]) await fsp.rm(join(dir, name));
  });

  test('errors name the user path: a directory as target, a missing directory', async () => {
    const sub = join(dir, 'sub');
    mkdirSync(sub);
    await expect(writeFileAtomic(sub, 'x')).rejects.toThrow(
      `${sub}: cannot write: is a directory, expected a file name`,
    );
    await expect(checkWritable(sub)).rejects.toThrow(`${sub}: cannot write: is a directory, expected a file name`);
    const missing = join(dir, 'nodir', 'm.kpca');
    await expect(writeFileAtomic(missing, 'x')).rejects.toThrow(`${missing}: cannot write: no such directory`);
    await expect(checkWritable(missing)).rejects.toThrow(`${missing}: cannot write: no such directory`);
    await expect(checkWritable(target)).resolves.toBeUndefined();
    expect(readdirSync(sub)).toEqual([]);
  });
});
