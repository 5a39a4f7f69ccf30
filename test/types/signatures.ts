/**
 * Method by method, daylite's public methods must be assignable to `@daytonaio/sdk` 0.218's for
 * everything implemented (checked by `tsc --noEmit`, part of `npm test`). Methods that return a
 * Sandbox compare parameters only, because the SDK's Sandbox class has private members.
 */
import type * as Sdk from '@daytonaio/sdk'
import type * as Ours from '../../src/index.js'

type Assert<T extends true> = T
type Assignable<A, B> = [A] extends [B] ? true : false
type ParamsOf<F> = F extends (...args: infer P) => unknown ? P : never

/** Methods of FileSystem this engine implements. */
export type FsMethods =
  | 'createFolder'
  | 'deleteFile'
  | 'downloadFile'
  | 'downloadFiles'
  | 'findFiles'
  | 'getFileDetails'
  | 'listFiles'
  | 'moveFiles'
  | 'replaceInFiles'
  | 'searchFiles'
  | 'setFilePermissions'
  | 'uploadFile'
  | 'uploadFiles'
  | 'downloadFileStream'
  | 'uploadFileStream'
export type FsCheck = Assert<Assignable<Pick<Ours.FileSystem, FsMethods>, Pick<Sdk.FileSystem, FsMethods>>>

/** Methods of Process this engine implements. */
export type ProcessMethods =
  | 'executeCommand'
  | 'codeRun'
  | 'createSession'
  | 'getSession'
  | 'getSessionCommand'
  | 'executeSessionCommand'
  | 'getSessionCommandLogs'
  | 'sendSessionCommandInput'
  | 'listSessions'
  | 'deleteSession'
export type ProcessCheck = Assert<Assignable<Pick<Ours.Process, ProcessMethods>, Pick<Sdk.Process, ProcessMethods>>>

/** Methods of Sandbox this engine implements (other than fork). */
export type SandboxMethods =
  | 'getUserHomeDir'
  | 'getUserRootDir'
  | 'getWorkDir'
  | 'setLabels'
  | 'start'
  | 'recover'
  | 'stop'
  | 'delete'
  | 'waitUntilStarted'
  | 'waitUntilStopped'
  | 'refreshData'
  | 'refreshActivity'
  | 'setAutostopInterval'
  | 'setAutoArchiveInterval'
  | 'setAutoDeleteInterval'
  | 'updateEnv'
  | 'archive'
  | 'resize'
  | 'waitForResizeComplete'
export type SandboxCheck = Assert<Assignable<Pick<Ours.Sandbox, SandboxMethods>, Pick<Sdk.Sandbox, SandboxMethods>>>
export type SandboxForkCheck = Assert<Assignable<ParamsOf<Sdk.Sandbox['fork']>, ParamsOf<Ours.Sandbox['fork']>>>

/** Methods of Git (all of them). */
export type GitMethods =
  | 'add'
  | 'branches'
  | 'createBranch'
  | 'deleteBranch'
  | 'checkoutBranch'
  | 'clone'
  | 'commit'
  | 'push'
  | 'pull'
  | 'status'
  | 'init'
  | 'reset'
  | 'restore'
  | 'remoteAdd'
  | 'remotes'
  | 'remoteGet'
  | 'setConfig'
  | 'getConfig'
  | 'configureUser'
  | 'dangerouslyAuthenticate'
export type GitCheck = Assert<Assignable<Pick<Ours.Git, GitMethods>, Pick<Sdk.Git, GitMethods>>>
/** `sandbox.git` is there with the SDK's methods. */
export type SandboxGitCheck = Assert<Assignable<Pick<Ours.Sandbox['git'], GitMethods>, Pick<Sdk.Sandbox['git'], GitMethods>>>

/** Data fields of Sandbox. */
export type SandboxFields = 'id' | 'name' | 'organizationId' | 'user' | 'labels' | 'public' | 'target' | 'cpu' | 'gpu' | 'memory' | 'disk' | 'state' | 'env' | 'createdAt' | 'updatedAt'
export type SandboxFieldCheck = Assert<Assignable<Pick<Ours.Sandbox, SandboxFields>, Pick<Sdk.Sandbox, SandboxFields>>>

/** Daytona methods: parameters accepted by the SDK are accepted by daylite. */
export type DaytonaCreateCheck = Assert<Assignable<Sdk.CreateSandboxFromSnapshotParams, Ours.CreateSandboxFromSnapshotParams>>
// The SDK's Image is a class with private members; code that swaps the import uses daylite's Image.
export type DaytonaCreateImageCheck = Assert<Assignable<Omit<Sdk.CreateSandboxFromImageParams, 'image'>, Omit<Ours.CreateSandboxFromImageParams, 'image'>>>
export type DaytonaGetCheck = Assert<Assignable<ParamsOf<Sdk.Daytona['get']>, ParamsOf<Ours.Daytona['get']>>>
export type DaytonaListCheck = Assert<Assignable<ParamsOf<Sdk.Daytona['list']>, ParamsOf<Ours.Daytona['list']>>>
export type DaytonaStartCheck = Assert<Assignable<ParamsOf<Sdk.Daytona['start']>[1], ParamsOf<Ours.Daytona['start']>[1]>>
export type DaytonaDeleteCheck = Assert<Assignable<ParamsOf<Sdk.Daytona['delete']>[1], ParamsOf<Ours.Daytona['delete']>[1]>>
