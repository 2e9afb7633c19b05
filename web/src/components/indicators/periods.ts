// Period arithmetic for the indicator pages (DHIS2 identifiers: 2025, 2025S1, 2025Q3, 202503)
// and the numbers typed into the data entry grid.
import { lang } from '../../i18n'
import type { Indicator } from '../../model'

export type PeriodType = Indicator['period_type']
export const PERIOD_TYPES: PeriodType[] = ['monthly', 'quarterly', 'half_yearly', 'yearly']

interface Slot {
  year: number
  index: number // 1-based within the year
  per: number // slots per year
}

const perYear: Record<PeriodType, number> = { monthly: 12, quarterly: 4, half_yearly: 2, yearly: 1 }

function parse(p: string): { type: PeriodType; slot: Slot } | null {
  let m = /^(\d{4})(\d{2})$/.exec(p)
  if (m) return { type: 'monthly', slot: { year: +m[1], index: +m[2], per: 12 } }
  m = /^(\d{4})Q([1-4])$/.exec(p)
  if (m) return { type: 'quarterly', slot: { year: +m[1], index: +m[2], per: 4 } }
  m = /^(\d{4})S([12])$/.exec(p)
  if (m) return { type: 'half_yearly', slot: { year: +m[1], index: +m[2], per: 2 } }
  m = /^(\d{4})$/.exec(p)
  if (m) return { type: 'yearly', slot: { year: +m[1], index: 1, per: 1 } }
  return null
}

export function typeOfPeriod(p: string): PeriodType | null {
  return parse(p)?.type ?? null
}

function format(type: PeriodType, year: number, index: number): string {
  switch (type) {
    case 'monthly':
      return `${year}${String(index).padStart(2, '0')}`
    case 'quarterly':
      return `${year}Q${index}`
    case 'half_yearly':
      return `${year}S${index}`
    default:
      return String(year)
  }
}

// The period of `type` that holds the date (default today).
export function periodOf(type: PeriodType, date = new Date()): string {
  const month = date.getMonth() + 1
  const per = perYear[type]
  return format(type, date.getFullYear(), Math.ceil((month * per) / 12))
}

// The period `n` steps after `p` (before, for negative n).
export function shift(p: string, n: number): string {
  const got = parse(p)
  if (!got) return p
  const { year, index, per } = got.slot
  const abs = year * per + (index - 1) + n
  return format(got.type, Math.floor(abs / per), (abs % per) + 1)
}

// Every period from `from` to `to`, both included (same type; empty when reversed).
export function periodsBetween(from: string, to: string, cap = 240): string[] {
  const a = parse(from)
  const b = parse(to)
  if (!a || !b || a.type !== b.type) return []
  const out: string[] = []
  for (let p = from; out.length < cap; p = shift(p, 1)) {
    out.push(p)
    if (p === to) return out
  }
  return out
}

// The last day of a period, as an ISO date.
export function periodEnd(p: string): string {
  const got = parse(p)
  if (!got) return p
  const { year, index, per } = got.slot
  const lastMonth = (index * 12) / per
  const day = new Date(Date.UTC(year, lastMonth, 0)).getUTCDate()
  return `${year}-${String(lastMonth).padStart(2, '0')}-${String(day).padStart(2, '0')}`
}

// The period of `type` holding an ISO date.
export function periodOfIso(type: PeriodType, iso: string): string {
  const [y, m] = iso.split('-').map(Number)
  return format(type, y, Math.ceil((m * perYear[type]) / 12))
}

// "a..b" or "a" → [from, to] of the given type; null when malformed or of another type.
export function parseRange(text: string | undefined | null, type: PeriodType): [string, string] | null {
  if (!text) return null
  const [from, to = from] = text.split('..')
  const pa = parse(from)
  const pb = parse(to)
  if (!pa || !pb || pa.type !== type || pb.type !== type) return null
  if (periodsBetween(from, to).at(-1) !== to) return null
  return [from, to]
}

export function rangeText([from, to]: [string, string]): string {
  return from === to ? from : `${from}..${to}`
}

// How many periods the trend (indicator page) and the grid show by default.
const trendSpan: Record<PeriodType, number> = { monthly: 12, quarterly: 8, half_yearly: 4, yearly: 5 }
const gridSpan: Record<PeriodType, number> = { monthly: 6, quarterly: 4, half_yearly: 2, yearly: 3 }

export function defaultTrendRange(type: PeriodType, today = new Date()): [string, string] {
  const to = periodOf(type, today)
  return [shift(to, -(trendSpan[type] - 1)), to]
}

export function defaultGridRange(type: PeriodType, today = new Date()): [string, string] {
  const to = periodOf(type, today)
  return [shift(to, -(gridSpan[type] - 1)), to]
}

// The periods offered in the range pickers: ten years back to two ahead of today.
export function periodChoices(type: PeriodType, today = new Date()): string[] {
  const y = today.getFullYear()
  return periodsBetween(format(type, y - 10, 1), format(type, y + 2, perYear[type]), 400)
}

// ---- numbers as typed in the grid ----------------------------------------------------------

const locale = (): string => (lang.value === 'vi' ? 'vi-VN' : 'en-GB')

// A stored value as the grid shows it for editing: grouping, up to 6 decimals.
export function formatInput(v: number | null | undefined): string {
  if (v === null || v === undefined || Number.isNaN(v)) return ''
  return new Intl.NumberFormat(locale(), { maximumFractionDigits: 6 }).format(v)
}

// Text typed in either language's format → a number; NaN when it is not one; null when empty.
// vi: "1.234,5"; en: "1,234.5". With both separators the last one is the decimal mark; with one
// kind only, a run of groups of three digits ("1.234", "12,345,678") is read as grouping in the
// language that groups with that mark, anything else as the decimal mark ("12,5", "12.5").
export function parseInput(raw: string): number | null {
  const text = raw.replace(/[\s\u00a0\u202f]/g, '')
  if (text === '') return null
  if (!/^[+-]?[\d.,]+$/.test(text) || !/\d/.test(text)) return NaN
  const sign = text.startsWith('-') ? -1 : 1
  const body = text.replace(/^[+-]/, '')
  const dots = (body.match(/\./g) ?? []).length
  const commas = (body.match(/,/g) ?? []).length
  let intPart = body
  let frac = ''
  const split = (mark: string) => {
    const at = body.lastIndexOf(mark)
    intPart = body.slice(0, at)
    frac = body.slice(at + 1)
  }
  const grouping = (mark: string) => new RegExp(`^\\d{1,3}(\\${mark}\\d{3})+$`).test(body)
  if (dots && commas) {
    split(body.lastIndexOf('.') > body.lastIndexOf(',') ? '.' : ',')
  } else if (dots || commas) {
    const mark = dots ? '.' : ','
    const count = dots || commas
    const groupsWithThisMark = (mark === '.' && lang.value === 'vi') || (mark === ',' && lang.value === 'en')
    if (count > 1 || (groupsWithThisMark && grouping(mark))) {
      if (!grouping(mark)) return NaN
      intPart = body
    } else {
      split(mark)
    }
  }
  const groupMark = /[.,]/.exec(intPart)?.[0]
  if (groupMark) {
    if (!new RegExp(`^\\d{1,3}(\\${groupMark}\\d{3})+$`).test(intPart)) return NaN
    intPart = intPart.split(groupMark).join('')
  }
  if (!/^\d*$/.test(intPart) || !/^\d*$/.test(frac) || (intPart === '' && frac === '')) return NaN
  return sign * Number(`${intPart || '0'}.${frac || '0'}`)
}
