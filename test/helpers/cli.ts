/** Run the built `kpca` command (bin/kpca → dist/) as a user would. `npm test` builds first. */
import { spawn, spawnSync } from 'child_process';
import { writeFileSync } from 'fs';
import { join } from 'path';
import { gaussianCloud } from './problems';

export const KPCA = join(__dirname, '..', '..', 'bin', 'kpca');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function kpca(
  args: string[],
  opts: { input?: string; env?: NodeJS.ProcessEnv; timeout?: number } = {},
): CliResult {
  const run = spawnSync(process.execPath, [KPCA, ...args], {
    input: opts.input,
    env: { ...process.env, ...opts.env },
    encoding: 'utf8',
    timeout: opts.timeout ?? 60_000,
  });
  return { code: run.status, signal: run.signal, stdout: run.stdout, stderr: run.stderr };
}

/** Start kpca, send it SIGINT once its stderr matches `when` (once), resolve when it exits. */
export function kpcaInterrupted(args: string[], when: RegExp): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [KPCA, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let sent = false;
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
      if (!sent && when.test(stderr)) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** A CSV of an anisotropic Gaussian cloud with a header and a label column. */
export function writeCloudCsv(path: string, l: number, seed = 1): string {
  const d = 5;
  const X = gaussianCloud(l, seed);
  const lines = ['a,b,c,d,e,label'];
  for (let i = 0; i < l; i++) lines.push(`${Array.from(X.subarray(i * d, (i + 1) * d)).join(',')},${i % 3}`);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

/** `kpca fit` of a small model for command tests (reference backend, kha-et, 5 passes); throws on failure. */
export function fitModelCli(csv: string, model: string, components: number): void {
  const fit = kpca(
    ['fit', csv, '--sigma', '3', '-r', String(components), '--gain', 'kha-et', '--passes', '5'].concat([
      '--backend',
      'reference',
      '-o',
      model,
      '-q',
    ]),
  );
  if (fit.code !== 0) throw new Error(fit.stderr);
}
