import * as os from 'os';

/** Where a report was measured: timings mean little without it. */
export interface MachineInfo {
  cpu: string;
  cores: number;
  node: string;
  platform: string;
  arch: string;
  memoryMiB: number;
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    node: process.version,
    platform: `${os.type()} ${os.release()}`,
    arch: process.arch,
    memoryMiB: Math.round(os.totalmem() / 2 ** 20),
  };
}
