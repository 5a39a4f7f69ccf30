/**
 * Property-based differential tests: random operation sequences applied to our Vfs and to an
 * oracle (the real Linux kernel in a temporary directory, and memfs as root), comparing every
 * result and the final tree. Also on a Vfs over a non-empty base layer and on a fork.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import fc from 'fast-check'
import * as nodeFs from 'node:fs'
import * as os from 'node:os'
import { Layer, Vfs } from '../../src/vfs/index.js'
import type { Volume } from 'memfs'
import {
  LinuxFs,
  agreesWithMemfs,
  applyLinux,
  applyMem,
  applyVfs,
  linuxSkip,
  oddOpArb,
  linuxListing,
  memListing,
  memfsSkip,
  opArb,
  rootMemfs,
  vfsListing,
} from './oracle.js'
import type { Op, Outcome } from './oracle.js'
import { fullListing } from './util.js'

interface Oracle {
  /** The oracle's outcome, or 'skip' when the op cannot be compared (decided on `v`'s pre-state). */
  apply(o: Op, v: Vfs): Outcome | 'skip'
  agree(o: Op, ours: Outcome, theirs: Outcome): boolean
  listing(): Record<string, string>
  dispose(): void
}

let tmp = ''
let counter = 0
beforeAll(() => {
  tmp = nodeFs.mkdtempSync(os.tmpdir() + '/daylite-vfs-')
})
afterAll(() => {
  nodeFs.rmSync(tmp, { recursive: true, force: true })
})

function linuxOracle(): Oracle {
  const root = `${tmp}/${counter++}`
  nodeFs.mkdirSync(root)
  const l = new LinuxFs(root)
  return {
    apply: (o, v) => (linuxSkip(v, o) !== undefined ? 'skip' : applyLinux(l, o)),
    agree: (_o, a, b) => JSON.stringify(a) === JSON.stringify(b),
    listing: () => linuxListing(l),
    dispose: () => nodeFs.rmSync(root, { recursive: true, force: true }),
  }
}

function memfsOracle(): Oracle {
  const m: Volume = rootMemfs()
  return {
    apply: (o, v) => (memfsSkip(v, o) !== undefined ? 'skip' : applyMem(m, o)),
    agree: agreesWithMemfs,
    listing: () => memListing(m),
    dispose: () => {},
  }
}

// Linux also gets odd paths (`.`, `//`, trailing slashes); memfs mishandles those too often.
const ORACLES: Array<[string, () => Oracle, fc.Arbitrary<Op>]> = [
  ['Linux', linuxOracle, oddOpArb],
  ['memfs', memfsOracle, opArb],
]

function show(o: Op): string {
  return JSON.stringify(o, (_k, x: unknown) => (x instanceof Uint8Array ? Array.from(x) : x))
}

function check(oracle: Oracle, v: Vfs, ops: Op[]): void {
  const done: string[] = []
  for (const o of ops) {
    const theirs = oracle.apply(o, v)
    if (theirs === 'skip') continue
    const ours = applyVfs(v, o)
    done.push(show(o))
    if (!oracle.agree(o, ours, theirs)) {
      expect.fail(`diverged after:\n${done.join('\n')}\nours: ${JSON.stringify(ours)}\ntheirs: ${JSON.stringify(theirs)}`)
    }
  }
  expect(vfsListing(v)).toEqual(oracle.listing())
}

const root = { user: { uid: 0, gid: 0 } }
const seqOf = (arb: fc.Arbitrary<Op>, max: number): fc.Arbitrary<Op[]> => fc.array(arb, { minLength: 1, maxLength: max })
const seq = (max: number): fc.Arbitrary<Op[]> => seqOf(opArb, max)
const RUNS = Number(process.env.VFS_RUNS ?? 400)

describe.each(ORACLES)('differential vs %s', (_name, make, arb) => {
  const seq = (max: number): fc.Arbitrary<Op[]> => seqOf(arb, max)
  test('fresh Vfs', () => {
    fc.assert(
      fc.property(seq(60), (ops) => {
        const oracle = make()
        try {
          check(oracle, new Vfs(undefined, root), ops)
        } finally {
          oracle.dispose()
        }
      }),
      { numRuns: RUNS * 2 },
    )
  })

  test('Vfs over a non-empty base layer (copy-on-write is invisible)', () => {
    fc.assert(
      fc.property(seq(30), seq(50), (prefix, ops) => {
        const oracle = make()
        try {
          const scratch = new Vfs(undefined, root)
          check(oracle, scratch, prefix)
          const base = Layer.fromVfs(scratch)
          const before = fullListing(new Vfs(base))
          const v = new Vfs(base, root)
          check(oracle, v, ops)
          // The base layer is untouched, whatever happened above it.
          expect(fullListing(new Vfs(base))).toEqual(before)
        } finally {
          oracle.dispose()
        }
      }),
      { numRuns: RUNS },
    )
  })

  test('forked Vfs (both sides independent)', () => {
    fc.assert(
      fc.property(seq(20), seq(20), seq(40), seq(30), (p1, p2, ops, other) => {
        const oracle = make()
        try {
          const scratch = new Vfs(undefined, root)
          check(oracle, scratch, p1)
          const v0 = new Vfs(Layer.fromVfs(scratch), root)
          check(oracle, v0, p2)
          const atFork = fullListing(v0)
          const v1 = v0.fork()
          check(oracle, v1, ops)
          expect(fullListing(v0)).toEqual(atFork)
          const forkState = fullListing(v1)
          for (const o of other) applyVfs(v0, o)
          expect(fullListing(v1)).toEqual(forkState)
        } finally {
          oracle.dispose()
        }
      }),
      { numRuns: RUNS },
    )
  })
})

test('usage always equals a recount of the upper layer', () => {
  fc.assert(
    fc.property(seq(30), seq(60), (prefix, ops) => {
      const scratch = new Vfs(undefined, root)
      for (const o of prefix) applyVfs(scratch, o)
      const v = new Vfs(Layer.fromVfs(scratch), root)
      for (const o of ops) applyVfs(v, o)
      const f = v.fork()
      // A deserialised copy recounts usage from scratch.
      const again = Vfs.deserialize(v.serialize(), v.base)
      expect(v.usage()).toEqual(again.usage())
      expect(f.usage()).toEqual(v.usage())
    }),
    { numRuns: RUNS },
  )
})
