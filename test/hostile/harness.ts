/**
 * Shared checks of the hostile suite. Each case ends with a clear result or a typed error within
 * its limit plus a small slack ({@link settle}), and then {@link contained} checks that the fault
 * stayed where it was: the host's event loop still turns, a bystander sandbox still answers with
 * its own file, and the files the hostile sandbox wrote before the fault are intact.
 */
import { expect } from 'vitest'
import { DaytonaError, type Daytona, type Sandbox } from '../../src/index.js'

/** The content of the file every hostile sandbox writes before its fault. */
export const PRECIOUS = 'precious\n'

/** What a call came to: its value or its error, and how long it took. */
export type Outcome<T> = { ok: true; value: T; ms: number } | { ok: false; error: unknown; ms: number }

/**
 * Waits for `promise` at most `limitMs`: a call that has not settled by then is a hang and fails
 * the test. Errors are returned, not thrown, and must be typed (see {@link expectTyped}).
 */
export async function settle<T>(promise: Promise<T>, limitMs: number): Promise<Outcome<T>> {
  const t0 = performance.now()
  let timer: ReturnType<typeof setTimeout> | undefined
  const hang = new Promise<'hang'>((resolve) => {
    timer = setTimeout(() => resolve('hang'), limitMs)
  })
  try {
    const r = await Promise.race([promise.then((value) => ({ ok: true as const, value }), (error: unknown) => ({ ok: false as const, error })), hang])
    if (r === 'hang') throw new Error(`the call did not settle within ${limitMs} ms`)
    const ms = performance.now() - t0
    if (!r.ok) expectTyped(r.error)
    return { ...r, ms }
  } finally {
    clearTimeout(timer)
  }
}

/**
 * A typed error: a `DaytonaError` subclass that says what went wrong, not an internal error that
 * wraps a JavaScript exception (`code: 'INTERNAL'`).
 */
export function expectTyped(error: unknown, Class: abstract new (...args: never[]) => DaytonaError = DaytonaError): void {
  expect(error, String(error)).toBeInstanceOf(Class)
  expect((error as DaytonaError).code, String(error)).not.toBe('INTERNAL')
}

/** The error of an outcome that must have failed with `Class`. */
export function failed<T>(outcome: Outcome<T>, Class: abstract new (...args: never[]) => DaytonaError = DaytonaError): DaytonaError {
  expect(outcome.ok, outcome.ok ? `expected an error, got ${JSON.stringify(outcome.value)?.slice(0, 200)}` : '').toBe(false)
  const error = (outcome as { error: unknown }).error
  expectTyped(error, Class)
  return error as DaytonaError
}

/** The value of an outcome that must have succeeded. */
export function succeeded<T>(outcome: Outcome<T>): T {
  if (!outcome.ok) throw outcome.error
  return outcome.value
}

/** Writes the precious file into a sandbox (before its fault). */
export async function seed(sandbox: Sandbox, path = 'keep.txt'): Promise<void> {
  await sandbox.fs.uploadFile(Buffer.from(PRECIOUS), path)
}

/** The host's event loop turns promptly (a busy or crashed guest never blocks the host thread). */
export async function hostResponsive(maxMs = 500): Promise<void> {
  const t0 = performance.now()
  await new Promise((resolve) => setTimeout(resolve, 0))
  expect(performance.now() - t0).toBeLessThan(maxMs)
}

/**
 * After a fault in `sandbox`: the host is responsive, `bystander` answers a probe and keeps its
 * file, and `sandbox` (unless it is gone) still has its precious file and runs commands.
 */
export async function contained(sandbox: Sandbox | undefined, bystander: Sandbox, paths: string[] = ['keep.txt']): Promise<void> {
  await hostResponsive()
  const probe = await settle(bystander.process.executeCommand('echo probe; cat keep.txt'), 15_000)
  expect(succeeded(probe)).toMatchObject({ exitCode: 0, result: `probe\n${PRECIOUS}` })
  if (!sandbox) return
  await sandbox.refreshData()
  if (sandbox.state !== 'started') return
  for (const path of paths) expect((await sandbox.fs.downloadFile(path)).toString()).toBe(PRECIOUS)
  const alive = await settle(sandbox.process.executeCommand('echo alive'), 15_000)
  expect(succeeded(alive)).toMatchObject({ exitCode: 0, result: 'alive\n' })
}

/** A started bystander sandbox with the precious file, to probe after each fault. */
export async function bystanderOf(daytona: Daytona): Promise<Sandbox> {
  const b = await daytona.create({ labels: { role: 'bystander' } })
  await seed(b)
  return b
}
