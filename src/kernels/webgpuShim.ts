/**
 * gpu.js finds WebGPU only through `navigator.gpu`, which Node lacks: provide it from the
 * `webgpu` package (Dawn). See docs/GPU.md, "WebGPU in Node", for the driver side (a Vulkan loader and a
 * Vulkan driver; lavapipe is a software one).
 */
import { existsSync, readdirSync } from 'node:fs';
import * as path from 'node:path';

interface DawnBinding {
  create(flags: string[]): unknown;
  globals: Record<string, unknown>;
}
interface AdapterInfo {
  vendor?: string;
  architecture?: string;
  description?: string;
  isFallbackAdapter?: boolean;
}
interface NavigatorGpu {
  requestAdapter(): Promise<{ info?: AdapterInfo; isFallbackAdapter?: boolean } | null>;
}

const scope = globalThis as unknown as { navigator?: { gpu?: NavigatorGpu } };

/** Installs navigator.gpu once; loading the binding needs no driver, only requesting an adapter does. */
export function installWebGPU(): NavigatorGpu {
  if (scope.navigator?.gpu) return scope.navigator.gpu;
  // The package entry is an ES module that only loads this binary; loading the binary directly
  // works from CommonJS and under jest, which cannot require ES modules.
  const dir = path.dirname(require.resolve('webgpu/package.json'));
  const arch = process.platform === 'darwin' ? 'universal' : process.arch;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a native addon, found by platform
  const dawn = require(path.join(dir, 'dist', `${process.platform}-${arch}.dawn.node`)) as DawnBinding;
  Object.assign(globalThis, dawn.globals); // GPUBufferUsage and friends, which gpu.js reads as globals
  if (!scope.navigator)
    Object.defineProperty(globalThis, 'navigator', { value: {}, configurable: true, writable: true });
  Object.defineProperty(scope.navigator, 'gpu', { value: dawn.create([]), configurable: true });
  return scope.navigator!.gpu!;
}

/**
 * Why WebGPU should not be chosen automatically here, or null when a hardware adapter answers.
 * A software adapter (lavapipe reports architecture 'software' and isFallbackAdapter) computes
 * correctly but slower than plain JS (docs/GPU.md, "Measured on a CPU-only machine").
 */
export async function webgpuUnsuitability(): Promise<string | null> {
  // Without a Vulkan loader Dawn can only fail, and it says so on stderr from native code: don't ask.
  if (!hasVulkanLoader()) return 'no Vulkan loader (libvulkan.so.1) on this machine';
  // Without a GPU device node the only adapter is a software one, and asking Dawn for it prints
  // driver warnings on stderr from native code: don't ask.
  if (!hasGpuDeviceNode()) return 'no GPU device (/dev/nvidia*, /dev/dri/renderD*) on this machine';
  let adapter;
  try {
    adapter = await installWebGPU().requestAdapter();
  } catch (e) {
    return `WebGPU failed to load: ${(e as Error).message}`;
  }
  if (!adapter) return 'no WebGPU adapter (no GPU, or no Vulkan driver)';
  const info = adapter.info ?? {};
  const what = [info.vendor, info.architecture, info.description].filter(Boolean).join(' ');
  if (info.architecture === 'software' || info.isFallbackAdapter || adapter.isFallbackAdapter) {
    return `the WebGPU adapter is a software one (${what})`;
  }
  return null;
}

/** Whether the dynamic linker can find libvulkan.so.1 (Linux); elsewhere assume it can and let Dawn decide. */
export function hasVulkanLoader(): boolean {
  if (process.platform !== 'linux') return true;
  const dirs = [
    ...(process.env.LD_LIBRARY_PATH ?? '').split(':'),
    '/usr/lib/x86_64-linux-gnu',
    '/usr/lib/aarch64-linux-gnu',
    '/usr/lib64',
    '/usr/lib',
    '/usr/local/lib',
    '/usr/local/nvidia/lib64',
  ];
  return dirs.some((dir) => dir && existsSync(path.join(dir, 'libvulkan.so.1')));
}

/** Linux: whether a GPU's device node exists (NVIDIA's, or a DRM render node); elsewhere assumed. */
export function hasGpuDeviceNode(): boolean {
  if (process.platform !== 'linux') return true;
  if (existsSync('/dev/nvidiactl')) return true;
  try {
    return readdirSync('/dev/dri').some((name) => name.startsWith('renderD'));
  } catch {
    return false;
  }
}
