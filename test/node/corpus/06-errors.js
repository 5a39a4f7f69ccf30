class ValidationError extends Error {
  constructor(field, message) {
    super(message)
    this.name = 'ValidationError'
    this.field = field
  }
}
function validate(user) {
  if (!user.email) throw new ValidationError('email', 'Email is required')
  return true
}
try {
  validate({})
} catch (err) {
  console.log(err instanceof ValidationError, err instanceof Error, err.name, err.field, err.message)
  console.log(String(err))
}
try {
  null.foo
} catch (err) {
  console.log(err.constructor.name, err instanceof TypeError)
}
try {
  undefinedFunction()
} catch (err) {
  console.log(err.name, err.message)
}
try {
  JSON.parse('{bad json}')
} catch (err) {
  console.log(err.name)
}
const wrapped = new Error('outer', { cause: new Error('inner') })
console.log(wrapped.message, wrapped.cause.message)
const agg = new AggregateError([new Error('a'), new Error('b')], 'many')
console.log(agg.name, agg.message, agg.errors.length)
function risky(n) {
  if (n > 2) throw new RangeError(`n too big: ${n}`)
  return n
}
const results = [1, 2, 3].map((n) => {
  try {
    return risky(n)
  } catch (e) {
    return e.message
  }
})
console.log(results)
try { throw 'plain string' } catch (e) { console.log(typeof e, e) }
