const orders = [
  { id: 1, customer: 'alice', items: [{ sku: 'A', qty: 2, price: 9.5 }, { sku: 'B', qty: 1, price: 20 }] },
  { id: 2, customer: 'bob', items: [{ sku: 'A', qty: 1, price: 9.5 }] },
  { id: 3, customer: 'alice', items: [{ sku: 'C', qty: 5, price: 1.25 }] },
  { id: 4, customer: 'carol', items: [] },
]
const totals = {}
for (const o of orders) {
  const sum = o.items.reduce((s, i) => s + i.qty * i.price, 0)
  totals[o.customer] = (totals[o.customer] ?? 0) + sum
}
console.log(totals)
const ranked = Object.entries(totals).sort((a, b) => b[1] - a[1])
ranked.forEach(([name, total], i) => console.log(`${i + 1}. ${name.padEnd(8)} $${total.toFixed(2).padStart(8)}`))
const bySku = orders.flatMap((o) => o.items).reduce((acc, i) => ((acc[i.sku] ??= []).push(i.qty), acc), {})
console.log(JSON.stringify(bySku))
console.log(JSON.stringify(orders[0], null, 2))
console.log(JSON.stringify({ date: new Date(0), undef: undefined, fn() {}, nested: { arr: [1, undefined] } }))
console.log(JSON.parse('{"a":[1,2,{"b":null}]}', (k, v) => (typeof v === 'number' ? v * 10 : v)))
const grouped = orders.reduce((acc, o) => ((acc[o.items.length > 1 ? 'multi' : 'single'] ??= []).push(o.id), acc), {})
console.log(grouped)
