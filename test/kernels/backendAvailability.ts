/**
 * Which optional Gram backends can run here, decided while jest collects the tests (describe callbacks
 * are synchronous), so that an absent backend shows as skipped, with the reason, never as passed.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import type { BackendName } from '../../src/kernels';
import { gpujs } from '../../src/kernels/gpujsBackend';
import { hasVulkanLoader } from '../../src/kernels/webgpuShim';

export interface WebGPUProbe {
  /** null when an adapter answered */
  absent: string | null;
  /** the adapter is a software one (lavapipe): `auto` must not pick it */
  software: boolean;
}

/**
 * Asks Dawn for an adapter in a child process: requesting one is asynchronous, and a process that
 * touched a device must also destroy it, which this one need not then do.
 */
function probeWebGPU(): WebGPUProbe {
  if (!hasVulkanLoader()) return { absent: 'no Vulkan loader (libvulkan.so.1)', software: false };
  const script = `require('webgpu').create([]).requestAdapter().then((a) => {
    // AdapterInfo's fields are getters: JSON.stringify(a.info) would drop them
    const i = a && a.info;
    process.stdout.write(JSON.stringify(a && { info: { architecture: i.architecture }, fallback: a.isFallbackAdapter || i.isFallbackAdapter }));
    process.exit(0);
  }, (e) => { process.stdout.write(JSON.stringify({ error: e.message })); process.exit(0); });`;
  const cwd = path.join(__dirname, '../..'); // where `webgpu` resolves
  const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 30_000, cwd });
  if (child.status !== 0) {
    return { absent: `the webgpu probe failed (${child.error?.message ?? child.stderr})`, software: false };
  }
  type Answer = { info?: { architecture?: string }; fallback?: boolean; error?: string } | null;
  const answer = JSON.parse(child.stdout) as Answer;
  if (answer === null || answer.error) {
    // Dawn says why on stderr (Debian 12's lavapipe lacks a Vulkan feature it requires)
    const dawnSays = answer?.error ?? child.stderr.split('\n').find((line) => line.startsWith('Warning:'));
    return { absent: `no WebGPU adapter${dawnSays ? ` (${dawnSays})` : ''}`, software: false };
  }
  return { absent: null, software: answer.info?.architecture === 'software' || answer.fallback === true };
}

export const webgpuProbe: WebGPUProbe = probeWebGPU();

const glAbsent = gpujs().GPU.isHeadlessGLSupported
  ? null
  : 'gpu.js headless-gl is not supported here (optional `gl` package or X display missing)';

/** Why each optional backend cannot run here (absent key: it can). */
export const absentBecause: Partial<Record<BackendName, string>> = Object.fromEntries(
  (
    [
      ['webgpu', webgpuProbe.absent],
      ['headlessgl', glAbsent],
      ['gpu', glAbsent],
    ] as const
  ).filter(([, why]) => why !== null),
);

/** `describe`, or `describe.skip` under a title that says why the backend is absent. */
export function describeBackend(name: BackendName, title: string, body: () => void): void {
  const why = absentBecause[name];
  if (why === undefined) describe(title, body);
  else describe.skip(`${title} — skipped: ${why}`, body);
}
