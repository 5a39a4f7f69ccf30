/**
 * Diffs: Myers' line diff, git's unified format (hunk headers with the enclosing "function"
 * line, `\ No newline at end of file`, binary files), `--stat`, and the comparison of two sets
 * of files (trees, the index, the work tree). Renames are not detected.
 */

/** Beyond this many edit steps, a change block is shown as replaced whole (bounded memory). */
const MAX_EDIT_STEPS = 2000

/** One line-level edit. */
type Op = { kind: 'eq' | 'del' | 'add'; a: number; b: number }

/**
 * The shortest edit script between line arrays (Myers, O((N+M)D)), after trimming the common
 * prefix and suffix.
 */
export function diffLines(a: string[], b: string[]): Op[] {
  let start = 0
  while (start < a.length && start < b.length && a[start] === b[start]) start++
  let endA = a.length
  let endB = b.length
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--
    endB--
  }
  const ops: Op[] = []
  for (let i = 0; i < start; i++) ops.push({ kind: 'eq', a: i, b: i })
  const n = endA - start
  const m = endB - start
  const middle: Op[] = []
  if (n === 0) for (let j = 0; j < m; j++) middle.push({ kind: 'add', a: start + n, b: start + j })
  else if (m === 0) for (let i = 0; i < n; i++) middle.push({ kind: 'del', a: start + i, b: start })
  else {
    const max = n + m
    const offset = max
    const v = new Int32Array(2 * max + 2)
    // V before each step d, for k in [-d-1, d+1] (memory grows as d², hence the budget).
    const trace: Int32Array[] = []
    let found = false
    for (let d = 0; d <= max && !found; d++) {
      if (d > MAX_EDIT_STEPS) break
      trace.push(v.slice(offset - d - 1 < 0 ? 0 : offset - d - 1, offset + d + 2))
      for (let k = -d; k <= d; k += 2) {
        let x: number
        if (k === -d || (k !== d && (v[offset + k - 1] as number) < (v[offset + k + 1] as number))) x = v[offset + k + 1] as number
        else x = (v[offset + k - 1] as number) + 1
        let y = x - k
        while (x < n && y < m && a[start + x] === b[start + y]) {
          x++
          y++
        }
        v[offset + k] = x
        if (x >= n && y >= m) {
          found = true
          break
        }
      }
    }
    if (!found) {
      // Too different to align cheaply: everything in between is replaced.
      for (let i = 0; i < n; i++) middle.push({ kind: 'del', a: start + i, b: start })
      for (let j = 0; j < m; j++) middle.push({ kind: 'add', a: start + n, b: start + j })
    } else {
      const at = (d: number, k: number): number => {
        const base = offset - d - 1 < 0 ? offset - d - 1 : 0
        return (trace[d] as Int32Array)[k + d + 1 + base] as number
      }
      // Backtrack.
      let x = n
      let y = m
      const rev: Op[] = []
      for (let d = trace.length - 1; d >= 0; d--) {
        const k = x - y
        let prevK: number
        if (k === -d || (k !== d && at(d, k - 1) < at(d, k + 1))) prevK = k + 1
        else prevK = k - 1
        const prevX = at(d, prevK)
        const prevY = prevX - prevK
        while (x > prevX && y > prevY) {
          x--
          y--
          rev.push({ kind: 'eq', a: start + x, b: start + y })
        }
        if (d > 0) {
          if (x === prevX) {
            y--
            rev.push({ kind: 'add', a: start + x, b: start + y })
          } else {
            x--
            rev.push({ kind: 'del', a: start + x, b: start + y })
          }
        }
      }
      rev.reverse()
      // Deletions before additions within a change, as git prints them.
      for (let i = 0; i < rev.length; ) {
        if ((rev[i] as Op).kind === 'eq') {
          middle.push(rev[i] as Op)
          i++
          continue
        }
        let j = i
        while (j < rev.length && (rev[j] as Op).kind !== 'eq') j++
        const run = rev.slice(i, j)
        middle.push(...run.filter((o) => o.kind === 'del'), ...run.filter((o) => o.kind === 'add'))
        i = j
      }
    }
  }
  ops.push(...middle)
  for (let i = endA, j = endB; i < a.length; i++, j++) ops.push({ kind: 'eq', a: i, b: j })
  return ops
}

/** Splits text into lines (without their newline), noting whether the last one had one. */
export function splitLines(text: string): { lines: string[]; finalNewline: boolean } {
  if (text === '') return { lines: [], finalNewline: true }
  const finalNewline = text.endsWith('\n')
  const lines = (finalNewline ? text.slice(0, -1) : text).split('\n')
  return { lines, finalNewline }
}

