// Who may do what on a task, decided in the UI from the session user and the task (the server is
// the authority: a refused action shows its problem message). See docs/api.md "Roles and scopes".
import type { OrgUnit, Plan, Task, User } from '../../model'

// Whether `unit` lies in the subtree of `root` (itself included), by walking up the parents.
export function inSubtree(units: Map<number, OrgUnit>, root: number, unit: number | null): boolean {
  let id: number | null = unit
  for (let guard = 0; id !== null && guard < 64; guard++) {
    if (id === root) return true
    id = units.get(id)?.parent ?? null
  }
  return false
}

// Plan administrators: admin, or a standing agency whose scope holds the plan's standing agency.
export function administersPlan(user: User | null, plan: Plan | undefined, units: Map<number, OrgUnit>): boolean {
  if (!user || !plan) return false
  if (user.role === 'admin') return true
  return user.role === 'standing_agency' && inSubtree(units, user.unit, plan.standing_agency)
}

// Reporting (progress, claim): the lead unit in force's leaders and officers, and plan administrators.
export function mayReport(user: User | null, task: Task, plan: Plan | undefined, units: Map<number, OrgUnit>): boolean {
  if (!user) return false
  if (administersPlan(user, plan, units)) return true
  const lead = task.state.lead_unit ?? task.lead_unit
  return (user.role === 'unit_leader' || user.role === 'unit_officer') && inSubtree(units, user.unit, lead)
}

// Comments: every signed-in role but viewer that can see the task.
export function mayComment(user: User | null): boolean {
  return user !== null && user.role !== 'viewer'
}

export const TASK_STATUSES = [
  'in_progress_on_time',
  'overdue',
  'done_on_time',
  'done_late',
  'cancelled',
  'not_assigned',
  'reported',
  'missing',
  'not_due',
] as const

// Links found in free evidence text (URLs and the server's evidence downloads).
export function linksIn(text: string | null | undefined): { href: string; external: boolean }[] {
  if (!text) return []
  const out: { href: string; external: boolean }[] = []
  for (const token of text.split(/\s+/)) {
    if (/^https?:\/\/\S+$/i.test(token)) out.push({ href: token, external: true })
    else if (/^\/api\/v1\/evidence\/\d+$/.test(token)) out.push({ href: token, external: false })
  }
  return out
}


export interface EvidenceFile {
  id: number
  file_name: string
  content_type: string
  size: number
  uploaded_at: string
  uploaded_by: string
  url: string
}
