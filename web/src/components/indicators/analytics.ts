// The answers of GET /api/v1/analytics/indicators (docs/api.md § Analytics).
export interface UnitRef {
  code: string
  name_vi: string
  name_en: string
}

export interface AnalyticsRow {
  indicator: { code: string; direction: string; name_vi: string; name_en: string; unit_of_measure: string }
  unit?: UnitRef
  period?: string
  value: number | null
  target: { date: string; value: number } | null
  expected: number | null
  achievement: number | null // a fraction: 1.0 = 100%
  status: string
}

export interface AnalyticsAnswer {
  by: string
  periods: string
  rows: AnalyticsRow[]
  unit: UnitRef
}
