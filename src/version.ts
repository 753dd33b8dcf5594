import { existsSync } from 'fs';
import * as path from 'path';

/** The package version, from the nearest package.json above this file (src/, dist/ or dist-bench/src/). */
function readVersion(): string {
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'package.json');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    if (existsSync(candidate)) return require(candidate).version;
  }
  return 'unknown';
}

export const VERSION: string = readVersion();
