/**
 * Signal names and numbers shared by `kill` and `trap`.
 */

/** Linux signal numbers by name (without the SIG prefix). */
export const SIGNALS: Readonly<Record<string, number>> = {
  HUP: 1, INT: 2, QUIT: 3, ILL: 4, TRAP: 5, ABRT: 6, BUS: 7, FPE: 8, KILL: 9, USR1: 10, SEGV: 11, USR2: 12,
  PIPE: 13, ALRM: 14, TERM: 15, STKFLT: 16, CHLD: 17, CONT: 18, STOP: 19, TSTP: 20, TTIN: 21, TTOU: 22,
  URG: 23, XCPU: 24, XFSZ: 25, VTALRM: 26, PROF: 27, WINCH: 28, IO: 29, PWR: 30, SYS: 31,
}

/** Canonical name (`TERM`, `EXIT`, `ERR`…) of a signal spec, or undefined. */
export function signalName(spec: string): string | undefined {
  const s = spec.toUpperCase().replace(/^SIG/, '')
  if (s === 'EXIT' || s === '0') return 'EXIT'
  if (s === 'ERR' || s === 'DEBUG' || s === 'RETURN') return s
  if (/^\d+$/.test(s)) {
    const n = Number(s)
    return Object.keys(SIGNALS).find((k) => SIGNALS[k] === n)
  }
  return s in SIGNALS ? s : undefined
}

/** `kill -l` / `trap -l` listing. */
export function signalList(): string {
  return `${Object.entries(SIGNALS)
    .map(([n, v]) => `${String(v).padStart(2)}) SIG${n}`)
    .join('\n')}\n`
}
