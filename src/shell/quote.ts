/** Quoting for bash. */

/** Quotes a string as one bash word (left bare when it has only safe characters). */
export function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`
}
