class Animal {
  #secret = 'hidden'
  static count = 0
  constructor(name, sound) {
    this.name = name
    this.sound = sound
    Animal.count++
  }
  speak() {
    return `${this.name} says ${this.sound}`
  }
  get description() {
    return `An animal called ${this.name}`
  }
  reveal() {
    return this.#secret
  }
}
class Dog extends Animal {
  constructor(name) {
    super(name, 'woof')
    this.tricks = []
  }
  learn(trick) {
    this.tricks.push(trick)
    return this
  }
  speak() {
    return super.speak() + '!'
  }
}
const d = new Dog('Rex').learn('sit').learn('roll')
console.log(d.speak(), d.description, d.reveal())
console.log(d)
console.log(Animal.count, d instanceof Animal, Object.getPrototypeOf(d) === Dog.prototype)
console.log([new Animal('Cat', 'meow')])
console.log(Dog, Animal.name, typeof Dog)
class Point {
  constructor(x, y) { this.x = x; this.y = y }
  toString() { return `(${this.x}, ${this.y})` }
}
console.log(`${new Point(1, 2)}`, String(new Point(3, 4)), new Point(5, 6))
