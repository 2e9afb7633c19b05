// The unread-notification count behind the bell in the top bar: refreshed on navigation, every
// minute, and by the notification centre after it marks something read.
import { ref } from 'vue'
import { get } from '../../api'

export const unreadCount = ref<number | null>(null)

let inFlight: Promise<void> | null = null
export function refreshUnread(): Promise<void> {
  inFlight ??= get<{ count?: number; unread?: number }>('/api/v1/notifications/unread-count')
    .then((r) => {
      const n = r?.count ?? r?.unread
      unreadCount.value = typeof n === 'number' ? n : null
    })
    .catch(() => {
      // The bell is a convenience: a failed count leaves it without a number, never an error.
      unreadCount.value = null
    })
    .finally(() => {
      inFlight = null
    })
  return inFlight
}

export function setUnread(n: number): void {
  unreadCount.value = Math.max(0, n)
}
