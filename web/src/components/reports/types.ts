// The records of the accountability routes as the UI reads them (docs/reports.md, docs/urging.md),
// and who may do what on a report — decided in the UI from the session user (the server is the
// authority: a refused action shows its problem message).
import type { OrgUnit, Plan, TaskStatus, User } from '../../model'
import { inSubtree, administersPlan } from '../tasks/access'
import { fmtPeriod, nameOf, t, titleOf } from '../../i18n'

export type PeriodType = 'monthly' | 'quarterly' | 'half_yearly' | 'yearly'
export type ReportState = 'draft' | 'submitted' | 'approved' | 'accepted' | 'returned'
export const REPORT_STATES: ReportState[] = ['draft', 'submitted', 'approved', 'accepted', 'returned']
export type ReportAction = 'submit' | 'approve' | 'accept' | 'return' | 'revise'

export interface ReportSignature {
  key: number
  algorithm: string
  public_key: string
  signature: string
  signer_login: string
  signer_name: string
  signed_at: string
}

export interface ReportTaskUpdate {
  on?: string
  at?: string
  kind?: string
  type?: string
  progress_percent?: number | null
  note?: string
  text?: string
  difficulties?: string
  proposals?: string
  [k: string]: unknown
}

export interface ReportTask {
  id?: number
  task?: number
  code: string
  title_vi?: string
  title_en?: string
  title?: string
  status: TaskStatus | string
  progress_percent?: number | null
  progress?: number | null
  completed_on?: string | null
  difficulties?: string
  proposals?: string
  updates?: ReportTaskUpdate[]
}

export interface ReportValue {
  indicator?: number
  indicator_code?: string
  code?: string
  indicator_name_vi?: string
  indicator_name_en?: string
  name_vi?: string
  name_en?: string
  name?: string
  period: string
  value: number | null
  state?: string
}

export interface MissingItem {
  kind?: string
  code?: string
  indicator?: number
  task?: number
  indicator_code?: string
  task_code?: string
  name?: string
  title?: string
  message?: string
  [k: string]: unknown
}

export interface Completeness {
  present: number
  required: number
  ratio?: number | null
  percent?: number | null
  missing?: (MissingItem | string)[]
}

export interface ReportSummary {
  id: number
  plan: number
  plan_code?: string
  unit: number
  unit_code?: string
  unit_name_vi?: string
  unit_name_en?: string
  period: string
  revision: number
  state: ReportState
  due_on: string | null
  submitted_at?: string | null
  on_time?: boolean | null
  late?: boolean | null
  timeliness?: 'on_time' | 'late' | 'missing' | 'not_yet_due' | null
  completeness?: Completeness | number | null
  supersedes?: number | null
  superseded_by?: number | null
  created_at?: string
  updated_at?: string
}

export interface Report extends ReportSummary {
  results?: string
  difficulties?: string
  proposals?: string
  narrative?: { results?: string; difficulties?: string; proposals?: string }
  tasks?: ReportTask[]
  values?: ReportValue[]
  content?: { tasks?: ReportTask[]; values?: ReportValue[]; completeness?: Completeness }
  signature?: ReportSignature | null
  submitted_by?: string | null
  actions?: ReportAction[]
  first_submitted_at?: string | null
}

export interface ReportEvent {
  id?: number
  at: string
  by?: string
  by_login?: string
  by_name?: string
  actor?: string
  action?: string
  from?: string | null
  to?: string | null
  from_state?: string | null
  to_state?: string | null
  comment?: string
}

export type Rung = 'reminder' | 'notice' | 'explanation_request' | 'inspection_flag'
export const RUNGS: Rung[] = ['reminder', 'notice', 'explanation_request', 'inspection_flag']

export interface Urging {
  id: number
  rung: Rung
  subject: 'task' | 'report' | 'indicator' | string
  task?: number | null
  indicator?: number | null
  period?: string | null
  plan?: number | null
  unit: number | UrgingUnit
  due_on?: string | null
  raised_on: string
  message?: string
  answer?: string | null
  answered_by?: string | null
  answered_at?: string | null
  created_at?: string
}

export interface Notification {
  id: number
  title: string
  body?: string
  link?: string | null
  urging?: number | null
  created_at: string
  read_at?: string | null
}

export function narrativeOf(r: Report): { results: string; difficulties: string; proposals: string } {
  const n = r.narrative ?? r
  return { results: n.results ?? '', difficulties: n.difficulties ?? '', proposals: n.proposals ?? '' }
}
export const tasksOf = (r: Report): ReportTask[] => r.tasks ?? r.content?.tasks ?? []
export const valuesOf = (r: Report): ReportValue[] => r.values ?? r.content?.values ?? []
export function completenessOf(r: ReportSummary | Report): Completeness | null {
  const c = (r as Report).content?.completeness ?? r.completeness ?? null
  if (c === null || c === undefined) return null
  if (typeof c === 'number') return { present: 0, required: 0, percent: c <= 1 ? c * 100 : c }
  return c
}
// The completeness as a percentage (100 when nothing is required), or null when unknown.
export function completenessPercent(c: Completeness | null): number | null {
  if (!c) return null
  if (typeof c.percent === 'number') return c.percent
  if (typeof c.ratio === 'number') return c.ratio <= 1 ? c.ratio * 100 : c.ratio
  if (c.required > 0) return (100 * c.present) / c.required
  return 100
}

