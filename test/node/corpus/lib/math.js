const PI = 3.14159
function area(r) {
  return PI * r * r
}
module.exports = { PI, area, loadedAt: 'math' }
