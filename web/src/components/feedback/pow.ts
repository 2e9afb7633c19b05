// The feedback challenge: fetch one and solve it in a Web Worker (WebCrypto SHA-256).
import { get } from '../../api'

export interface Challenge { token: string; difficulty: number; expires_at: string }

export async function solveChallenge(onProgress: (tries: number) => void): Promise<{ token: string; nonce: string }> {
  if (typeof Worker === 'undefined' || !globalThis.crypto?.subtle) throw new Error('no-crypto')
  const ch = await get<Challenge>('/api/v1/feedback/challenge')
  const worker = new Worker(new URL('./pow.worker.ts', import.meta.url), { type: 'module' })
  try {
    const nonce = await new Promise<string>((ok, fail) => {
      worker.onmessage = (e: MessageEvent<{ nonce?: string; progress?: number; tries?: number }>) => {
        if (e.data.nonce !== undefined) {
          onProgress(e.data.tries ?? 0)
          ok(e.data.nonce)
        } else if (e.data.progress) onProgress(e.data.progress)
      }
      worker.onerror = (e) => fail(new Error(e.message || 'worker'))
      worker.postMessage({ token: ch.token, difficulty: ch.difficulty })
    })
    return { token: ch.token, nonce }
  } finally {
    worker.terminate()
  }
}

export type TargetKind = 'plan' | 'task' | 'indicator'
export type FeedbackKind = 'initiative' | 'recommendation' | 'question' | 'complaint'
export const feedbackKinds: FeedbackKind[] = ['initiative', 'recommendation', 'question', 'complaint']

export interface PublishedFeedback {
  id: number
  kind: FeedbackKind
  text: string
  author_name: string | null
  created_at: string
  answer: string | null
  answered_at: string | null
}

// UTF-8 length, as the server counts.
export const byteLength = (s: string): number => new TextEncoder().encode(s).length