/** True for content git treats as binary (a NUL in the first 8000 bytes). */
export function isBinary(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.byteLength, 8000)
  for (let i = 0; i < n; i++) if (bytes[i] === 0) return true
  return false
}

/** Added and deleted line counts. */
export interface LineCounts {
  added: number
  deleted: number
}

const decoder = new TextDecoder()

/** The line counts between two contents (undefined counts for binary files). */
export function countChanges(a: Uint8Array, b: Uint8Array): LineCounts | undefined {
  if (isBinary(a) || isBinary(b)) return undefined
  const x = splitLines(decoder.decode(a))
  const y = splitLines(decoder.decode(b))
  const xs = x.finalNewline ? x.lines : [...x.lines.slice(0, -1), `${x.lines[x.lines.length - 1] ?? ''}\0`]
  const ys = y.finalNewline ? y.lines : [...y.lines.slice(0, -1), `${y.lines[y.lines.length - 1] ?? ''}\0`]
  let added = 0
  let deleted = 0
  for (const op of diffLines(xs, ys)) {
    if (op.kind === 'add') added++
    else if (op.kind === 'del') deleted++
  }
  return { added, deleted }
}

/** git's default "function" line for hunk headers: a line starting with a letter, `_` or `$`. */
function funcLine(lines: string[], before: number): string {
  for (let i = before - 1; i >= 0; i--) {
    const l = lines[i] as string
    if (/^[A-Za-z_$]/.test(l)) {
      const trimmed = l.replace(/\s+$/, '')
      return ` ${trimmed.length > 80 ? trimmed.slice(0, 80) : trimmed}`
    }
  }
  return ''
}

function range(start: number, count: number): string {
  if (count === 0) return `${start},0`
  return count === 1 ? `${start}` : `${start},${count}`
}

/** Unified diff hunks (the lines after the `---`/`+++` header) between two texts. */
export function unifiedHunks(oldText: string, newText: string, context = 3): string {
  const x = splitLines(oldText)
  const y = splitLines(newText)
  // The last line without a newline differs from the same text with one.
  const xs = x.finalNewline ? x.lines : [...x.lines.slice(0, -1), `${x.lines[x.lines.length - 1] ?? ''}\0`]
  const ys = y.finalNewline ? y.lines : [...y.lines.slice(0, -1), `${y.lines[y.lines.length - 1] ?? ''}\0`]
  const ops = diffLines(xs, ys)
  const changes: number[] = []
  ops.forEach((op, i) => {
    if (op.kind !== 'eq') changes.push(i)
  })
  if (changes.length === 0) return ''
  // Group changes whose context overlaps.
  const groups: [number, number][] = []
  let gs = changes[0] as number
  let ge = gs
  for (const c of changes.slice(1)) {
    if (c - ge <= 2 * context + 1) ge = c
    else {
      groups.push([gs, ge])
      gs = c
      ge = c
    }
  }
  groups.push([gs, ge])
  let out = ''
  const show = (s: string): string => (s.endsWith('\0') ? `${s.slice(0, -1)}\n\\ No newline at end of file` : s)
  for (const [s, e] of groups) {
    const from = Math.max(0, s - context)
    const to = Math.min(ops.length - 1, e + context)
    let oldStart = -1
    let newStart = -1
    let oldCount = 0
    let newCount = 0
    const body: string[] = []
    for (let i = from; i <= to; i++) {
      const op = ops[i] as Op
      if (op.kind === 'eq') {
        if (oldStart < 0) oldStart = op.a
        if (newStart < 0) newStart = op.b
        oldCount++
        newCount++
        body.push(` ${show(xs[op.a] as string)}`)
      } else if (op.kind === 'del') {
        if (oldStart < 0) oldStart = op.a
        if (newStart < 0) newStart = op.b
        oldCount++
        body.push(`-${show(xs[op.a] as string)}`)
      } else {
        if (oldStart < 0) oldStart = op.a
        if (newStart < 0) newStart = op.b
        newCount++
        body.push(`+${show(ys[op.b] as string)}`)
      }
    }
    const os = oldCount === 0 ? oldStart : oldStart + 1
    const ns = newCount === 0 ? newStart : newStart + 1
    out += `@@ -${range(os, oldCount)} +${range(ns, newCount)} @@${funcLine(xs.map((l) => l.replace(/\0$/, '')), oldStart)}\n${body.join('\n')}\n`
  }
  return out
}

/** One changed path between two sides. */
export interface PathChange {
  path: string
  status: 'A' | 'D' | 'M' | 'T'
  oldOid?: string | undefined
  oldMode?: number | undefined
  newOid?: string | undefined
  newMode?: number | undefined
}

/** A file on one side of a diff. */
export interface SideFile {
  oid: string
  mode: number
}

