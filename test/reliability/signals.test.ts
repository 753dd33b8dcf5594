/** SIGTERM (what `kill`, systemd and container runtimes send) is answered like Ctrl-C: checkpoint, exit 130. */
import { spawn } from 'child_process';
import { existsSync, mkdtempSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { KPCA, writeCloudCsv } from '../helpers/cli';

test('SIGTERM during fit writes a checkpoint and exits 130, within a block', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kpca-term-'));
  const csv = writeCloudCsv(join(dir, 'cloud.csv'), 400);
  const model = join(dir, 'm.kpca');
  const args = ['fit', csv, '--sigma', '3', '-r', '4', '--passes', '1000000', '--backend', 'reference', '-o', model];
  const child = spawn(process.execPath, [KPCA, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let sentAt = -1;
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
    if (sentAt < 0 && /pass 1:/.test(stderr)) {
      sentAt = stderr.length;
      child.kill('SIGTERM');
    }
  });
  const code = await new Promise((resolve) => child.on('exit', resolve));
  expect(code).toBe(130);
  expect(stderr).toMatch(/kpca: SIGTERM: stopping at the next block and writing a checkpoint/);
  // answered at the next block: at most the pass in progress completes after the signal
  expect([...stderr.slice(sentAt).matchAll(/^pass \d+:/gm)].length).toBeLessThanOrEqual(1);
  expect(existsSync(`${model}.checkpoint`)).toBe(true);
  expect(existsSync(model)).toBe(false);
}, 60_000);