// The end of the due day in local time (Vietnam keeps +07:00 all year; the browser's own zone is
// the deployment's in practice).
function dueEnd(due: string): number {
  return new Date(`${due}T23:59:59.999`).getTime()
}
export type Timeliness = 'on_time' | 'late' | 'overdue' | 'not_yet_due' | null
// On time / late for a submitted report (the server's verdict when it gives one), overdue or not
// yet due for one still unsubmitted.
export function timelinessOf(r: ReportSummary, now = Date.now()): Timeliness {
  if (r.timeliness) return r.timeliness === 'missing' ? 'overdue' : (r.timeliness as Timeliness)
  if (!r.due_on) return null
  if (r.on_time === true) return 'on_time'
  if (r.on_time === false || r.late === true) return r.submitted_at ? 'late' : 'overdue'
  if (r.submitted_at) return new Date(r.submitted_at).getTime() <= dueEnd(r.due_on) ? 'on_time' : 'late'
  if (r.revision > 1 && r.supersedes) return null
  return now > dueEnd(r.due_on) ? 'overdue' : 'not_yet_due'
}

const isUnitStaff = (u: User) => u.role === 'unit_leader' || u.role === 'unit_officer'

export function mayCreateReports(user: User | null): boolean {
  return user !== null && isUnitStaff(user)
}

// Roles for which "awaiting me" means something (the others open on "all").
export function hasInbox(user: User | null): boolean {
  return user !== null && (isUnitStaff(user) || user.role === 'standing_agency')
}

// The actions the caller's role allows on a report in its state.
export function reportActions(
  user: User | null,
  r: Report,
  plan: Plan | undefined,
  units: Map<number, OrgUnit>,
): ReportAction[] {
  if (r.actions) return r.actions
  if (!user) return []
  const ofUnit = isUnitStaff(user) && inSubtree(units, user.unit, r.unit)
  const leader = ofUnit && user.role === 'unit_leader'
  const admin = administersPlan(user, plan, units)
  const out: ReportAction[] = []
  switch (r.state) {
    case 'draft':
    case 'returned':
      if (ofUnit) out.push('submit')
      break
    case 'submitted':
      if (leader) out.push('approve')
      if (leader || admin) out.push('return')
      break
    case 'approved':
      if (admin) out.push('accept', 'return')
      break
    case 'accepted':
      if (ofUnit && !r.superseded_by) out.push('revise')
      break
  }
  return out
}

export function mayEditNarrative(user: User | null, r: Report, units: Map<number, OrgUnit>): boolean {
  if (!user || (r.state !== 'draft' && r.state !== 'returned')) return false
  return isUnitStaff(user) && inSubtree(units, user.unit, r.unit)
}

// A short, readable fingerprint of a base64 public key: the first 16 hex digits of its bytes,
// grouped by four (enough to compare by eye; the full key is in the signed file).
export function fingerprint(b64: string): string {
  try {
    const bin = atob(b64)
    let hex = ''
    for (let i = 0; i < bin.length; i++) hex += bin.charCodeAt(i).toString(16).padStart(2, '0')
    return hex.slice(0, 16).toUpperCase().replace(/(.{4})(?=.)/g, '$1 ')
  } catch {
    return b64.slice(0, 16)
  }
}

// An in-app path for a link the server gives (an app path as is; an API path of a record mapped to
// its page).
export function appPath(link: string | null | undefined): string | null {
  if (!link) return null
  const api = /^\/api\/v1(\/.*)$/.exec(link)
  const p = api ? api[1] : link
  if (!p.startsWith('/')) return null
  return p
}

// The unit an urging holds to account: the API answers {id, code, name_vi, name_en}.
export interface UrgingUnit { id: number; code?: string; name_vi?: string; name_en?: string }
export function urgingUnitId(u: Urging): number {
  return typeof u.unit === 'number' ? u.unit : u.unit.id
}

// The labels of an urging's subject the page has looked up (tasks and indicators by id).
export interface SubjectNames {
  tasks: Map<number, { code: string; title_vi?: string; title_en?: string }>
  indicators: Map<number, { code: string; name_vi?: string; name_en?: string }>
}

// What an urging is about, as a kind, a label and (when there is one) an in-app link.
export function urgingSubject(u: Urging, names?: SubjectNames): { kind: string; label: string; link: string | null } {
  const kind = typeof u.subject === 'string' ? u.subject : u.task ? 'task' : u.indicator ? 'indicator' : 'report'
  if (kind === 'task' && u.task) {
    const task = names?.tasks.get(u.task)
    return { kind, label: task ? `${task.code} · ${titleOf(task)}` : `#${u.task}`, link: `/tasks/${u.task}` }
  }
  if (kind === 'indicator' && u.indicator) {
    const ind = names?.indicators.get(u.indicator)
    const label = [ind ? `${ind.code} · ${nameOf(ind)}` : `#${u.indicator}`, u.period ? fmtPeriod(u.period) : '']
    return { kind, label: label.filter(Boolean).join(' — '), link: `/indicators/${u.indicator}` }
  }
  const query = new URLSearchParams()
  if (u.plan) query.set('plan', String(u.plan))
  query.set('unit', String(urgingUnitId(u)))
  if (u.period) query.set('period', u.period)
  query.set('view', 'all')
  return {
    kind: 'report',
    label: u.period ? t('urg.subject.reportOf', { period: fmtPeriod(u.period) }) : t('urg.subject.report'),
    link: `/reports?${query.toString()}`,
  }
}

// Who may answer an explanation request: the leaders and officers of the unit held to account.
export function mayAnswer(user: User | null, u: Urging, units: Map<number, OrgUnit>): boolean {
  if (!user || u.rung !== 'explanation_request' || u.answer) return false
  return isUnitStaff(user) && inSubtree(units, user.unit, urgingUnitId(u))
}
