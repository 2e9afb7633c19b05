// Reference data most pages need — org units and plans — read once per session and shared.
// invalidateReference() after a change to units or plans.
import { get, type Page } from './api'
import type { OrgUnit, Plan } from './model'

let units: Promise<Map<number, OrgUnit>> | null = null
let plans: Promise<Plan[]> | null = null

async function all<T>(path: string): Promise<T[]> {
  const out: T[] = []
  for (let offset = 0; ; offset += 1000) {
    const page = await get<Page<T>>(path, { limit: 1000, offset })
    out.push(...page.items)
    if (out.length >= page.total || page.items.length === 0) return out
  }
}

export function orgUnits(): Promise<Map<number, OrgUnit>> {
  units ??= all<OrgUnit>('/api/v1/org-units').then((list) => new Map(list.map((u) => [u.id, u])))
  return units
}

export function allPlans(): Promise<Plan[]> {
  plans ??= all<Plan>('/api/v1/plans')
  return plans
}

export function invalidateReference(): void {
  units = null
  plans = null
}

// The units beneath `root` (itself included), in tree order.
export function subtreeOf(map: Map<number, OrgUnit>, root: number): OrgUnit[] {
  const children = new Map<number, OrgUnit[]>()
  for (const u of map.values()) {
    if (u.parent === null) continue
    const list = children.get(u.parent) ?? []
    list.push(u)
    children.set(u.parent, list)
  }
  const out: OrgUnit[] = []
  const walk = (id: number) => {
    const u = map.get(id)
    if (!u) return
    out.push(u)
    for (const c of (children.get(id) ?? []).sort((a, b) => a.code.localeCompare(b.code))) walk(c.id)
  }
  walk(root)
  return out
}
