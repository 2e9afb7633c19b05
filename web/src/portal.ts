// The public portal's reads: the open-data routes (/open/*, no sign-in) and the shapes they answer
// (docs/open-data contract: DatasetInfo, Dataset, versions, diff), with small helpers to read a
// dataset's rows by column name and to show a cell by its column's type.
import { get } from './api'
import { localIsoDate } from './dates'
import { fmtDate, fmtNumber, fmtPercent, lang, t } from './i18n'

export type DatasetKind = 'plan' | 'indicator' | 'scorecards' | 'review'
export const DATASET_KINDS: DatasetKind[] = ['plan', 'indicator', 'scorecards', 'review']

export type Cell = string | number | boolean | null

export interface DatasetColumn {
  name: string
  title_vi: string
  title_en: string
  type: 'string' | 'integer' | 'number' | 'date' | 'percent' | string
}

export interface Distribution {
  format: string
  media_type: string
  url: string
}

export interface Publisher {
  code: string
  name_vi: string
  name_en: string
}

export interface DatasetInfo {
  name: string
  kind: DatasetKind
  subject: string
  version: number
  title_vi: string
  title_en: string
  description_vi: string
  description_en: string
  publisher: Publisher
  issued: string
  modified: string
  keywords: string[]
  columns: DatasetColumn[]
  row_count: number
  distributions: Distribution[]
}

export interface Dataset extends DatasetInfo {
  rows: Cell[][]
  summary: Record<string, unknown>
}

export interface DatasetDiff {
  name: string
  from: number
  to: number
  added: Cell[][]
  removed: Cell[][]
  changed: { key: Cell[]; columns: string[]; before: Cell[]; after: Cell[] }[]
  summary_changed: boolean
}

// Summaries by kind (the contract's shapes).
export interface NamedRef { code: string; title_vi: string; title_en: string }
export interface PlanSummary {
  as_of: string
  plan: NamedRef
  total: number
  done_on_time: number
  done_late: number
  in_progress: number
  overdue: number
  cancelled: number
  recurring: number
  completion_rate: number | null
  completion_rate_claimed: number | null
  on_time_rate: number | null
  groups: (NamedRef & { total: number; done: number; completion_rate: number | null })[]
}
export interface IndicatorSummary {
  indicator: { code: string; name_vi: string; name_en: string; unit_of_measure: string; period_type: string; direction: string }
  targets: { unit_code: string; unit_name_vi: string; unit_name_en: string; year: number; value: number }[]
}
export interface ScorecardsSummary { plan: NamedRef; period: string; judged_on: string }
export interface ReviewSummary { plan: NamedRef; kind: string; as_of: string; title_vi: string; title_en: string }

const enc = encodeURIComponent

export const catalog = async (): Promise<DatasetInfo[]> =>
  (await get<{ datasets: DatasetInfo[] }>('/open/datasets.json')).datasets

export const datasetJsonUrl = (name: string, version?: number | null): string =>
  version ? `/open/datasets/${enc(name)}/v${version}.json` : `/open/datasets/${enc(name)}.json`
export const datasetCsvUrl = (name: string, version?: number | null): string =>
  version ? `/open/datasets/${enc(name)}/v${version}.csv` : `/open/datasets/${enc(name)}.csv`

export const dataset = (name: string, version?: number | null): Promise<Dataset> =>
  get<Dataset>(datasetJsonUrl(name, version))

export const versions = async (name: string): Promise<DatasetInfo[]> =>
  (await get<{ name: string; versions: DatasetInfo[] }>(`/open/datasets/${enc(name)}/versions.json`)).versions

export const diff = (name: string, from: number, to: number): Promise<DatasetDiff> =>
  get<DatasetDiff>(`/open/datasets/${enc(name)}/diff.json`, { from, to })

// The rows as objects keyed by column name.
export function rowObjects(ds: { columns: DatasetColumn[]; rows: Cell[][] }): Record<string, Cell>[] {
  return ds.rows.map((r) => Object.fromEntries(ds.columns.map((c, i) => [c.name, r[i] ?? null])))
}

// A record's field in the UI's language: `base_en` in English when present, else `base_vi`.
export function localField(r: object, base: string): string {
  const rec = r as Record<string, unknown>
  const en = rec[`${base}_en`]
  const vi = rec[`${base}_vi`]
  if (lang.value === 'en' && typeof en === 'string' && en) return en
  if (typeof vi === 'string' && vi) return vi
  return typeof en === 'string' ? en : ''
}

export const columnTitle = (c: DatasetColumn): string => (lang.value === 'en' && c.title_en) || c.title_vi || c.name

// A cell as text, by its column's type: numbers, percents and dates through the UI's formatters;
// a task status and a rating (known vocabularies) in words.
export function cellText(type: string, v: Cell, column = ''): string {
  if (v === null || v === undefined || v === '') return '—'
  if (typeof v === 'boolean') return String(v)
  if (column === 'status' && typeof v === 'string') return t(`status.${v}`)
  if (column === 'rating' && typeof v === 'string') return t(`score.rating.${v}`)
  if (column === 'unit_type' && typeof v === 'string') return t(`unitType.${v}`)
  switch (type) {
    case 'integer':
    case 'number':
      return typeof v === 'number' ? fmtNumber(v) : String(v)
    case 'percent':
      return typeof v === 'number' ? fmtPercent(v) : String(v)
    case 'date':
      return fmtDate(String(v))
    default:
      return String(v)
  }
}

// Lowercase without diacritics (đ → d), so that "chieng an" finds "Chiềng An".
export function folded(s: string): string {
  return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd').replace(/Đ/g, 'd').toLowerCase()
}

// An RFC 3339 instant (a version's date) as the local calendar day.
export function fmtDay(instant: string | null | undefined): string {
  if (!instant) return '—'
  const d = new Date(instant)
  return Number.isNaN(d.getTime()) ? instant : fmtDate(localIsoDate(d))
}
