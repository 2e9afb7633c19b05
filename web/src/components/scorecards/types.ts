// The scorecard records of GET /api/v1/scorecards (fractions 0..1, not percents) and helpers.
export interface ScorecardUnit {
  id: number
  code: string
  name_vi: string
  name_en: string
  type: string
  leader_name: string
  leader_title: string
}

export interface ScorecardTasks {
  total: number
  done: number
  done_on_time: number
  done_late: number
  in_progress_on_time: number
  overdue: number
  cancelled: number
  due: number
  due_done_on_time: number
  recurring_reported: number
  recurring_missing: number
  recurring_not_due: number
  recurring_cancelled: number
  slip_days: number
}

export type Rating = 'excellent' | 'good' | 'completed' | 'not_completed'

export interface Scorecard {
  unit: ScorecardUnit
  period: string
  judged_on: string
  on_time_rate: number | null
  report_timeliness: number | null
  indicator_achievement: number | null
  achievement_shown: number | null
  indicators_judged: number
  score: number | null
  rating: Rating | null
  rank: number | null
  peer_count: number
  tasks: ScorecardTasks
  freshness: number | null
  value_freshness: number | null
  update_freshness: number | null
  last_activity_at: string | null
}

// A fraction 0..1 as the percent the formatters expect (0.733 → 73.3).
export const pct = (f: number | null | undefined): number | null =>
  f === null || f === undefined ? null : Math.round(f * 1000) / 10

// Periods: "2025", "2025Q3", "202503".
export type PeriodKind = 'year' | 'quarter' | 'month'
export function periodKind(p: string): PeriodKind {
  if (/^\d{4}Q\d$/.test(p)) return 'quarter'
  if (/^\d{6}$/.test(p)) return 'month'
  return 'year'
}
export function makePeriod(kind: PeriodKind, year: number, sub: number): string {
  if (kind === 'quarter') return `${year}Q${Math.min(Math.max(sub, 1), 4)}`
  if (kind === 'month') return `${year}${String(Math.min(Math.max(sub, 1), 12)).padStart(2, '0')}`
  return String(year)
}
export function periodParts(p: string): { kind: PeriodKind; year: number; sub: number } {
  const kind = periodKind(p)
  const year = Number(p.slice(0, 4)) || new Date().getFullYear()
  const sub = kind === 'quarter' ? Number(p.slice(5)) : kind === 'month' ? Number(p.slice(4)) : 1
  return { kind, year, sub }
}
// Colours of the ratings (paired with the text, never alone).
export const ratingColour: Record<Rating, string> = {
  excellent: '#15803d',
  good: '#1d4ed8',
  completed: '#a16207',
  not_completed: '#b91c1c',
}
