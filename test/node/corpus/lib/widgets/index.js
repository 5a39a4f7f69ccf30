const { area } = require('../math')
module.exports = function makeWidget(r) {
  return { kind: 'widget', area: Number(area(r).toFixed(2)), dir: require('path').basename(__dirname) }
}
