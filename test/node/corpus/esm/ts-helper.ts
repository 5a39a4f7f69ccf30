// @ts-nocheck -- scripts as agents write them; nothing is type-checked (like ts-node -T)
export interface Point {
  x: number
  y: number
}
export function distance(a: Point, b: Point): number {
  return Math.hypot(a.x - b.x, a.y - b.y)
}
export const ORIGIN: Point = { x: 0, y: 0 }
export default class Vector implements Point {
  constructor(public x: number, public y: number) {}
  len(): number {
    return distance(this, ORIGIN)
  }
}
