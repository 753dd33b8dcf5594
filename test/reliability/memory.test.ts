/** The memory limit of a container (cgroup v2 or v1) bounds the memory plan, not only the machine's memory. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'fs';
import * as os from 'os';
import { join } from 'path';
import { cgroupMemoryLimit, usableMemory } from '../../src/app/memory';

function cgroupRoot(files: Record<string, string>): string {
  const root = mkdtempSync(join(os.tmpdir(), 'kpca-cgroup-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(root, name, '..'), { recursive: true });
    writeFileSync(join(root, name), text);
  }
  return root;
}

test.each([
  ['cgroup v2 limit', { 'memory.max': '536870912\n' }, 536870912],
  ['cgroup v2 without limit', { 'memory.max': 'max\n' }, null],
  ['cgroup v1 limit', { 'memory/memory.limit_in_bytes': '268435456\n' }, 268435456],
  ['cgroup v1 without limit', { 'memory/memory.limit_in_bytes': '9223372036854771712\n' }, null],
  ['no cgroup files', {}, null],
])('%s', (_, files, expected) => {
  const root = cgroupRoot(files);
  expect(cgroupMemoryLimit(root)).toBe(expected);
  expect(usableMemory(root)).toBe(expected ?? os.totalmem());
});
