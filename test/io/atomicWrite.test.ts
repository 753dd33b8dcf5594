import { promises as fsp, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { writeFileAtomic } from '../../src/io/atomicWrite';

describe('atomic writes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kpca-atomic-'));
  const target = join(dir, 'out.csv');

  test('a write that fails halfway (disk full) leaves the previous file intact and no temporary file', async () => {
    writeFileSync(target, 'previous contents\n');
    const realOpen = fsp.open.bind(fsp);
    const spy = jest.spyOn(fsp, 'open').mockImplementation(async (...args: Parameters<typeof fsp.open>) => {
      const handle = await realOpen(...args);
      let writes = 0;
      const realWrite = handle.write.bind(handle) as (...a: unknown[]) => Promise<unknown>;
      (handle as unknown as { write: (...a: unknown[]) => Promise<unknown> }).write = async (...a: unknown[]) => {
        if (++writes === 2) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
        return realWrite(...a);
      };
      return handle;
    });
    try {
      await expect(writeFileAtomic(target, ['new part one\n', 'new part two\n', 'three\n'])).rejects.toThrow(/ENOSPC/);
    } finally {
      spy.mockRestore();
    }
    expect(readFileSync(target, 'utf8')).toBe('previous contents\n');
    expect(readdirSync(dir)).toEqual(['out.csv']);
  });

  test('a successful write replaces the file whole', async () => {
    await writeFileAtomic(target, ['a,b\n', Buffer.from('1,2\n')]);
    expect(readFileSync(target, 'utf8')).toBe('a,b\n1,2\n');
    expect(readdirSync(dir)).toEqual(['out.csv']);
  });
});
