// Calendar arithmetic on ISO dates ("2025-12-31"), the API's form of a day.

const DAY_MS = 86_400_000
const pad2 = (n: number) => String(n).padStart(2, '0')
const utcMidnight = (iso: string) => Date.parse(`${iso.slice(0, 10)}T00:00:00Z`)

// The local calendar day of `d` (default: now): what "today" is for the person at the screen.
export function localIsoDate(d: Date = new Date()): string {
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())}`
}

// The day `days` after `iso` (before it when negative).
export function addDays(iso: string, days: number): string {
  return new Date(utcMidnight(iso) + days * DAY_MS).toISOString().slice(0, 10)
}

// Whole days from `from` to `to`.
export function daysBetween(from: string, to: string): number {
  return Math.round((utcMidnight(to) - utcMidnight(from)) / DAY_MS)
}
