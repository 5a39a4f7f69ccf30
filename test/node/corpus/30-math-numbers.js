console.log(Math.max(3, 7, 2), Math.min(), Math.round(2.5), Math.round(-2.5), Math.trunc(-4.7), Math.sign(-3))
console.log(Math.sqrt(2), Math.PI.toFixed(4), Math.hypot(3, 4), Math.cbrt(27), Math.log2(1024))
console.log((1234.5678).toFixed(2), (0.000001234).toPrecision(2), (255).toString(16), (255).toString(2), parseInt('ff', 16))
console.log(Number('12px'), parseFloat('12.5px'), Number.isInteger(5.0), Number.isSafeInteger(2 ** 53), Number.EPSILON > 0)
console.log(0.1 + 0.2 === 0.3, Math.abs(0.1 + 0.2 - 0.3) < Number.EPSILON)
console.log(2n ** 64n, BigInt(Number.MAX_SAFE_INTEGER) + 2n, 10n / 3n, -7n % 3n)
console.log(1 / 0, -1 / 0, 0 / 0, typeof NaN, [NaN].includes(NaN), [NaN].indexOf(NaN))
console.log((123.456).toExponential(2), Number.MAX_SAFE_INTEGER, Number.MIN_VALUE)
const avg = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length
const nums = [2, 4, 4, 4, 5, 5, 7, 9]
const mean = avg(nums)
console.log('mean', mean, 'stddev', Math.sqrt(avg(nums.map((x) => (x - mean) ** 2))))
console.log(5 % 3, -5 % 3, 2 ** 10, 7 / 2 | 0, ~~-3.7, 1 << 31, 1 >>> 0, -1 >>> 28)
