import { existsSync, readFileSync } from 'fs';
import * as path from 'path';

/** The package version, from the nearest package.json above this file (src/, dist/ or dist-bench/src/). */
function readVersion(): string {
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'package.json');
    if (existsSync(candidate)) return (JSON.parse(readFileSync(candidate, 'utf8')) as { version: string }).version;
  }
  return 'unknown';
}

export const VERSION: string = readVersion();
