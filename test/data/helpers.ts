import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';

export const FIXTURES = path.join(__dirname, '..', 'fixtures', 'data');

export function fixture(name: string): string {
  return path.join(FIXTURES, name);
}

/** A fresh temporary folder, removed by the returned cleanup. */
export function makeTempDir(): {
  dir: string;
  file: (name: string, content: string | Uint8Array) => string;
  cleanup: () => void;
} {
  const dir = mkdtempSync(path.join(tmpdir(), 'kpca-data-test-'));
  return {
    dir,
    file: (name, content) => {
      const p = path.join(dir, name);
      writeFileSync(p, content);
      return p;
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
