// @ts-nocheck -- scripts as agents write them; nothing is type-checked (like ts-node -T)
interface User {
  id: number
  name: string
  email?: string
}
type Role = 'admin' | 'user'
enum Status {
  Active = 'ACTIVE',
  Inactive = 'INACTIVE',
}
enum Level {
  Low,
  Mid = 5,
  High,
}
namespace Geometry {
  export const unit = 1
  export function area(w: number, h: number): number {
    return w * h
  }
}
class Repository<T extends { id: number }> {
  private items: T[] = []
  constructor(private readonly label: string) {}
  add(item: T): this {
    this.items.push(item)
    return this
  }
  find(id: number): T | undefined {
    return this.items.find((i) => i.id === id)
  }
  get size(): number {
    return this.items.length
  }
  describe(): string {
    return `${this.label}: ${this.size}`
  }
}
function first<T>(xs: readonly T[]): T | undefined {
  return xs[0]
}
const repo = new Repository<User>('users')
repo.add({ id: 1, name: 'Ada' }).add({ id: 2, name: 'Linus', email: 'l@k.org' })
const role: Role = 'admin'
const n = 6 as number
console.log(repo.describe(), repo.find(2)?.email, first([3, 2, 1]), role, n * 7)
console.log(Status.Active, Level.High, Level[5], Geometry.area(3, 4), Geometry.unit)
const maybe: string | null = null
console.log(maybe ?? 'fallback', (repo.find(9) as User | undefined)?.name)
const tuple: [string, number] = ['age', 42]
console.log(tuple, <number>(<unknown>'x') === 'x')
abstract class Shape {
  abstract area(): number
  toString(): string {
    return `${this.constructor.name}(${this.area()})`
  }
}
class Square extends Shape {
  constructor(public side: number) {
    super()
  }
  area() {
    return this.side ** 2
  }
}
console.log(String(new Square(3)), new Square(2))
declare const undeclaredGlobal: string
export {}
