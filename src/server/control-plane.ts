/**
 * Daytona's control-plane API (`{apiUrl}/sandbox…`), translated onto the engine. Lifecycle calls
 * answer with the sandbox in its final state (`started`, `stopped`, `destroyed`), so the SDK
 * never waits or polls.
 */
import type { SandboxBackend, SandboxRegistry } from '../engine/backend.js'
import type { CreateOptions, ListOptions } from '../engine/engine.js'
import { LANGUAGE_LABEL } from '../engine/engine.js'
import { SandboxError, SandboxErrorCode } from '../engine/errors.js'
import { sandboxDto, sandboxListItem, type SandboxDto } from './dto.js'
import { badRequest, notServed } from './errors.js'
import {
  Router,
  intParam,
  ok,
  optionalNumber,
  optionalRecord,
  optionalString,
  queryBool,
  queryDate,
  queryList,
  queryNumber,
  queryString,
  readObject,
  type RequestContext,
} from './http.js'

/** What the control-plane routes need. */
export interface ControlPlaneDeps {
  /** The sandboxes served: the in-process engine, or the native backend. */
  engine: SandboxRegistry
  /** The version string reported as `daemonVersion`. */
  version: string
}

const SORT_KEYS = ['name', 'cpu', 'memoryGib', 'diskGib', 'lastActivityAt', 'createdAt'] as const

