// A small Intl for QuickJS (which has none): NumberFormat (decimal, percent, currency, compact,
// grouping and fraction digits; en and a few European separators), DateTimeFormat (UTC only;
// en-US patterns, dateStyle/timeStyle, ISO-like sv-SE/en-CA dates), Collator and localeCompare
// (an approximation of the Unicode root collation: punctuation < digits < letters, case and
// accents as tie-breakers, optional numeric), PluralRules, RelativeTimeFormat, ListFormat,
// Segmenter. Installed on globalThis.Intl with Number/BigInt/Date/String/Array toLocale* methods.

const DEFAULT_LOCALE = 'en-US'

function canonical(locales) {
  const l = Array.isArray(locales) ? locales[0] : locales
  if (l === undefined || l === null) return DEFAULT_LOCALE
  if (typeof l !== 'string' && !(l instanceof Object)) throw new TypeError('Incorrect locale information provided')
  const s = String(l).replace('_', '-')
  if (!/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(s)) throw new RangeError(`Incorrect locale information provided`)
  const parts = s.split('-')
  parts[0] = parts[0].toLowerCase()
  for (let i = 1; i < parts.length; i++) parts[i] = parts[i].length === 2 ? parts[i].toUpperCase() : parts[i]
  return parts.join('-')
}

function language(locale) {
  return locale.split('-')[0]
}

// [group, decimal, minimumGroupingDigits]
function separators(locale) {
  switch (language(locale)) {
    case 'de': case 'it': case 'nl': case 'id': case 'tr': case 'da': case 'el':
      return ['.', ',', 1]
    case 'es':
      return ['.', ',', 2]
    case 'pt':
      return locale === 'pt-PT' ? ['\u00a0', ',', 2] : ['.', ',', 1]
    case 'fr':
      return ['\u202f', ',', 1]
    case 'ru': case 'uk': case 'pl': case 'cs': case 'sv': case 'fi': case 'nb': case 'no':
      return ['\u00a0', ',', language(locale) === 'pl' ? 2 : 1]
    case 'de-CH':
      return ['’', '.', 1]
    default:
      return [',', '.', 1]
  }
}

const CURRENCY_SYMBOLS = { USD: '$', EUR: '€', GBP: '£', JPY: '¥', CNY: 'CN¥', INR: '₹', KRW: '₩', BRL: 'R$', CAD: 'CA$', AUD: 'A$', MXN: 'MX$', CHF: 'CHF', RUB: 'RUB', ILS: '₪', VND: '₫', TWD: 'NT$', NZD: 'NZ$', HKD: 'HK$', PHP: '₱' }
const CURRENCY_DIGITS = { JPY: 0, KRW: 0, VND: 0, CLP: 0, ISK: 0 }
const CURRENCY_NAMES = { USD: ['US dollar', 'US dollars'], EUR: ['euro', 'euros'], GBP: ['British pound', 'British pounds'], JPY: ['Japanese yen', 'Japanese yen'] }

function groupDigits(int, group, minGrouping, style) {
  if (int.length < 4 || int.length < 3 + minGrouping) return int
  if (style === 'indian' && int.length > 3) {
    const last = int.slice(-3)
    let rest = int.slice(0, -3)
    const out = []
    while (rest.length > 2) {
      out.unshift(rest.slice(-2))
      rest = rest.slice(0, -2)
    }
    if (rest) out.unshift(rest)
    return out.join(group) + group + last
  }
  let out = ''
  for (let i = int.length; i > 0; i -= 3) out = int.slice(Math.max(0, i - 3), i) + (out ? group + out : '')
  return out
}

function toFixedDigits(abs, minFrac, maxFrac) {
  let s
  if (abs >= 1e21) s = BigInt(Math.round(abs)).toString()
  else s = abs.toFixed(maxFrac)
  if (s.includes('.')) {
    let [i, f] = s.split('.')
    while (f.length > minFrac && f.endsWith('0')) f = f.slice(0, -1)
    return f.length ? `${i}.${f}` : i
  }
  return minFrac > 0 ? `${s}.${'0'.repeat(minFrac)}` : s
}

