/**
 * The engine's sandbox data in the shapes of Daytona's control-plane API (`Sandbox` and the list
 * item), as `@daytona/api-client` 0.218 reads them.
 */
import type { SandboxInfo } from '../engine/sandbox-host.js'

/** Daytona's Sandbox DTO (the fields daylite has). */
export interface SandboxDto {
  id: string
  organizationId: string
  name: string
  snapshot?: string
  user: string
  env?: Record<string, string>
  labels: Record<string, string>
  public: boolean
  networkBlockAll: boolean
  networkAllowList?: string
  domainAllowList?: string
  target: string
  cpu: number
  gpu: number
  memory: number
  disk: number
  state: string
  desiredState: string
  errorReason?: string
  recoverable?: boolean
  backupState: string
  autoStopInterval: number
  autoPauseInterval: number
  autoArchiveInterval: number
  autoDeleteInterval: number
  volumes?: unknown[]
  buildInfo?: { dockerfileContent: string }
  createdAt: string
  updatedAt: string
  lastActivityAt: string
  sandboxClass: string
  daemonVersion: string
  toolboxProxyUrl: string
}

/** The organisation every local sandbox belongs to. */
export const LOCAL_ORGANIZATION = 'local'
/** The target (region) of every local sandbox. */
export const LOCAL_TARGET = 'local'

const DESIRED: Record<string, string> = { started: 'started', stopped: 'stopped', archived: 'archived', destroyed: 'destroyed', error: 'started' }

/** The full DTO (`GET /sandbox/{id}`, create, start, stop…). */
export function sandboxDto(info: SandboxInfo, toolboxProxyUrl: string, daemonVersion: string): SandboxDto {
  const dto: SandboxDto = {
    id: info.id,
    organizationId: LOCAL_ORGANIZATION,
    name: info.name,
    user: info.user,
    env: info.env,
    labels: info.labels,
    public: info.public,
    networkBlockAll: info.networkBlockAll,
    target: LOCAL_TARGET,
    cpu: info.cpu,
    gpu: info.gpu,
    memory: info.memory,
    disk: info.disk,
    state: info.state,
    desiredState: DESIRED[info.state] ?? info.state,
    backupState: 'None',
    autoStopInterval: info.autoStopInterval,
    autoPauseInterval: 0,
    autoArchiveInterval: info.autoArchiveInterval,
    autoDeleteInterval: info.autoDeleteInterval,
    volumes: [],
    createdAt: info.createdAt,
    updatedAt: info.updatedAt,
    lastActivityAt: info.lastActivityAt,
    sandboxClass: 'container',
    daemonVersion,
    toolboxProxyUrl,
  }
  if (info.snapshot !== undefined) dto.snapshot = info.snapshot
  if (info.networkAllowList !== undefined) dto.networkAllowList = info.networkAllowList
  if (info.domainAllowList !== undefined) dto.domainAllowList = info.domainAllowList
  if (info.errorReason !== undefined) dto.errorReason = info.errorReason
  if (info.recoverable !== undefined) dto.recoverable = info.recoverable
  if (info.buildInfo !== undefined) dto.buildInfo = info.buildInfo
  return dto
}

/** A list item: the DTO without `env`, `volumes` and `buildInfo`, as Daytona's list endpoint. */
export function sandboxListItem(info: SandboxInfo, toolboxProxyUrl: string, daemonVersion: string): SandboxDto {
  const dto = sandboxDto(info, toolboxProxyUrl, daemonVersion)
  delete dto.env
  delete dto.volumes
  delete dto.buildInfo
  return dto
}