/** The routes under `/api`. */
export function controlPlaneRoutes(deps: ControlPlaneDeps): Router {
  const { engine, version } = deps
  const dto = (host: SandboxBackend, ctx: RequestContext): SandboxDto => sandboxDto(host.info(), toolboxUrl(ctx), version)
  const find = (ctx: RequestContext): SandboxBackend => engine.get(ctx.params.id ?? '')
  const router = new Router()

  router.add('POST', '/sandbox', async (ctx) => {
    const body = await readObject(ctx.req)
    const host = await engine.create(createOptions(body))
    return ok(dto(host, ctx))
  })

  router.add('GET', '/sandbox', (ctx) => {
    const q = ctx.query
    const limit = queryNumber(q, 'limit')
    if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) throw badRequest('limit must be a positive integer', { limit })
    const cursor = queryString(q, 'cursor')
    const offset = cursor === undefined || cursor === '' ? 0 : Number(cursor)
    if (!Number.isInteger(offset) || offset < 0) throw badRequest('cursor is not one this server gave out', { cursor })
    const hosts = engine.list(listOptions(q)).filter((h) => h.state !== 'destroyed')
    const page = limit === undefined ? hosts.slice(offset) : hosts.slice(offset, offset + limit)
    const next = limit !== undefined && offset + limit < hosts.length ? String(offset + limit) : null
    return ok({ items: page.map((h) => sandboxListItem(h.info(), toolboxUrl(ctx), version)), nextCursor: next })
  })

  router.add('GET', '/sandbox/:id', (ctx) => ok(dto(find(ctx), ctx)))

  router.add('GET', '/sandbox/:id/toolbox-proxy-url', (ctx) => {
    find(ctx)
    return ok({ url: toolboxUrl(ctx) })
  })

  router.add('POST', '/sandbox/:id/start', async (ctx) => {
    const host = find(ctx)
    await host.start()
    return ok(dto(host, ctx))
  })

  router.add('POST', '/sandbox/:id/stop', async (ctx) => {
    const host = find(ctx)
    queryBool(ctx.query, 'force') // accepted; a stop is always immediate here
    await host.stop()
    // Ephemeral sandboxes (autoDeleteInterval 0) are deleted as they stop, as in Daytona.
    if (host.info().autoDeleteInterval === 0) await host.delete()
    return ok(dto(host, ctx))
  })

  router.add('POST', '/sandbox/:id/archive', async (ctx) => {
    const host = find(ctx)
    await host.archive()
    return ok(dto(host, ctx))
  })

  router.add('POST', '/sandbox/:id/recover', async (ctx) => {
    const host = find(ctx)
    await host.recover()
    return ok(dto(host, ctx))
  })

  router.add('DELETE', '/sandbox/:id', async (ctx) => {
    const host = find(ctx)
    await host.delete()
    return ok(dto(host, ctx))
  })

  router.add('PUT', '/sandbox/:id/labels', async (ctx) => {
    const host = find(ctx)
    const body = await readObject(ctx.req)
    const labels = optionalRecord(body, 'labels')
    if (labels === undefined) throw badRequest('labels is required')
    // As Daytona: the language label stays unless the caller sets it (codeRun reads it).
    const language = host.info().labels[LANGUAGE_LABEL]
    const next = language !== undefined && labels[LANGUAGE_LABEL] === undefined ? { ...labels, [LANGUAGE_LABEL]: language } : { ...labels }
    return ok({ labels: await host.setLabels(next) })
  })

  router.add('POST', '/sandbox/:id/fork', async (ctx) => {
    const host = find(ctx)
    const body = await readObject(ctx.req)
    const forked = await engine.fork(host, optionalString(body, 'name'))
    return ok(dto(forked, ctx))
  })

  router.add('POST', '/sandbox/:id/resize', async (ctx) => {
    const host = find(ctx)
    const body = await readObject(ctx.req)
    if (body.gpu !== undefined) throw badRequest('gpu cannot be resized')
    await engine.resize(host, { cpu: optionalNumber(body, 'cpu'), memory: optionalNumber(body, 'memory'), disk: optionalNumber(body, 'disk') })
    return ok(dto(host, ctx))
  })

  router.add('POST', '/sandbox/:id/last-activity', async (ctx) => {
    await find(ctx).refreshActivity()
    return ok()
  })

  const interval = (kind: 'autoStopInterval' | 'autoArchiveInterval' | 'autoDeleteInterval') => async (ctx: RequestContext) => {
    const host = find(ctx)
    const n = intParam(ctx.params.interval, kind)
    if (kind === 'autoDeleteInterval') await host.setInterval(kind, n < 0 ? -1 : n)
    else {
      if (n < 0) throw badRequest(`${kind} must be a non-negative integer`, { [kind]: n })
      await host.setInterval(kind, n)
    }
    return ok(dto(host, ctx))
  }
  router.add('POST', '/sandbox/:id/autostop/:interval', interval('autoStopInterval'))
  router.add('POST', '/sandbox/:id/autoarchive/:interval', interval('autoArchiveInterval'))
  router.add('POST', '/sandbox/:id/autodelete/:interval', interval('autoDeleteInterval'))
  router.add('POST', '/sandbox/:id/autopause/:interval', (ctx) => {
    const host = find(ctx)
    if (intParam(ctx.params.interval, 'autoPauseInterval') !== 0) {
      throw badRequest('auto-pause is for pausable (VM) sandbox classes; daylite sandboxes use auto-stop')
    }
    return ok(dto(host, ctx))
  })
  router.add('GET', '/sandbox/:id/ports/:port/preview-url', async (ctx) => {
    const host = find(ctx)
    const port = intParam(ctx.params.port, 'port')
    if (port < 1 || port > 65535) throw badRequest('port must be between 1 and 65535', { port })
    if (!host.previewLink) {
      throw notServed('preview links need a server listening on a port, which the WebAssembly engine cannot run (serve with --backend native, or use a remote Daytona)')
    }
    return ok(await host.previewLink(port, new URL(ctx.origin).hostname))
  })
  router.add('POST', '/sandbox/:id/pause', (ctx) => {
    find(ctx)
    throw notServed('pause is for pausable (VM) sandbox classes; daylite sandboxes stop instead (their files are kept)')
  })

  return router
}

/** The toolbox base every DTO carries: this server, as the client addressed it. */
export function toolboxUrl(ctx: RequestContext): string {
  return `${ctx.origin}/toolbox`
}

