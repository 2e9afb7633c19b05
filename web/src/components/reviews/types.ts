// Review records of /api/v1/reviews (docs/scorecards.md). Rates in `status` are percentages.
import type { Scorecard } from '../scorecards/types'

export type ReviewKind = 'interim' | 'annual' | 'final'
export const reviewKinds: ReviewKind[] = ['interim', 'annual', 'final']

export interface ReviewSummary {
  id: number
  plan: { id: number; code: string }
  kind: ReviewKind
  as_of: string
  title_vi: string
  title_en: string
  published: boolean
  published_at: string | null
  published_by: string | null
  created_at: string
  created_by: string
}

export interface StatusFigures {
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
  completion_rate: number | null
  on_time_rate: number | null
  slip_days: number
}

export interface GroupRow extends StatusFigures { code: string; name_vi: string; name_en: string }

export interface IndicatorFigure {
  indicator: string
  name_vi: string
  name_en: string
  class: string
  unit_of_measure: string
  value: number | null
  target: number | null
  target_date: string | null
  achievement?: number | null
  status?: string | null
}

export interface Review extends ReviewSummary {
  figures: {
    as_of: string
    status: StatusFigures & { rows: GroupRow[] }
    indicators: { unit: string; periods: string; indicators: IndicatorFigure[] }
    scorecards: { period: string; items: Scorecard[] }
  }
}

export interface Pair { a: number | null; b: number | null; change: number | null }
export interface Comparison {
  plan: { id: number; code: string }
  a: ReviewSummary
  b: ReviewSummary
  status: Record<string, Pair>
  groups: { code: string; name_vi: string; name_en: string; a: { completion_rate: number | null; done: number; total: number }; b: { completion_rate: number | null; done: number; total: number }; change: number | null }[]
  indicators: { code: string; name_vi: string; name_en: string; unit_of_measure: string; a: number | null; b: number | null; change: number | null }[]
  units: { code: string; name_vi: string; name_en: string; type: string; a: { score: number | null; rating: string | null; rank: number | null }; b: { score: number | null; rating: string | null; rank: number | null }; change: number | null }[]
  indicators_added: unknown[]
  indicators_removed: unknown[]
  units_added: unknown[]
  units_removed: unknown[]
}
