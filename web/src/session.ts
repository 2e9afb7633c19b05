// Who is signed in. The session cookie is HttpOnly; the UI learns the user and the CSRF token from
// GET /api/v1/session on load and from signing in.
import { reactive } from 'vue'
import { ApiError, request, setCsrfToken } from './api'
import type { Role, User } from './model'

interface SessionBody {
  user: User
  csrf_token: string
  expires_at: string
}

export const session = reactive({
  user: null as User | null,
  loaded: false,
})

function adopt(body: SessionBody | null): void {
  session.user = body?.user ?? null
  setCsrfToken(body?.csrf_token ?? '')
  session.loaded = true
}

export async function loadSession(): Promise<void> {
  if (session.loaded) return
  try {
    adopt((await request<SessionBody>('GET', '/api/v1/session')).data)
  } catch (e) {
    if (!(e instanceof ApiError) || e.status !== 401) throw e
    adopt(null)
  }
}

export async function signIn(login: string, password: string): Promise<void> {
  adopt((await request<SessionBody>('POST', '/api/v1/session', { json: { login, password } })).data)
}

export async function signOut(): Promise<void> {
  try {
    await request('DELETE', '/api/v1/session')
  } finally {
    adopt(null)
  }
}

export function forgetSession(): void {
  adopt(null)
}

export function hasRole(...roles: Role[]): boolean {
  return session.user !== null && roles.includes(session.user.role)
}
