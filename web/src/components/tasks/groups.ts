// Task groups of a plan, in display order with their depth (sub-groups under their parent).
import { get, type Page } from '../../api'
import type { TaskGroup } from '../../model'

export interface GroupRow {
  group: TaskGroup
  depth: number
}

const cache = new Map<number, Promise<TaskGroup[]>>()

export function groupsOf(plan: number): Promise<TaskGroup[]> {
  let p = cache.get(plan)
  if (!p) {
    p = get<Page<TaskGroup>>('/api/v1/task-groups', { plan, sort: 'order', limit: 1000 }).then((r) => r.items)
    p.catch(() => cache.delete(plan))
    cache.set(plan, p)
  }
  return p
}

export function orderedGroups(groups: TaskGroup[]): GroupRow[] {
  const ids = new Set(groups.map((g) => g.id))
  const children = new Map<number | null, TaskGroup[]>()
  for (const g of groups) {
    const key = g.parent !== null && ids.has(g.parent) ? g.parent : null
    const list = children.get(key) ?? []
    list.push(g)
    children.set(key, list)
  }
  const out: GroupRow[] = []
  const walk = (parent: number | null, depth: number) => {
    const list = (children.get(parent) ?? []).sort((a, b) => a.order - b.order || a.id - b.id)
    for (const g of list) {
      out.push({ group: g, depth })
      walk(g.id, depth + 1)
    }
  }
  walk(null, 0)
  return out
}
