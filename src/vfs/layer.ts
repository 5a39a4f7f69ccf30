/**
 * Frozen, read-only inode tables (base images and snapshots), shared by any number of {@link Vfs}
 * instances. Nothing ever mutates a layer's inodes: a Vfs copies an inode up into its own table
 * before changing it.
 */
import { FROZEN, Inode, ROOT_INO, S_IFDIR } from './inode.js'
import { KIND_LAYER, checkTree, decode, encode } from './serialize.js'
import type { Vfs } from './vfs.js'

let tableOf: (layer: Layer) => ReadonlyMap<number, Inode>
let nextInoOf: (layer: Layer) => number
let makeLayer: (inodes: ReadonlyMap<number, Inode>, nextIno: number, id: string | undefined) => Layer

let emptyLayer: Layer | undefined

/** Options of {@link Layer.fromVfs}. */
export interface LayerOptions {
  /**
   * An explicit id (e.g. `python-stdlib@3.12.1`). Without one, the id is a hash of the layer's
   * serialised content, computed on first use.
   */
  id?: string
}

/**
 * A frozen inode table: the read-only lower layer of a {@link Vfs}.
 *
 * @example
 * ```ts
 * const base = createBaseLayer()
 * const a = new Vfs(base), b = new Vfs(base) // O(1), nothing copied
 * const snap = Layer.fromVfs(a)               // flatten a into a new shareable layer
 * ```
 */
export class Layer {
  #inodes: ReadonlyMap<number, Inode>
  #nextIno: number
  #id: string | undefined
  #explicit: boolean

  static {
    tableOf = (layer) => layer.#inodes
    nextInoOf = (layer) => layer.#nextIno
    makeLayer = (inodes, nextIno, id) => new Layer(inodes, nextIno, id)
  }

  private constructor(inodes: ReadonlyMap<number, Inode>, nextIno: number, id: string | undefined) {
    this.#inodes = inodes
    this.#nextIno = nextIno
    this.#id = id
    this.#explicit = id !== undefined
  }

  /** The layer with only an empty root directory (mode 0755, owned by root). Id `empty`. */
  static empty(): Layer {
    if (emptyLayer === undefined) {
      const root = new Inode(ROOT_INO, S_IFDIR | 0o755, 0, 0, 0, FROZEN)
      root.nlink = 2
      root.entries = new Map()
      root.parent = ROOT_INO
      emptyLayer = new Layer(new Map([[ROOT_INO, root]]), ROOT_INO + 1, 'empty')
    }
    return emptyLayer
  }

  /**
   * Flattens `vfs` (its upper layer over its base) into a new frozen layer, in O(reachable inodes)
   * and without copying file bytes. `vfs` stays usable; later writes to it copy first.
   */
  static fromVfs(vfs: Vfs, options?: LayerOptions): Layer {
    return vfs.toLayer(options)
  }

  /** Reads a layer produced by {@link Layer.serialize}; file contents are views into `bytes`. */
  static deserialize(bytes: Uint8Array): Layer {
    const d = decode(bytes, FROZEN, KIND_LAYER)
    checkTree(d.inodes, new Map())
    return new Layer(d.inodes, d.nextIno, d.id)
  }

  /**
   * A stable id: the explicit id given at creation, else `h:` + a 64-bit hash of the serialised
   * content (same content, same id).
   */
  get id(): string {
    if (this.#id === undefined) this.serialize()
    return this.#id ?? ''
  }

  /** Number of inodes in the layer. */
  get inodeCount(): number {
    return this.#inodes.size
  }

  /** The whole layer as bytes (see `serialize.ts` for the format). Deterministic. */
  serialize(): Uint8Array {
    const inodes = Array.from(this.#inodes.values()).sort((a, b) => a.ino - b.ino)
    const { bytes, id } = encode({
      kind: KIND_LAYER,
      inodes,
      nextIno: this.#nextIno,
      id: this.#explicit ? this.#id : undefined,
    })
    this.#id = id
    return bytes
  }
}

/** @internal The inode table of a layer (read only). */
export function layerTable(layer: Layer): ReadonlyMap<number, Inode> {
  return tableOf(layer)
}

/** @internal The first inode number a Vfs over this layer may allocate. */
export function layerNextIno(layer: Layer): number {
  return nextInoOf(layer)
}

/** @internal Wraps a table as a layer; the caller guarantees nobody mutates these inodes again. */
export function newLayer(inodes: ReadonlyMap<number, Inode>, nextIno: number, id: string | undefined): Layer {
  return makeLayer(inodes, nextIno, id)
}
