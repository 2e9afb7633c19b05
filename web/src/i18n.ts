// Language, messages and the formats of numbers, dates and periods. Vietnamese first; the choice
// is remembered in localStorage. Pages register their own messages with addMessages() when their
// module loads, so `t` stays one function for the whole UI.
import { ref } from 'vue'
import { localIsoDate } from './dates'

export type Lang = 'vi' | 'en'
type Dict = Record<string, string>

const storageKey = 'pw.lang'
export const lang = ref<Lang>(localStorage.getItem(storageKey) === 'en' ? 'en' : 'vi')
document.documentElement.lang = lang.value

const messages: Record<Lang, Dict> = { vi: {}, en: {} }

export function addMessages(dicts: { vi: Dict; en: Dict }): void {
  Object.assign(messages.vi, dicts.vi)
  Object.assign(messages.en, dicts.en)
}

export function setLang(next: Lang): void {
  lang.value = next
  localStorage.setItem(storageKey, next)
  document.documentElement.lang = next
}

// t('tasks.count', { n: 3 }) — `{n}` placeholders; numbers are formatted for the language.
export function t(key: string, params?: Record<string, string | number>): string {
  const text = messages[lang.value][key] ?? messages.vi[key] ?? key
  if (!params) return text
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const v = params[name]
    if (v === undefined) return whole
    return typeof v === 'number' ? fmtNumber(v) : v
  })
}

const locale = (): string => (lang.value === 'vi' ? 'vi-VN' : 'en-GB')

// 1.234,5 in Vietnamese, 1,234.5 in English; `digits` fixes the decimals, else up to 2.
export function fmtNumber(v: number | null | undefined, digits?: number): string {
  if (v === null || v === undefined || Number.isNaN(v)) return '—'
  return new Intl.NumberFormat(locale(), {
    minimumFractionDigits: digits ?? 0,
    maximumFractionDigits: digits ?? 2,
  }).format(v)
}

// Rates arrive as percentages with one decimal (73.3): "73,3%" / "73.3%".
export function fmtPercent(v: number | null | undefined, digits = 1): string {
  if (v === null || v === undefined || Number.isNaN(v)) return '—'
  return `${fmtNumber(v, digits)}%`
}

// English month abbreviations, fixed rather than the browser's ("Sep", not "Sept").
const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

// ISO dates "2025-12-31": dd/mm/yyyy in Vietnamese, "31 Dec 2025" in English.
export function fmtDate(iso: string | null | undefined): string {
  if (!iso) return '—'
  const [y, m, d] = iso.slice(0, 10).split('-')
  if (!y || !m || !d) return iso
  if (lang.value === 'vi') return `${d}/${m}/${y}`
  return `${Number(d)} ${months[Number(m) - 1] ?? m} ${y}`
}

// Instants "2026-01-05T08:30:00.000Z" in local time, with the date as fmtDate.
export function fmtInstant(iso: string | null | undefined): string {
  if (!iso) return '—'
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return iso
  const pad2 = (n: number) => String(n).padStart(2, '0')
  return `${fmtDate(localIsoDate(d))} ${pad2(d.getHours())}:${pad2(d.getMinutes())}`
}

// DHIS2 periods: 2025, 2025S1, 2025Q3, 202503.
export function fmtPeriod(p: string): string {
  const vi = lang.value === 'vi'
  let m = /^(\d{4})(\d{2})$/.exec(p)
  if (m) {
    if (vi) return `T${Number(m[2])}/${m[1]}`
    return `${months[Number(m[2]) - 1] ?? m[2]} ${m[1]}`
  }
  m = /^(\d{4})Q(\d)$/.exec(p)
  if (m) return vi ? `Quý ${m[2]}/${m[1]}` : `Q${m[2]} ${m[1]}`
  m = /^(\d{4})S(\d)$/.exec(p)
  if (m) return vi ? `6 tháng ${m[2] === '1' ? 'đầu' : 'cuối'} ${m[1]}` : `H${m[2]} ${m[1]}`
  return p
}

// The language's name or title of a record that carries both (name_vi/name_en, title_vi/title_en).
export function nameOf(r: { name_vi?: string; name_en?: string } | null | undefined): string {
  if (!r) return '—'
  return (lang.value === 'en' && r.name_en) || r.name_vi || r.name_en || '—'
}
export function titleOf(r: { title_vi?: string; title_en?: string } | null | undefined): string {
  if (!r) return '—'
  return (lang.value === 'en' && r.title_en) || r.title_vi || r.title_en || '—'
}
