/**
 * The engine (src/kha) sits above the Gram backends and row sources (src/kernels): kha imports
 * kernels, never the other way round. Fails when a file in src/kernels imports from src/kha.
 */
import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';

test('no file in src/kernels imports from src/kha', () => {
  const dir = join(__dirname, '..', '..', 'src', 'kernels');
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
  expect(files.length).toBeGreaterThan(10);
  const offending = files.filter((f) => /from '(\.\.\/)+kha\//.test(readFileSync(join(dir, f), 'utf8')));
  expect(offending).toEqual([]);
});
