#!/usr/bin/env node
// a script with a shebang line, run by path
console.log('shebang script ran with', process.argv.slice(2).length, 'args')
