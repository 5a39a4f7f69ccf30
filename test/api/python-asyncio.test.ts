import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Daytona, type Sandbox } from '../../src/index.js'

// asyncio in python.wasm through the public API. WASI has no socketpair() for the event loop's
// self-pipe, no threads and no subprocesses; runtimes/python/stdlib-patches/asyncio-wasi.patch
// lets the default loop run without a self-pipe and makes what needs the rest fail at once.
let daytona: Daytona
let sandbox: Sandbox

beforeAll(async () => {
  daytona = new Daytona()
  sandbox = await daytona.create({ language: 'python' })
})
afterAll(async () => {
  await daytona.dispose()
})

const BASICS = `
import asyncio

async def double(x, delay=0.0):
    await asyncio.sleep(delay)
    return x * 2

async def count(n):
    for i in range(n):
        await asyncio.sleep(0)
        yield i

async def main():
    print("gather", await asyncio.gather(*(double(i, 0.01 * (5 - i)) for i in range(5))))
    task = asyncio.create_task(double(21))
    print("task", await task, task.done())
    async with asyncio.TaskGroup() as tg:
        a = tg.create_task(double(1, 0.02))
        b = tg.create_task(double(2))
    print("taskgroup", a.result(), b.result())
    try:
        async with asyncio.timeout(0.05):
            await asyncio.sleep(10)
    except TimeoutError:
        print("timeout", "TimeoutError")
    try:
        await asyncio.wait_for(asyncio.sleep(10), 0.05)
    except TimeoutError:
        print("wait_for", "TimeoutError")
    print("wait_for in time", await asyncio.wait_for(double(4, 0.01), 1))
    queue = asyncio.Queue(maxsize=2)
    async def produce():
        for i in range(5):
            await queue.put(i)
        await queue.put(None)
    async def consume():
        got = []
        while (item := await queue.get()) is not None:
            got.append(item)
        return got
    print("queue", (await asyncio.gather(produce(), consume()))[1])
    event = asyncio.Event()
    asyncio.get_running_loop().call_later(0.02, event.set)
    await event.wait()
    lock, sem, order = asyncio.Lock(), asyncio.Semaphore(2), []
    async def worker(i):
        async with sem:
            async with lock:
                order.append(i)
            await asyncio.sleep(0.01)
    await asyncio.gather(*(worker(i) for i in range(4)))
    print("event", event.is_set(), "lock", order, lock.locked())
    print("async generator", [i async for i in count(3)])
    t = asyncio.create_task(asyncio.sleep(10))
    await asyncio.sleep(0)
    t.cancel()
    try:
        await t
    except asyncio.CancelledError:
        print("cancelled", t.cancelled())

asyncio.run(main())
`

const BASICS_OUTPUT = [
  'gather [0, 2, 4, 6, 8]',
  'task 42 True',
  'taskgroup 2 4',
  'timeout TimeoutError',
  'wait_for TimeoutError',
  'wait_for in time 8',
  'queue [0, 1, 2, 3, 4]',
  'event True lock [0, 1, 2, 3] False',
  'async generator [0, 1, 2]',
  'cancelled True',
  '',
].join('\n')

