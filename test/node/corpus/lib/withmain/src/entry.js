module.exports = { from: 'package main', file: require('path').basename(__filename) }