function toSignificant(abs, minSig, maxSig) {
  if (abs === 0) return minSig > 1 ? `0.${'0'.repeat(minSig - 1)}` : '0'
  let s = Number(abs.toPrecision(maxSig)).toString()
  if (s.includes('e')) s = Number(abs.toPrecision(maxSig)).toFixed(Math.max(0, maxSig - 1 - Math.floor(Math.log10(abs))))
  const digits = s.replace('.', '').replace(/^0+/, '').length
  if (digits < minSig) {
    const need = minSig - digits
    s = s.includes('.') ? s + '0'.repeat(need) : `${s}.${'0'.repeat(need)}`
  }
  if (s.includes('.') && digits > minSig) s = s.replace(/\.?0+$/, (m) => (m.startsWith('.') ? '' : '')) || s
  return s
}

export class NumberFormat {
  #locale
  #o
  constructor(locales, options = {}) {
    this.#locale = canonical(locales)
    const style = options.style ?? 'decimal'
    const currency = options.currency?.toUpperCase()
    if (style === 'currency' && !currency) throw new TypeError('Currency code is required with currency style.')
    const cDigits = currency ? CURRENCY_DIGITS[currency] ?? 2 : 0
    let minFrac = options.minimumFractionDigits
    let maxFrac = options.maximumFractionDigits
    const dfltMin = style === 'currency' ? cDigits : 0
    const dfltMax = style === 'currency' ? cDigits : style === 'percent' ? 0 : 3
    if (minFrac === undefined && maxFrac === undefined) {
      minFrac = dfltMin
      maxFrac = dfltMax
    } else if (minFrac === undefined) minFrac = Math.min(dfltMin, maxFrac)
    else if (maxFrac === undefined) maxFrac = Math.max(dfltMax, minFrac)
    if (minFrac > maxFrac) throw new RangeError('maximumFractionDigits value is out of range.')
    this.#o = {
      locale: this.#locale,
      numberingSystem: 'latn',
      style,
      currency,
      currencyDisplay: options.currencyDisplay ?? 'symbol',
      unit: options.unit,
      unitDisplay: options.unitDisplay ?? 'short',
      minimumIntegerDigits: options.minimumIntegerDigits ?? 1,
      minimumFractionDigits: minFrac,
      maximumFractionDigits: maxFrac,
      minimumSignificantDigits: options.minimumSignificantDigits ?? (options.maximumSignificantDigits !== undefined ? 1 : undefined),
      maximumSignificantDigits: options.maximumSignificantDigits ?? (options.minimumSignificantDigits !== undefined ? 21 : undefined),
      useGrouping: options.useGrouping === undefined ? (options.notation === 'compact' ? 'min2' : 'auto') : options.useGrouping === false ? false : options.useGrouping === true ? 'always' : options.useGrouping,
      notation: options.notation ?? 'standard',
      compactDisplay: options.compactDisplay ?? 'short',
      signDisplay: options.signDisplay ?? 'auto',
      roundingMode: 'halfExpand',
    }
  }
  resolvedOptions() {
    const o = { ...this.#o }
    for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k]
    return o
  }
  format = (value) => this.formatToParts(value).map((p) => p.value).join('')
  formatToParts(value) {
    const o = this.#o
    let n = typeof value === 'bigint' ? Number(value) : Number(value)
    const parts = []
    const negative = n < 0 || Object.is(n, -0)
    if (Number.isNaN(n)) return [{ type: 'nan', value: 'NaN' }]
    let abs = Math.abs(n)
    if (o.style === 'percent') abs *= 100
    let suffix = ''
    if (o.notation === 'compact' && Number.isFinite(abs)) {
      const units = o.compactDisplay === 'long' ? [[1e12, ' trillion'], [1e9, ' billion'], [1e6, ' million'], [1e3, ' thousand']] : [[1e12, 'T'], [1e9, 'B'], [1e6, 'M'], [1e3, 'K']]
      for (const [div, s] of units) {
        if (Math.round(abs) >= div) {
          abs /= div
          suffix = s
          break
        }
      }
    }
    let digits
    if (!Number.isFinite(abs)) digits = '∞'
    else if (o.notation === 'compact' && o.maximumSignificantDigits === undefined) digits = abs >= 100 ? String(Math.round(abs)) : toSignificant(abs, 1, 2)
    else if (o.maximumSignificantDigits !== undefined) digits = toSignificant(abs, o.minimumSignificantDigits, o.maximumSignificantDigits)
    else if (o.notation === 'scientific' || o.notation === 'engineering') {
      const exp = abs === 0 ? 0 : Math.floor(Math.log10(abs))
      digits = toFixedDigits(abs / 10 ** exp, 0, 3) + 'E' + exp
    } else digits = toFixedDigits(abs, o.minimumFractionDigits, o.maximumFractionDigits)
    if (o.notation === 'compact' && suffix === '' && digits === '1000') {
      digits = '1'
      suffix = o.compactDisplay === 'long' ? ' thousand' : 'K'
    }
    const [group, decimal, minGrouping] = separators(o.locale)
    let [int, frac] = digits.split('.')
    if (int !== '∞' && int.length < o.minimumIntegerDigits) int = int.padStart(o.minimumIntegerDigits, '0')
    const grouping = o.useGrouping
    if (grouping && int !== '∞') int = groupDigits(int, group, grouping === 'min2' ? 2 : grouping === 'always' ? 1 : minGrouping, o.locale === 'en-IN' || o.locale === 'hi-IN' ? 'indian' : '')
    const isZero = abs === 0 || /^[0.]*$/.test(digits)
    let sign = ''
    if (o.signDisplay === 'always') sign = negative ? '-' : '+'
    else if (o.signDisplay === 'exceptZero') sign = isZero ? '' : negative ? '-' : '+'
    else if (o.signDisplay === 'negative') sign = negative && !isZero ? '-' : ''
    else if (o.signDisplay !== 'never') sign = negative && !(isZero && Object.is(n, -0) === false && n === 0) ? '-' : ''
    if (sign === '-' && n === 0 && !Object.is(n, -0)) sign = ''
    const lang = language(o.locale)
    const currencyAfter = o.style === 'currency' && ['de', 'fr', 'es', 'it', 'pt', 'ru', 'pl', 'sv', 'nl', 'fi', 'cs', 'da', 'nb'].includes(lang) && o.locale !== 'pt-BR'
    let symbol = ''
    if (o.style === 'currency') {
      if (o.currencyDisplay === 'code') symbol = o.currency + '\u00a0'
      else if (o.currencyDisplay === 'name') symbol = ''
      else symbol = CURRENCY_SYMBOLS[o.currency] ?? o.currency + '\u00a0'
      if (o.currencyDisplay === 'narrowSymbol') symbol = symbol.replace(/^[A-Z]+(?=[^A-Z])/, '')
    }
    if (sign) parts.push({ type: sign === '-' ? 'minusSign' : 'plusSign', value: sign })
    if (symbol && !currencyAfter) parts.push({ type: 'currency', value: symbol.replace(/\u00a0$/, o.currencyDisplay === 'code' ? '\u00a0' : '') })
    if (int === '∞') parts.push({ type: 'infinity', value: '∞' })
    else {
      const groups = int.split(group)
      groups.forEach((g, i) => {
        if (i) parts.push({ type: 'group', value: group })
        parts.push({ type: 'integer', value: g })
      })
    }
    if (frac !== undefined) {
      parts.push({ type: 'decimal', value: decimal })
      parts.push({ type: 'fraction', value: frac })
    }
    if (suffix) parts.push({ type: 'compact', value: suffix.trim() })
    if (suffix.startsWith(' ')) parts.splice(parts.length - 1, 0, { type: 'literal', value: ' ' })
    if (o.style === 'percent') parts.push({ type: 'percentSign', value: lang === 'de' || lang === 'fr' ? '\u00a0%' : '%' })
    if (currencyAfter && symbol) parts.push({ type: 'literal', value: '\u00a0' }, { type: 'currency', value: symbol.trim() })
    if (o.style === 'currency' && o.currencyDisplay === 'name') {
      const names = CURRENCY_NAMES[o.currency] ?? [o.currency, o.currency]
      parts.push({ type: 'literal', value: ' ' }, { type: 'currency', value: abs === 1 ? names[0] : names[1] })
    }
    if (o.style === 'unit' && o.unit) parts.push({ type: 'literal', value: ' ' }, { type: 'unit', value: unitLabel(o.unit, o.unitDisplay, abs) })
    return parts
  }
  formatRange(a, b) {
    return `${this.format(a)}–${this.format(b)}`
  }
  static supportedLocalesOf(locales) {
    return (Array.isArray(locales) ? locales : locales === undefined ? [] : [locales]).map(canonical)
  }
}