describe('asyncio in python3 (the default event loop without a self-pipe)', () => {
  it('runs coroutines, tasks, gather, TaskGroup, timeouts, queues, events, locks, async generators, cancellation', async () => {
    const r = await sandbox.process.codeRun(BASICS)
    expect(r.result).toBe(BASICS_OUTPUT)
    expect(r.exitCode).toBe(0)
  })

  it('behaves the same in a cold interpreter (python3 -E is not started from the snapshot)', async () => {
    await sandbox.fs.uploadFile(Buffer.from(BASICS), 'asyncio-basics.py')
    for (const cmd of ['python3 asyncio-basics.py', 'python3 -E asyncio-basics.py', 'python3 -X dev asyncio-basics.py']) {
      const r = await sandbox.process.executeCommand(cmd)
      expect(r.result, cmd).toBe(BASICS_OUTPUT)
      expect(r.exitCode).toBe(0)
    }
  })

  it('asyncio.run works several times in one process, as do new_event_loop() and Runner; SIGINT is restored', async () => {
    const r = await sandbox.process.codeRun(`
import asyncio, signal

async def f(x):
    await asyncio.sleep(0.01)
    return x

print([asyncio.run(f(i)) for i in range(3)])
loop = asyncio.new_event_loop()
print(loop.run_until_complete(f("loop")), loop.is_running())
loop.close()
loop.close()
with asyncio.Runner() as runner:
    print(runner.run(f("runner 1")), runner.run(f("runner 2")))
print(signal.getsignal(signal.SIGINT) is signal.default_int_handler)
`)
    expect(r.result).toBe("[0, 1, 2]\nloop False\nrunner 1 runner 2\nTrue\n")
    expect(r.exitCode).toBe(0)
  })

  it('asyncio.run in two runs of one codeInterpreter context', async () => {
    const ctx = await sandbox.codeInterpreter.createContext()
    await sandbox.codeInterpreter.runCode('import asyncio\nasync def f(x):\n    await asyncio.sleep(0.01)\n    return x * 2', { context: ctx })
    expect(await sandbox.codeInterpreter.runCode('print(asyncio.run(f(1)))', { context: ctx })).toEqual({ stdout: '2\n', stderr: '' })
    expect(await sandbox.codeInterpreter.runCode('print(asyncio.run(f(2)))', { context: ctx })).toEqual({ stdout: '4\n', stderr: '' })
    await sandbox.codeInterpreter.deleteContext(ctx)
  })

  it('asyncio.sleep(0.3) waits 0.3 s of wall time in poll_oneoff, blocked rather than spinning', async () => {
    // Warm up (the first run compiles the module's code paths).
    await sandbox.process.codeRun('import asyncio\nasyncio.run(asyncio.sleep(0))')
    const r = await sandbox.process.codeRun(
      'import asyncio, time\nt = time.monotonic()\nasyncio.run(asyncio.sleep(0.3))\nprint(time.monotonic() - t)',
    )
    const seconds = Number(r.result)
    expect(seconds).toBeGreaterThanOrEqual(0.3)
    expect(seconds).toBeLessThan(0.6)
    // The sandbox's workers are threads of this test process (pool: forks): a spinning wait would
    // cost about as much CPU as wall time, a blocked one almost none.
    const cpu = process.cpuUsage()
    const started = performance.now()
    await sandbox.process.codeRun('import asyncio\nasyncio.run(asyncio.sleep(1.5))')
    const used = process.cpuUsage(cpu)
    expect(performance.now() - started).toBeGreaterThanOrEqual(1500)
    expect((used.user + used.system) / 1000).toBeLessThan(600)
  })

  it('loop.add_signal_handler() works for signals raised in the process (signal.raise_signal)', async () => {
    const r = await sandbox.process.codeRun(`
import asyncio, signal

async def main():
    loop = asyncio.get_running_loop()
    got = []
    loop.add_signal_handler(signal.SIGUSR1, got.append, "usr1")
    signal.raise_signal(signal.SIGUSR1)
    await asyncio.sleep(0)
    print(got, loop.remove_signal_handler(signal.SIGUSR1), signal.getsignal(signal.SIGUSR1) == signal.SIG_DFL)
    loop.call_soon_threadsafe(got.append, "threadsafe")
    await asyncio.sleep(0)
    print(got)
    try:
        loop.add_signal_handler(signal.SIGKILL, print)
    except RuntimeError as e:
        print("RuntimeError:", e)

asyncio.run(main())
`)
    expect(r.result).toBe("['usr1'] True True\n['usr1', 'threadsafe']\nRuntimeError: sig 9 cannot be caught\n")
    expect(r.exitCode).toBe(0)
  })
})

