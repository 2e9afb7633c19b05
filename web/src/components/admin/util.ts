// Small helpers shared by the administration pages.
import { ApiError } from '../../api'
import type { OrgUnit } from '../../model'

// Lower case without Vietnamese diacritics ("Sở Khoa học" → "so khoa hoc"), for matching.
export function fold(s: string): string {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .toLowerCase()
}

export function unitMatches(u: OrgUnit, folded: string): boolean {
  const words = folded.split(/\s+/).filter(Boolean)
  if (!words.length) return true
  const hay = fold([u.code, u.name_vi, u.name_en, u.leader_name].join(' '))
  return words.every((w) => hay.includes(w))
}

// One CSV cell, quoted when needed (RFC 4180).
export function csvCell(v: string | null | undefined): string {
  const s = v ?? ''
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

export function csvRows(rows: (string | null | undefined)[][]): string {
  return rows.map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n'
}


// The message of the field error for `field`, if the error carries one.
export function fieldMessage(err: unknown, field: string): string {
  return err instanceof ApiError ? (err.fieldError(field)?.message ?? '') : ''
}

export const isStatus = (err: unknown, status: number): boolean =>
  err instanceof ApiError && err.status === status

// Is the unit in force on `date` (inclusive bounds; null = open)?
export function inForce(u: OrgUnit, date: string): boolean {
  return (u.valid_from === null || u.valid_from <= date) && (u.valid_to === null || u.valid_to >= date)
}

export const UNIT_TYPES = ['central', 'province', 'committee', 'department', 'commune', 'ward', 'village', 'other'] as const
export const ROLES = ['admin', 'steering', 'standing_agency', 'unit_leader', 'unit_officer', 'viewer'] as const