const UNITS = {
  kilometer: ['km', 'kilometers'], meter: ['m', 'meters'], centimeter: ['cm', 'centimeters'], mile: ['mi', 'miles'], kilogram: ['kg', 'kilograms'],
  gram: ['g', 'grams'], liter: ['L', 'liters'], second: ['sec', 'seconds'], minute: ['min', 'minutes'], hour: ['hr', 'hours'], day: ['day', 'days'],
  byte: ['byte', 'bytes'], kilobyte: ['kB', 'kilobytes'], megabyte: ['MB', 'megabytes'], gigabyte: ['GB', 'gigabytes'], percent: ['%', 'percent'],
  celsius: ['°C', 'degrees Celsius'], fahrenheit: ['°F', 'degrees Fahrenheit'], 'kilometer-per-hour': ['km/h', 'kilometers per hour'],
  'mile-per-hour': ['mph', 'miles per hour'],
}
function unitLabel(unit, display, n) {
  const u = UNITS[unit] ?? [unit, unit]
  if (display === 'long') return n === 1 ? u[1].replace(/s$/, '') : u[1]
  return u[0]
}

// ---- dates ---------------------------------------------------------------------------------

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December']
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday']

function pad2(n) {
  return String(n).padStart(2, '0')
}

export class DateTimeFormat {
  #locale
  #o
  constructor(locales, options = {}) {
    this.#locale = canonical(locales)
    const o = { ...options }
    const hasAny = ['weekday', 'era', 'year', 'month', 'day', 'hour', 'minute', 'second', 'dayPeriod', 'fractionalSecondDigits', 'dateStyle', 'timeStyle'].some((k) => o[k] !== undefined)
    if (!hasAny && !o._time) {
      o.year = 'numeric'
      o.month = 'numeric'
      o.day = 'numeric'
    }
    if (o._time && !hasAny) {
      o.hour = 'numeric'
      o.minute = '2-digit'
      o.second = '2-digit'
    }
    if (o._all && !hasAny) {
      o.year = 'numeric'
      o.month = 'numeric'
      o.day = 'numeric'
      o.hour = 'numeric'
      o.minute = '2-digit'
      o.second = '2-digit'
    }
    const tz = o.timeZone ?? 'UTC'
    this.#o = { ...o, timeZone: /^(utc|etc\/utc|gmt|etc\/gmt|z)$/i.test(tz) ? 'UTC' : tz, locale: this.#locale, calendar: 'gregory', numberingSystem: 'latn' }
    delete this.#o._time
    delete this.#o._all
  }
  resolvedOptions() {
    return { ...this.#o }
  }
  format = (date) => this.formatToParts(date).map((p) => p.value).join('')
  formatToParts(date) {
    const d = date === undefined ? new Date() : new Date(date instanceof Date ? date.getTime() : Number(date))
    if (Number.isNaN(d.getTime())) throw new RangeError('Invalid time value')
    return [{ type: 'literal', value: this.#render(d) }]
  }
  formatRange(a, b) {
    return `${this.format(a)} – ${this.format(b)}`
  }
  #render(d) {
    const o = this.#o
    const Y = d.getUTCFullYear()
    const M = d.getUTCMonth()
    const D = d.getUTCDate()
    const h = d.getUTCHours()
    const m = d.getUTCMinutes()
    const s = d.getUTCSeconds()
    const lang = language(this.#locale)
    const hour12 = o.hour12 ?? (o.hourCycle ? o.hourCycle === 'h12' || o.hourCycle === 'h11' : !['de', 'fr', 'es', 'it', 'pt', 'ru', 'sv', 'nl', 'pl', 'ja', 'zh', 'ko', 'fi', 'da', 'nb', 'cs'].includes(lang) && this.#locale !== 'en-GB')
    if (o.dateStyle || o.timeStyle) {
      const dateStr = o.dateStyle
        ? {
            full: `${DAYS[d.getUTCDay()]}, ${MONTHS[M]} ${D}, ${Y}`,
            long: `${MONTHS[M]} ${D}, ${Y}`,
            medium: `${MONTHS[M].slice(0, 3)} ${D}, ${Y}`,
            short: `${M + 1}/${D}/${String(Y).slice(-2)}`,
          }[o.dateStyle]
        : ''
      const t = hour12 ? `${h % 12 || 12}:${pad2(m)}` : `${pad2(h)}:${pad2(m)}`
      const ampm = hour12 ? (h < 12 ? ' AM' : ' PM') : ''
      const timeStr = o.timeStyle
        ? { full: `${t}:${pad2(s)}${ampm} Coordinated Universal Time`, long: `${t}:${pad2(s)}${ampm} UTC`, medium: `${t}:${pad2(s)}${ampm}`, short: `${t}${ampm}` }[o.timeStyle]
        : ''
      if (dateStr && timeStr) return o.dateStyle === 'full' || o.dateStyle === 'long' ? `${dateStr} at ${timeStr}` : `${dateStr}, ${timeStr}`
      return dateStr || timeStr
    }
    let date = ''
    const hasDate = o.year || o.month || o.day || o.weekday
    if (hasDate) {
      const numericMonth = o.month === 'numeric' || o.month === '2-digit'
      const year = o.year === '2-digit' ? pad2(Y % 100) : o.year ? String(Y) : ''
      const day = o.day === '2-digit' ? pad2(D) : o.day ? String(D) : ''
      if (o.month && !numericMonth) {
        const name = o.month === 'long' ? MONTHS[M] : o.month === 'short' ? MONTHS[M].slice(0, 3) : MONTHS[M][0]
        if (lang === 'en' && this.#locale !== 'en-GB') {
          date = day ? `${name} ${day}` : name
          if (year) date += day ? `, ${year}` : ` ${year}`
        } else {
          date = [day && `${day}${lang === 'de' ? '.' : ''}`, name, year].filter(Boolean).join(' ')
        }
      } else if (o.month || o.day || o.year) {
        const month = o.month === '2-digit' ? pad2(M + 1) : o.month ? String(M + 1) : ''
        if (this.#locale === 'sv-SE' || this.#locale === 'en-CA' || lang === 'lt' || lang === 'zh' || lang === 'ja' || lang === 'ko') {
          const sep = lang === 'zh' || lang === 'ja' ? '/' : '-'
          date = [year, month && pad2(M + 1), day && pad2(D)].filter(Boolean).join(sep)
        } else if (lang === 'de' || lang === 'ru' || lang === 'pl' || lang === 'fi' || lang === 'cs' || lang === 'nb' || lang === 'da') {
          date = [day, month, year].filter(Boolean).join('.')
        } else if (lang === 'en' && this.#locale !== 'en-GB' && this.#locale !== 'en-AU' && this.#locale !== 'en-IN' && this.#locale !== 'en-NZ') {
          date = [month, day, year].filter(Boolean).join('/')
        } else {
          date = [day && (o.day === 'numeric' && lang !== 'en' ? pad2(D) : o.day === 'numeric' ? pad2(D) : day), month && pad2(M + 1), year].filter(Boolean).join('/')
        }
      }
      if (o.weekday) {
        const wd = o.weekday === 'long' ? DAYS[d.getUTCDay()] : o.weekday === 'short' ? DAYS[d.getUTCDay()].slice(0, 3) : DAYS[d.getUTCDay()][0]
        date = date ? `${wd}, ${date}` : wd
      }
    }
    let time = ''
    if (o.hour || o.minute || o.second) {
      const hh = hour12 ? h % 12 || 12 : h
      const hourStr = o.hour === '2-digit' || (!hour12 && o.hour) ? pad2(hh) : o.hour ? String(hh) : ''
      const pieces = [hourStr, o.minute ? (o.hour ? pad2(m) : String(m)) : '', o.second ? (o.minute ? pad2(s) : String(s)) : ''].filter(Boolean)
      time = pieces.join(':')
      if (o.fractionalSecondDigits) time += '.' + String(d.getUTCMilliseconds()).padStart(3, '0').slice(0, o.fractionalSecondDigits)
      if (hour12 && o.hour) time += h < 12 ? ' AM' : ' PM'
      if (o.timeZoneName) time += o.timeZoneName === 'long' ? ' Coordinated Universal Time' : ' UTC'
    }
    if (date && time) return o.month && o.month !== 'numeric' && o.month !== '2-digit' && lang === 'en' ? `${date} at ${time}` : `${date}, ${time}`
    return date || time
  }
  static supportedLocalesOf(locales) {
    return (Array.isArray(locales) ? locales : locales === undefined ? [] : [locales]).map(canonical)
  }
}

// ---- collation -------------------------------------------------------------------------------

const PUNCT = '\t\n\u000b\u000c\r \u00a0_-,;:!?.\'"()[]{}@*/\\&#%`^+<=>|~$'
const SPECIAL_FOLD = { ß: 'ss', æ: 'ae', Æ: 'AE', œ: 'oe', Œ: 'OE', ø: 'o', Ø: 'O', đ: 'd', Đ: 'D', ł: 'l', Ł: 'L' }

function collationElements(str, numeric) {
  const out = []
  const s = String(str)
  for (let i = 0; i < s.length; ) {
    const cp = s.codePointAt(i)
    let ch = String.fromCodePoint(cp)
    i += ch.length
    if (numeric && cp >= 48 && cp <= 57) {
      let j = i
      while (j < s.length && s.charCodeAt(j) >= 48 && s.charCodeAt(j) <= 57) j++
      const digits = (ch + s.slice(i, j)).replace(/^0+(?=\d)/, '')
      i = j
      out.push([1000 + digits.length * 10, 0, 0, digits])
      continue
    }
    if (SPECIAL_FOLD[ch]) {
      for (const c of SPECIAL_FOLD[ch]) out.push(...collationElements(c, false).map((e) => [e[0], e[1] + 1, e[2]]))
      continue
    }
    const decomposed = ch.normalize('NFD')
    const base = decomposed[0]
    const accent = decomposed.length > 1 ? decomposed.charCodeAt(1) : 0
    const p = PUNCT.indexOf(base)
    if (p !== -1) out.push([1 + p, 0, 0])
    else if (/\p{Nd}/u.test(base)) out.push([1000, 0, 0, base])
    else if (/\p{L}/u.test(base)) {
      const lower = base.toLowerCase()
      const upper = base !== lower
      const code = lower.codePointAt(0)
      const primary = code >= 97 && code <= 122 ? 2000 + (code - 97) * 4 : 3000 + code
      out.push([primary, accent, upper ? 1 : 0])
    } else if (/\p{M}/u.test(base)) {
      if (out.length) out[out.length - 1][1] += base.charCodeAt(0)
    } else out.push([100 + (cp % 800), 0, 0])
  }
  return out
}

function compareElements(a, b, sensitivity, caseFirst) {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    if (a[i][0] !== b[i][0]) return a[i][0] < b[i][0] ? -1 : 1
    if (a[i][3] !== undefined || b[i][3] !== undefined) {
      const x = a[i][3] ?? ''
      const y = b[i][3] ?? ''
      if (x !== y) return x < y ? -1 : 1
    }
  }
  if (a.length !== b.length) return a.length < b.length ? -1 : 1
  if (sensitivity === 'base') return 0
  for (let i = 0; i < n; i++) if (a[i][1] !== b[i][1]) return a[i][1] < b[i][1] ? -1 : 1
  if (sensitivity === 'accent') return 0
  for (let i = 0; i < n; i++) {
    if (a[i][2] !== b[i][2]) {
      const r = a[i][2] < b[i][2] ? -1 : 1
      return caseFirst === 'upper' ? -r : r
    }
  }
  return 0
}

export class Collator {
  #o
  constructor(locales, options = {}) {
    this.#o = {
      locale: canonical(locales),
      usage: options.usage ?? 'sort',
      sensitivity: options.sensitivity ?? 'variant',
      ignorePunctuation: !!options.ignorePunctuation,
      collation: 'default',
      numeric: !!options.numeric,
      caseFirst: options.caseFirst ?? 'false',
    }
  }
  compare = (a, b) => {
    let x = String(a)
    let y = String(b)
    if (this.#o.ignorePunctuation) {
      x = x.replace(/[\p{P}\s]/gu, '')
      y = y.replace(/[\p{P}\s]/gu, '')
    }
    if (x === y) return 0
    const r = compareElements(collationElements(x, this.#o.numeric), collationElements(y, this.#o.numeric), this.#o.sensitivity, this.#o.caseFirst)
    if (r !== 0 || this.#o.sensitivity !== 'variant') return r
    return x < y ? -1 : x > y ? 1 : 0
  }
  resolvedOptions() {
    return { ...this.#o }
  }
  static supportedLocalesOf(locales) {
    return (Array.isArray(locales) ? locales : locales === undefined ? [] : [locales]).map(canonical)
  }
}

// ---- plural, relative time, lists, segments ---------------------------------------------------------

export class PluralRules {
  #o
  constructor(locales, options = {}) {
    this.#o = { locale: canonical(locales), type: options.type ?? 'cardinal' }
  }
  select(n) {
    n = Number(n)
    if (this.#o.type === 'ordinal') {
      const mod10 = n % 10
      const mod100 = n % 100
      if (mod10 === 1 && mod100 !== 11) return 'one'
      if (mod10 === 2 && mod100 !== 12) return 'two'
      if (mod10 === 3 && mod100 !== 13) return 'few'
      return 'other'
    }
    return Math.abs(n) === 1 ? 'one' : 'other'
  }
  resolvedOptions() {
    return { ...this.#o, pluralCategories: this.#o.type === 'ordinal' ? ['few', 'one', 'two', 'other'] : ['one', 'other'] }
  }
}

const RELATIVE_AUTO = {
  day: { '-1': 'yesterday', 0: 'today', 1: 'tomorrow' },
  year: { '-1': 'last year', 0: 'this year', 1: 'next year' },
  month: { '-1': 'last month', 0: 'this month', 1: 'next month' },
  week: { '-1': 'last week', 0: 'this week', 1: 'next week' },
  hour: { 0: 'this hour' },
  minute: { 0: 'this minute' },
  second: { 0: 'now' },
}

export class RelativeTimeFormat {
  #o
  constructor(locales, options = {}) {
    this.#o = { locale: canonical(locales), style: options.style ?? 'long', numeric: options.numeric ?? 'always', numberingSystem: 'latn' }
  }
  format(value, unit) {
    const u = String(unit).replace(/s$/, '')
    const v = Number(value)
    if (this.#o.numeric === 'auto' && RELATIVE_AUTO[u]?.[String(v)] !== undefined) return RELATIVE_AUTO[u][String(v)]
    const abs = Math.abs(v)
    const label = this.#o.style === 'long' ? u : { year: 'yr.', month: 'mo.', week: 'wk.', day: 'day', hour: 'hr.', minute: 'min.', second: 'sec.', quarter: 'qtr.' }[u] ?? u
    const plural = this.#o.style === 'long' && abs !== 1 ? 's' : this.#o.style !== 'long' && u === 'day' && abs !== 1 ? 's' : ''
    const num = new NumberFormat('en-US').format(abs)
    return v < 0 || Object.is(v, -0) ? `${num} ${label}${plural} ago` : `in ${num} ${label}${plural}`
  }
  resolvedOptions() {
    return { ...this.#o }
  }
}

export class ListFormat {
  #o
  constructor(locales, options = {}) {
    this.#o = { locale: canonical(locales), type: options.type ?? 'conjunction', style: options.style ?? 'long' }
  }
  format(list) {
    const items = [...list].map(String)
    const word = this.#o.type === 'disjunction' ? 'or' : this.#o.type === 'unit' ? '' : this.#o.style === 'long' ? 'and' : '&'
    if (items.length === 0) return ''
    if (items.length === 1) return items[0]
    if (this.#o.type === 'unit') return items.join(this.#o.style === 'narrow' ? ' ' : ', ')
    if (items.length === 2) return `${items[0]} ${word} ${items[1]}`
    return `${items.slice(0, -1).join(', ')}, ${word} ${items[items.length - 1]}`
  }
  formatToParts(list) {
    return [{ type: 'literal', value: this.format(list) }]
  }
  resolvedOptions() {
    return { ...this.#o }
  }
}

export class Segmenter {
  #o
  constructor(locales, options = {}) {
    this.#o = { locale: canonical(locales), granularity: options.granularity ?? 'grapheme' }
  }
  segment(input) {
    const str = String(input)
    const granularity = this.#o.granularity
    const segments = []
    if (granularity === 'word') {
      const re = /[\p{L}\p{N}_'’]+|\s+|[^\p{L}\p{N}_\s]/gu
      let m
      while ((m = re.exec(str)) !== null) segments.push({ segment: m[0], index: m.index, input: str, isWordLike: /[\p{L}\p{N}]/u.test(m[0]) })
    } else if (granularity === 'sentence') {
      const re = /[^.!?]+[.!?]*\s*/g
      let m
      while ((m = re.exec(str)) !== null) segments.push({ segment: m[0], index: m.index, input: str })
    } else {
      let i = 0
      for (const cluster of str.match(/\P{M}\p{M}*|\p{M}+/gu) ?? []) {
        segments.push({ segment: cluster, index: i, input: str })
        i += cluster.length
      }
    }
    return {
      [Symbol.iterator]: () => segments[Symbol.iterator](),
      containing: (index) => segments.find((s) => index >= s.index && index < s.index + s.segment.length),
    }
  }
  resolvedOptions() {
    return { ...this.#o }
  }
}

export class DisplayNames {
  #o
  constructor(locales, options = {}) {
    this.#o = { locale: canonical(locales), type: options.type, style: options.style ?? 'long', fallback: options.fallback ?? 'code' }
  }
  of(code) {
    const names = { US: 'United States', GB: 'United Kingdom', DE: 'Germany', FR: 'France', JP: 'Japan', CN: 'China', IN: 'India', en: 'English', de: 'German', fr: 'French', es: 'Spanish', ja: 'Japanese', zh: 'Chinese', USD: 'US Dollar', EUR: 'Euro' }
    return names[code] ?? (this.#o.fallback === 'none' ? undefined : code)
  }
  resolvedOptions() {
    return { ...this.#o }
  }
}

export class Locale {
  constructor(tag) {
    this.baseName = canonical(tag)
    const [lang, region] = this.baseName.split('-')
    this.language = lang
    this.region = region
  }
  toString() {
    return this.baseName
  }
  maximize() {
    return this
  }
  minimize() {
    return this
  }
}

// Intl.NumberFormat(), DateTimeFormat() and Collator() may be called without new
const callable = (Class) => new Proxy(Class, { apply: (target, thisArg, args) => new target(...args) })

export const Intl = {
  NumberFormat: callable(NumberFormat),
  DateTimeFormat: callable(DateTimeFormat),
  Collator: callable(Collator),
  PluralRules,
  RelativeTimeFormat,
  ListFormat,
  Segmenter,
  DisplayNames,
  Locale,
  getCanonicalLocales: (l) => (Array.isArray(l) ? l : l === undefined ? [] : [l]).map(canonical),
  supportedValuesOf: (key) => ({ timeZone: ['UTC'], currency: Object.keys(CURRENCY_SYMBOLS).sort(), unit: Object.keys(UNITS).sort() })[key] ?? [],
}
Object.defineProperty(Intl, Symbol.toStringTag, { value: 'Intl', configurable: true })

/** Number/BigInt/Date/String/Array toLocale* and Date#toString's zone name. */
export function installIntl(global) {
  Object.defineProperty(global, 'Intl', { value: Intl, writable: true, configurable: true })
  const def = (proto, name, fn) => Object.defineProperty(proto, name, { value: fn, writable: true, configurable: true })
  def(Number.prototype, 'toLocaleString', function toLocaleString(locales, options) {
    return new NumberFormat(locales, options).format(Number.prototype.valueOf.call(this))
  })
  def(BigInt.prototype, 'toLocaleString', function toLocaleString(locales, options) {
    return new NumberFormat(locales, options).format(BigInt.prototype.valueOf.call(this))
  })
  def(String.prototype, 'localeCompare', function localeCompare(that, locales, options) {
    if (this === null || this === undefined) throw new TypeError('String.prototype.localeCompare called on null or undefined')
    return new Collator(locales, options).compare(String(this), String(that))
  })
  const dateOf = (d) => Date.prototype.getTime.call(d)
  def(Date.prototype, 'toLocaleDateString', function toLocaleDateString(locales, options) {
    if (Number.isNaN(dateOf(this))) return 'Invalid Date'
    return new DateTimeFormat(locales, options ?? {}).format(this)
  })
  def(Date.prototype, 'toLocaleTimeString', function toLocaleTimeString(locales, options) {
    if (Number.isNaN(dateOf(this))) return 'Invalid Date'
    return new DateTimeFormat(locales, { ...options, _time: true }).format(this)
  })
  def(Date.prototype, 'toLocaleString', function toLocaleString(locales, options) {
    if (Number.isNaN(dateOf(this))) return 'Invalid Date'
    return new DateTimeFormat(locales, { ...options, _all: true }).format(this)
  })
  const toString = Date.prototype.toString
  def(Date.prototype, 'toString', function () {
    const s = toString.call(this)
    return s.endsWith('GMT+0000') ? `${s} (Coordinated Universal Time)` : s
  })
  const toTimeString = Date.prototype.toTimeString
  def(Date.prototype, 'toTimeString', function () {
    const s = toTimeString.call(this)
    return s.endsWith('GMT+0000') ? `${s} (Coordinated Universal Time)` : s
  })
  def(Array.prototype, 'toLocaleString', function toLocaleString(locales, options) {
    return Array.prototype.map.call(this, (v) => (v === null || v === undefined ? '' : v.toLocaleString(locales, options))).join(',')
  })
}