describe('what asyncio cannot do on WASI fails at once, with a clear error', () => {
  it('run_in_executor() and to_thread() raise RuntimeError (no threads); asyncio.run still ends cleanly', async () => {
    const r = await sandbox.process.codeRun(`
import asyncio, concurrent.futures, time

async def main():
    for name, start in (("run_in_executor", lambda: asyncio.get_running_loop().run_in_executor(None, print, "x")),
                        ("to_thread", lambda: asyncio.to_thread(print, "x"))):
        try:
            await start()
        except RuntimeError as e:
            print(name, "RuntimeError:", e)

asyncio.run(main())

async def with_default_executor():
    asyncio.get_running_loop().set_default_executor(concurrent.futures.ThreadPoolExecutor())
    return "done"

print(asyncio.run(with_default_executor()))
`)
    const message = "RuntimeError: can't start new thread: run_in_executor() with the default executor (and asyncio.to_thread()) needs threads, which WASI does not have"
    expect(r.result).toBe(`run_in_executor ${message}\nto_thread ${message}\ndone\n`)
    expect(r.exitCode).toBe(0)
    const uncaught = await sandbox.process.codeRun('import asyncio\nasync def main():\n    await asyncio.to_thread(print, 1)\nasyncio.run(main())')
    expect(uncaught.exitCode).toBe(1)
    expect(uncaught.result).toMatch(new RegExp(`${message.replace(/[()]/g, '\\$&')}\n$`))
    // One error, not a second one from shutting the default executor down.
    expect(uncaught.result.match(/Traceback/g)).toHaveLength(1)
  })

  it('sockets: open_connection() and start_server() fail with the socket error, and daylite says why', async () => {
    const cases = {
      "asyncio.open_connection('example.com', 80)": "AttributeError: module '_socket' has no attribute 'getaddrinfo'",
      "asyncio.open_connection('127.0.0.1', 8080)": 'OSError: [Errno 58] Not supported',
      "asyncio.start_server(lambda r, w: None, '127.0.0.1', 8080)": 'OSError: [Errno 58] Not supported',
      'asyncio.start_server(lambda r, w: None, port=8080)': "AttributeError: module '_socket' has no attribute 'getaddrinfo'",
    }
    for (const [call, error] of Object.entries(cases)) {
      const started = performance.now()
      const r = await sandbox.process.executeCommand(`python3 -c "import asyncio\nasync def main():\n    await ${call}\nasyncio.run(main())"`, undefined, undefined, 20)
      expect(performance.now() - started, call).toBeLessThan(10_000)
      expect(r.exitCode, call).toBe(1)
      expect(r.result, call).toContain(`socket.py", line`)
      expect(r.result, call).toContain(`\n${error}\n`)
      expect(r.result, call).toMatch(/daylite: this needs network sockets/)
    }
  })

  it('subprocesses: create_subprocess_exec() and create_subprocess_shell() fail at once', async () => {
    const r = await sandbox.process.codeRun(`
import asyncio

async def main():
    for start in (lambda: asyncio.create_subprocess_exec("ls", stdout=asyncio.subprocess.PIPE),
                  lambda: asyncio.create_subprocess_shell("ls")):
        try:
            await start()
        except OSError as e:
            print(type(e).__name__, e)

asyncio.run(main())
`)
    expect(r.result).toBe('OSError [Errno 58] wasi does not support processes.\n'.repeat(2))
    expect(r.exitCode).toBe(0)
  })

  it('a loop with nothing left that could wake it raises instead of waiting forever', async () => {
    const r = await sandbox.process.codeRun('import asyncio\nasyncio.run(asyncio.Event().wait())', undefined, 20)
    expect(r.exitCode).toBe(1)
    expect(r.result).toMatch(/RuntimeError: Event loop deadlock: nothing is ready, scheduled or watched, and on WASI nothing else \(a thread, a signal\) can wake the loop up, so it would wait forever\n$/)
  })
})
