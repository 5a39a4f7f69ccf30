// @ts-nocheck -- scripts as agents write them; nothing is type-checked (like ts-node -T)
import Vector, { distance, ORIGIN, type Point } from './esm/ts-helper'
import { readFileSync } from 'fs'
import * as path from 'path'
const p: Point = { x: 3, y: 4 }
console.log(distance(p, ORIGIN), new Vector(6, 8).len())
console.log(path.basename(__filename), typeof require, readFileSync(__filename, 'utf8').split('\n')[0])
const pairs: Array<[string, number]> = Object.entries({ a: 1, b: 2 })
for (const [k, v] of pairs) console.log(`${k} -> ${v}`)
async function later<T>(v: T): Promise<T> {
  return v
}
later<string>('async ts').then((v) => console.log(v))