/** The paths that differ between two sides (sorted). */
export function comparePaths(a: Map<string, SideFile>, b: Map<string, SideFile>): PathChange[] {
  const out: PathChange[] = []
  const paths = new Set([...a.keys(), ...b.keys()])
  for (const path of paths) {
    const x = a.get(path)
    const y = b.get(path)
    if (x && y) {
      if (x.oid === y.oid && x.mode === y.mode) continue
      const typeChange = (x.mode === 0o120000) !== (y.mode === 0o120000)
      out.push({ path, status: typeChange ? 'T' : 'M', oldOid: x.oid, oldMode: x.mode, newOid: y.oid, newMode: y.mode })
    } else if (x) out.push({ path, status: 'D', oldOid: x.oid, oldMode: x.mode })
    else if (y) out.push({ path, status: 'A', newOid: y.oid, newMode: y.mode })
  }
  return out.sort((p, q) => (p.path < q.path ? -1 : p.path > q.path ? 1 : 0))
}

/** A change with its line counts, for `--stat`. */
export interface StatLine {
  path: string
  /** Undefined for a binary file. */
  counts: LineCounts | undefined
  /** Sizes of a binary file's two sides, in bytes. */
  sizes?: { from: number; to: number }
}

function decimalWidth(n: number): number {
  return String(n).length
}

/**
 * git's `--stat` block (80 columns), ending with the summary line.
 *
 * @example
 * ```ts
 * formatStat([{ path: 'a.txt', counts: { added: 1, deleted: 1 } }])
 * // ' a.txt | 2 +-\n 1 file changed, 1 insertion(+), 1 deletion(-)\n'
 * ```
 */
export function formatStat(lines: StatLine[], width = 80): string {
  if (lines.length === 0) return ''
  let maxLen = 0
  let maxChange = 0
  let anyBinary = false
  for (const l of lines) {
    maxLen = Math.max(maxLen, l.path.length)
    if (l.counts) maxChange = Math.max(maxChange, l.counts.added + l.counts.deleted)
    else anyBinary = true
  }
  let numberWidth = decimalWidth(maxChange)
  if (anyBinary && numberWidth < 3) numberWidth = 3
  let nameWidth = maxLen
  let graphWidth = maxChange
  if (nameWidth + numberWidth + 6 + graphWidth > width) {
    if (graphWidth > Math.floor((width * 3) / 8) - numberWidth - 6) {
      graphWidth = Math.floor((width * 3) / 8) - numberWidth - 6
      if (graphWidth < 6) graphWidth = 6
    }
    if (nameWidth > width - numberWidth - 6 - graphWidth) nameWidth = width - numberWidth - 6 - graphWidth
    else graphWidth = width - numberWidth - 6 - nameWidth
  }
  const scale = (it: number): number => (it === 0 ? 0 : maxChange > graphWidth ? 1 + Math.floor((it * (graphWidth - 1)) / maxChange) : it)
  let out = ''
  let added = 0
  let deleted = 0
  for (const l of lines) {
    let name = l.path
    if (name.length > nameWidth) {
      name = `...${name.slice(name.length - (nameWidth - 3))}`
      const slash = name.indexOf('/')
      if (slash >= 0) name = `...${name.slice(slash)}`
    }
    if (!l.counts) {
      out += ` ${name.padEnd(nameWidth)} | ${'Bin'.padStart(numberWidth)}${l.sizes ? ` ${l.sizes.from} -> ${l.sizes.to} bytes` : ''}\n`
      continue
    }
    added += l.counts.added
    deleted += l.counts.deleted
    const total = l.counts.added + l.counts.deleted
    let plus = scale(l.counts.added)
    let minus = scale(l.counts.deleted)
    if (maxChange > graphWidth) {
      // git rounds the total, then gives the rest to the larger side.
      const totalScaled = scale(total)
      if (plus + minus !== totalScaled) {
        if (l.counts.added < l.counts.deleted) plus = totalScaled - minus
        else minus = totalScaled - plus
      }
    }
    out += ` ${name.padEnd(nameWidth)} | ${String(total).padStart(numberWidth)}${total ? ' ' : ''}${'+'.repeat(plus)}${'-'.repeat(minus)}\n`
  }
  return out + shortStat(lines.length, added, deleted)
}

/** `N files changed, X insertions(+), Y deletions(-)` (git's `--shortstat`). */
export function shortStat(files: number, added: number, deleted: number): string {
  let s = ` ${files} file${files > 1 ? 's' : ''} changed`
  if (added || deleted === 0) s += `, ${added} insertion${added === 1 ? '' : 's'}(+)`
  if (deleted || added === 0) s += `, ${deleted} deletion${deleted === 1 ? '' : 's'}(-)`
  return `${s}\n`
}
