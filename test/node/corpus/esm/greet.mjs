// greet module
export default function greet(who) {
  return `hi, ${who}`
}
export const shout = (s) => s.toUpperCase() + '!'
