// The API's records as the UI reads them (see docs/api.md).
export type Role =
  | 'admin'
  | 'steering'
  | 'standing_agency'
  | 'unit_leader'
  | 'unit_officer'
  | 'viewer'

export interface User {
  id: number
  login: string
  display_name: string
  role: Role
  unit: number
  unit_code: string
  disabled: boolean
  created_at: string
}

export interface OrgUnit {
  id: number
  code: string
  name_vi: string
  name_en: string
  type: string
  parent: number | null
  leader_name: string
  leader_title: string
  valid_from: string | null
  valid_to: string | null
}

export interface Directive {
  id: number
  number: string
  kind: string
  issuer: string
  issued_on: string | null
  title_vi: string
  title_en: string
  url: string
}

export interface Plan {
  id: number
  code: string
  title_vi: string
  title_en: string
  issuer: number
  standing_agency: number
  directives: number[]
  parent: number | null
  start: string | null
  end: string | null
  stages: string[]
}

export interface TaskGroup {
  id: number
  plan: number
  code: string
  title_vi: string
  title_en: string
  order: number
  parent: number | null
}

export type TaskStatus =
  | 'not_assigned'
  | 'done_on_time'
  | 'done_late'
  | 'in_progress_on_time'
  | 'overdue'
  | 'cancelled'
  | 'reported'
  | 'missing'
  | 'not_due'

export interface TaskState {
  amendments: number
  cancelled_on: string | null
  claimed: boolean
  claimed_on: string | null
  completed_on: string | null
  deadline: string | null
  difficulties: string
  lead_unit: number | null
  original_deadline: string | null
  period: string | null
  progress_percent: number | null
  proposals: string
  slip_days: number
  status: TaskStatus
  verified: boolean
  verified_on: string | null
}

export interface Task {
  id: number
  plan: number
  group: number | null
  code: string
  title_vi: string
  title_en: string
  description: string
  expected_output: string
  kind: string
  cadence: string | null
  lead_unit: number | null
  coordinating_units: number[]
  assigned_on: string
  start: string | null
  deadline: string | null
  priority: number
  classified: boolean
  parent: number | null
  indicators: number[]
  status: TaskStatus
  state: TaskState
}

export interface Indicator {
  id: number
  code: string
  name_vi: string
  name_en: string
  unit_of_measure: string
  class: string
  value_type: string
  period_type: 'monthly' | 'quarterly' | 'half_yearly' | 'yearly'
  unit_aggregation: string
  time_aggregation: string
  direction: 'up' | 'down'
  baseline_value: number | null
  baseline_date: string | null
  min_value: number | null
  max_value: number | null
  at_risk_threshold: number
  data_source: string
  responsible_unit: number | null
  numerator: number | null
  denominator: number | null
  factor: number
}

export interface DataValue {
  indicator: number
  unit: number
  period: string
  value: number
  comment: string
  state: 'draft' | 'submitted' | 'approved'
  stored_by: string
  stored_at: string
}

export interface Target {
  indicator: number
  unit: number | null
  date: string
  value: number
}
