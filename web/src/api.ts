// The JSON API client: same-origin cookie session, the CSRF token on every change, the UI's
// language in Accept-Language, and problem+json turned into ApiError with its field errors.
import { lang } from './i18n'

export interface FieldError {
  field: string
  code: string
  message: string
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    readonly title: string,
    readonly detail: string,
    readonly errors: FieldError[] = [],
    // The specific English sentence the server adds to a Vietnamese answer (detail_en).
    readonly detailEn: string = '',
  ) {
    super(detail || title)
  }
  // The field error for `field` (exact name), if any.
  fieldError(field: string): FieldError | undefined {
    return this.errors.find((e) => e.field === field)
  }
}

export interface Page<T> {
  items: T[]
  total: number
  limit: number
  offset: number
}

let csrfToken = ''
export function setCsrfToken(token: string): void {
  csrfToken = token
}

// Called when an answer says the session is gone (401 on anything but signing in).
let onUnauthenticated: () => void = () => {}
export function setUnauthenticatedHandler(f: () => void): void {
  onUnauthenticated = f
}

export type Query = Record<string, string | number | boolean | null | undefined>

export function withQuery(path: string, query?: Query): string {
  if (!query) return path
  const params = new URLSearchParams()
  for (const [k, v] of Object.entries(query)) {
    if (v === null || v === undefined || v === '') continue
    params.set(k, String(v))
  }
  const s = params.toString()
  return s ? `${path}?${s}` : path
}

export interface RequestOptions {
  query?: Query
  json?: unknown
  body?: Blob | ArrayBuffer | string
  contentType?: string
  ifMatch?: string | null
}

export interface Answer<T> {
  data: T
  etag: string | null
  status: number
}

export async function request<T>(
  method: string,
  path: string,
  options: RequestOptions = {},
): Promise<Answer<T>> {
  const headers: Record<string, string> = {
    Accept: 'application/json',
    'Accept-Language': lang.value,
  }
  let body: BodyInit | undefined
  if (options.json !== undefined) {
    headers['Content-Type'] = 'application/json'
    body = JSON.stringify(options.json)
  } else if (options.body !== undefined) {
    headers['Content-Type'] = options.contentType ?? 'application/octet-stream'
    body = options.body
  }
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers['X-CSRF-Token'] = csrfToken
  if (options.ifMatch) headers['If-Match'] = options.ifMatch
  const res = await fetch(withQuery(path, options.query), {
    method,
    headers,
    body,
    credentials: 'same-origin',
  })
  const etag = res.headers.get('ETag')
  const type = res.headers.get('Content-Type') ?? ''
  if (!res.ok) {
    let problem: Record<string, unknown> = {}
    if (type.includes('json')) problem = (await res.json().catch(() => ({}))) as typeof problem
    const err = new ApiError(
      res.status,
      String(problem.type ?? ''),
      String(problem.title ?? res.statusText),
      String(problem.detail ?? ''),
      Array.isArray(problem.errors) ? (problem.errors as FieldError[]) : [],
      String(problem.detail_en ?? ''),
    )
    if (res.status === 401 && path !== '/api/v1/session') onUnauthenticated()
    throw err
  }
  const data = (res.status === 204 || !type.includes('json') ? null : await res.json()) as T
  return { data, etag, status: res.status }
}

export const get = async <T>(path: string, query?: Query): Promise<T> =>
  (await request<T>('GET', path, { query })).data
export const post = async <T>(path: string, json: unknown, query?: Query): Promise<T> =>
  (await request<T>('POST', path, { json, query })).data
