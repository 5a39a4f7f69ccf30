export const square = (x) => x * x
export function cube(x) {
  return x * x * x
}
export const UNIT = 1
