function quickSort(arr) {
  if (arr.length <= 1) return arr
  const [pivot, ...rest] = arr
  return [...quickSort(rest.filter((x) => x < pivot)), pivot, ...quickSort(rest.filter((x) => x >= pivot))]
}
function binarySearch(arr, target) {
  let lo = 0
  let hi = arr.length - 1
  while (lo <= hi) {
    const mid = (lo + hi) >> 1
    if (arr[mid] === target) return mid
    if (arr[mid] < target) lo = mid + 1
    else hi = mid - 1
  }
  return -1
}
const data = [38, 27, 43, 3, 9, 82, 10, 3, 55, 1]
const sorted = quickSort(data)
console.log(sorted, binarySearch(sorted, 43), binarySearch(sorted, 44))
const memo = new Map()
const fib = (n) => (n < 2 ? n : memo.get(n) ?? (memo.set(n, fib(n - 1) + fib(n - 2)), memo.get(n)))
console.log(fib(50), fib(90))
let primes = []
for (let n = 2; primes.length < 15; n++) if (primes.every((p) => n % p !== 0)) primes.push(n)
console.log(primes)
const matrix = [[1, 2], [3, 4]]
const mul = (A, B) => A.map((row) => B[0].map((_, j) => row.reduce((s, v, k) => s + v * B[k][j], 0)))
console.log(mul(matrix, matrix))
let sum = 0
for (let i = 0; i < 1e6; i++) sum += i % 7
console.log('sum', sum)
console.log([5, 1, 10, 2].sort(), [5, 1, 10, 2].sort((a, b) => a - b), [3, 1, 2].toSorted(), [1, 2, 3].toReversed())
const words = ['banana', 'Apple', 'cherry']
console.log(words.sort(), [...new Set([1, 2, 2, 3, 3, 3])])