/** Daytona's CreateSandbox body → the engine's create options. */
function createOptions(body: Record<string, unknown>): CreateOptions {
  const labels = optionalRecord(body, 'labels') ?? {}
  const volumes = body.volumes
  if (Array.isArray(volumes) && volumes.length > 0) {
    throw new SandboxError(SandboxErrorCode.UNSUPPORTED, 'volumes are not available in daylite yet')
  }
  const autoPause = optionalNumber(body, 'autoPauseInterval')
  if (autoPause) throw badRequest('autoPauseInterval is only for pausable (VM) sandbox classes')
  const isPublic = body.public
  if (isPublic !== undefined && isPublic !== null && typeof isPublic !== 'boolean') throw badRequest('public must be a boolean')
  const networkBlockAll = body.networkBlockAll
  if (networkBlockAll !== undefined && networkBlockAll !== null && typeof networkBlockAll !== 'boolean') throw badRequest('networkBlockAll must be a boolean')
  const buildInfo = body.buildInfo
  let dockerfile: string | undefined
  if (buildInfo !== undefined && buildInfo !== null) {
    if (typeof buildInfo !== 'object') throw badRequest('buildInfo must be an object')
    dockerfile = optionalString(buildInfo as Record<string, unknown>, 'dockerfileContent')
  }
  const opts: CreateOptions = {
    name: optionalString(body, 'name'),
    user: optionalString(body, 'user'),
    language: labels[LANGUAGE_LABEL],
    env: optionalRecord(body, 'env'),
    labels,
    public: isPublic === true,
    snapshot: optionalString(body, 'snapshot'),
    resources: { cpu: optionalNumber(body, 'cpu'), memory: optionalNumber(body, 'memory'), disk: optionalNumber(body, 'disk'), gpu: optionalNumber(body, 'gpu') },
    autoStopInterval: optionalNumber(body, 'autoStopInterval'),
    autoArchiveInterval: optionalNumber(body, 'autoArchiveInterval'),
    autoDeleteInterval: optionalNumber(body, 'autoDeleteInterval'),
    networkBlockAll: networkBlockAll === true,
    networkAllowList: optionalString(body, 'networkAllowList'),
    domainAllowList: optionalString(body, 'domainAllowList'),
  }
  if (dockerfile !== undefined) opts.dockerfile = dockerfile
  return opts
}

/** The list query (repeated keys for arrays, `labels` as a JSON string) → the engine's filters. */
function listOptions(q: URLSearchParams): ListOptions {
  const opts: ListOptions = {}
  const id = queryString(q, 'id')
  if (id !== undefined) opts.id = id
  const name = queryString(q, 'name')
  if (name !== undefined) opts.name = name
  const labels = queryString(q, 'labels')
  if (labels !== undefined && labels !== '') {
    let parsed: unknown
    try {
      parsed = JSON.parse(labels)
    } catch {
      throw badRequest('labels must be a JSON object of strings', { labels })
    }
    opts.labels = optionalRecord({ labels: parsed }, 'labels')
  }
  opts.states = queryList(q, 'states')
  opts.snapshots = queryList(q, 'snapshots')
  opts.minCpu = queryNumber(q, 'minCpu')
  opts.maxCpu = queryNumber(q, 'maxCpu')
  opts.minMemoryGib = queryNumber(q, 'minMemoryGiB') ?? queryNumber(q, 'minMemoryGib')
  opts.maxMemoryGib = queryNumber(q, 'maxMemoryGiB') ?? queryNumber(q, 'maxMemoryGib')
  opts.minDiskGib = queryNumber(q, 'minDiskGiB') ?? queryNumber(q, 'minDiskGib')
  opts.maxDiskGib = queryNumber(q, 'maxDiskGiB') ?? queryNumber(q, 'maxDiskGib')
  opts.isPublic = queryBool(q, 'isPublic')
  opts.isRecoverable = queryBool(q, 'isRecoverable')
  opts.createdAtAfter = queryDate(q, 'createdAtAfter')
  opts.createdAtBefore = queryDate(q, 'createdAtBefore')
  opts.lastActivityAfter = queryDate(q, 'lastEventAfter') ?? queryDate(q, 'lastActivityAfter')
  opts.lastActivityBefore = queryDate(q, 'lastEventBefore') ?? queryDate(q, 'lastActivityBefore')
  const sort = queryString(q, 'sort')
  if (sort !== undefined && sort !== '') {
    if (!(SORT_KEYS as readonly string[]).includes(sort)) throw badRequest(`sort must be one of ${SORT_KEYS.join(', ')}`, { sort })
    opts.sort = sort as ListOptions['sort']
  }
  const order = queryString(q, 'order')
  if (order !== undefined && order !== '') {
    if (order !== 'asc' && order !== 'desc') throw badRequest('order must be asc or desc', { order })
    opts.order = order
  }
  return opts
}
