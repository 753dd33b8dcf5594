/** How the commands print a convergence certificate (eval/certificate.ts): lines, JSON and warnings. */
import type { Certificate } from '../eval/certificate';

// model files store non-finite numbers as JSON null
const fmt = (v: number | null) => (v === null ? '—' : Number.isFinite(v) ? v.toExponential(1) : String(v));

/** One line per component: estimate, bound on |θ − λ|, bound on sin∠ (— when no gap is shown). */
export function certificateLines(cert: Certificate, symbol = 'λ'): string[] {
  return [
    ...cert.components.map(
      (c, i) =>
        `  ${symbol}${i + 1} = ${typeof c.eigenvalue === 'number' ? c.eigenvalue.toPrecision(8) : 'NaN'}` +
        `  |θ − λ| ≤ ${fmt(c.eigenvalueBound)}  sin∠ ≤ ${fmt(c.angleBound)}  residual ${fmt(c.residual)}`,
    ),
    `converged: ${cert.converged ? 'yes' : 'no'} (residuals within ${cert.tolerance}·λ1` +
      `${cert.subspaceAngleBound === null ? '' : `; subspace sin Θ ≤ ${fmt(cert.subspaceAngleBound)}`})` +
      `${cert.passesNeeded === undefined ? '' : `; passes needed: ${cert.passesNeeded === null ? 'more will not help' : `${cert.passesNeededSlowing ? 'at least' : 'about'} ${cert.passesNeeded}`}`}`,
  ];
}

/** The certificate in a command's JSON output. */
export function certificateJson(cert: Certificate | undefined) {
  return cert
    ? { converged: cert.converged, passesNeeded: cert.passesNeeded ?? null, certificate: cert }
    : { converged: null, passesNeeded: null, certificate: null };
}

/**
 * One warning line on stderr (not under --quiet) naming each component in doubt and its bound, and
 * what to do about it: `advice`, the command's own remedies. `what` names the run (compare's schedule).
 */
export function warnCertificate(cert: Certificate, quiet: boolean | undefined, advice: string, what = ''): void {
  if (quiet || cert.converged) return;
  process.stderr.write(`kpca: warning: ${what}${cert.warnings.join('; ')}; ${advice}\n`);
}

export const FIT_ADVICE = 'run more --passes (or --resume the checkpoint), or another --gain (kha-et, smd)';
