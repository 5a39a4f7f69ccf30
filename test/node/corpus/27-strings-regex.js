const text = 'The quick brown fox jumps over the lazy dog. The dog sleeps.'
console.log(text.split(' ').length, text.toUpperCase().slice(0, 9), text.replaceAll('dog', 'cat'))
console.log([...text.matchAll(/\b(\w)(\w*)\b/g)].slice(0, 3).map((m) => m[1] + '|' + m[2]))
const m = /(?<year>\d{4})-(?<month>\d{2})-(?<day>\d{2})/.exec('Date: 2024-03-15')
console.log(m.groups.year, m.groups.month, m.index)
console.log('a,b;;c'.split(/[,;]+/), 'x'.padStart(5, '-'), 'x'.padEnd(3, '*') + '|')
console.log('  trim me  '.trim() + '|', 'abc'.at(-1), 'abc'.codePointAt(1), String.fromCodePoint(128512))
const counts = {}
for (const w of text.toLowerCase().match(/\w+/g)) counts[w] = (counts[w] || 0) + 1
console.log(Object.entries(counts).filter(([, n]) => n > 1))
console.log('camelCaseString'.replace(/([A-Z])/g, '_$1').toLowerCase())
console.log(/^[\w.+-]+@\w+\.\w{2,}$/.test('a.b+c@example.com'), 'aaa'.lastIndexOf('a'))
console.log('Straße'.normalize('NFD').length, 'é'.normalize('NFD').length, '😀'.length, [...'😀'].length)
console.log(`multi
line`, String.raw`a\nb`, 'tab\there')
