// The shapes the dashboard reads from the analytics routes, and small helpers shared by its parts.
import type { RouteLocationRaw } from 'vue-router'

export interface TaskCounts {
  total: number
  due: number
  done: number
  done_on_time: number
  done_late: number
  due_done_on_time: number
  in_progress_on_time: number
  overdue: number
  cancelled: number
  recurring_reported: number
  recurring_missing: number
  recurring_not_due: number
  completion_rate: number | null
  on_time_rate: number | null
  slip_days: number
}

export interface FigureRow extends TaskCounts {
  code: string | null
  name_vi?: string
  name_en?: string
}

export interface TaskFigures extends TaskCounts {
  as_of: string
  plan: string
  view: 'verified' | 'claimed'
  unit?: string
  rows?: FigureRow[]
}

export interface IndicatorRow {
  indicator: { code: string; name_vi: string; name_en: string; unit_of_measure: string; direction: string }
  value: number | null
  target: { date: string; value: number } | null
  expected: number | null
  achievement: number | null
  status: 'on_track' | 'at_risk' | 'off_track' | 'no_data' | string
  period?: string
}

export interface IndicatorFigures {
  by: string
  periods: string
  rows: IndicatorRow[]
}

// Where a part of the dashboard links to: the task list with the dashboard's plan, date and unit.
export interface LinkBase {
  plan: number
  asOf: string
  leadUnit: number | null // set when the chosen unit is not the caller's own scope
}

export function tasksLink(base: LinkBase, extra: Record<string, string | number> = {}): RouteLocationRaw {
  const query: Record<string, string> = { plan: String(base.plan) }
  for (const [k, v] of Object.entries(extra)) query[k] = String(v)
  if (base.leadUnit !== null && !('lead_unit' in extra)) {
    query.lead_unit = String(base.leadUnit)
    query.subtree = 'true'
  }
  query.as_of = base.asOf
  return { path: '/tasks', query }
}


