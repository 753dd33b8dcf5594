import { UserError } from '../../errors';
import { AnnealedGain } from './annealed';
import { ConstantGain } from './constant';
import { KhaEtGain } from './khaEt';
import { SmdGain } from './smd';
import { GAIN_NAMES, type GainParameters, type GainSchedule } from './schedule';

export * from './schedule';
export { AnnealedGain, ConstantGain, KhaEtGain, SmdGain };
export { TUNE_TAU_FACTORS } from './annealed';
export { TUNE_MU } from './smd';

/** `name` is a GainName, or what a user typed: anything else is refused here, naming the choices. */
export function createGainSchedule(name: string, params: GainParameters = {}): GainSchedule {
  for (const [key, value] of Object.entries(params))
    if (value !== undefined && !(Number.isFinite(value) && value > 0))
      throw new UserError(`gain parameter ${key} must be a positive number, got ${value}`);
  if (params.xi !== undefined && params.xi >= 1) throw new UserError(`--xi must be in (0, 1), got ${params.xi}`);
  switch (name) {
    case 'constant':
      return new ConstantGain(params);
    case 'annealed':
      return new AnnealedGain(params);
    case 'kha-et':
      return new KhaEtGain(params);
    case 'smd':
      return new SmdGain(params);
    default:
      throw new UserError(`unknown gain schedule "${name}"; choose one of ${GAIN_NAMES.join(', ')}`);
  }
}
