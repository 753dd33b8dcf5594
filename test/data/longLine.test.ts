/**
 * Finding the first line (to detect the format) looks at each character once: a first line of
 * 1 MB arriving in 64 KiB chunks is scanned in about 1 MB of work, where re-running a regex on the
 * growing buffer scanned every prefix again (quadratic; 5 s for 128 KiB, minutes for 512 KiB).
 * The work is counted as the characters handed to regular expressions while the source opens.
 */
import { mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { openTextSource } from '../../src/data/textSource';

const dir = mkdtempSync(join(tmpdir(), 'kpca-longline-'));

/** Open `path` and return its first line and the characters regular expressions were run over meanwhile. */
async function openCounting(path: string): Promise<{ firstLine: string; scanned: number }> {
  const exec = jest.spyOn(RegExp.prototype, 'exec');
  try {
    const source = await openTextSource(path);
    const scanned = exec.mock.calls.reduce((n, [s]) => n + String(s).length, 0);
    for await (const chunk of source.chunks) void chunk; // drain: closes the file
    return { firstLine: source.firstLine, scanned };
  } finally {
    exec.mockRestore();
  }
}

describe('first-line detection is linear in the line length', () => {
  const line = Array.from({ length: 250_000 }, (_, i) => `c${i % 1000}`).join(',');

  test.each([
    ['a 1 MB header line', `${line}\n1,2\n`],
    ['a 1 MB line without a line break', line],
    ['blank lines, then a 1 MB line', `\n  \r\n\t\n${line}\r\n`],
  ])(
    '%s',
    async (_, content) => {
      expect(line.length).toBeGreaterThan(1_000_000);
      const path = join(dir, 'long.csv');
      writeFileSync(path, content);
      const { firstLine, scanned } = await openCounting(path);
      expect(firstLine).toBe(line);
      expect(scanned).toBeLessThanOrEqual(2 * content.length);
    },
    30_000,
  );

  test('the first non-blank line, without its line break, is the one found', async () => {
    const path = join(dir, 'short.csv');
    writeFileSync(path, '\n \r\n x,y\r\n1,2\n');
    expect((await openCounting(path)).firstLine).toBe(' x,y');
  });
});
