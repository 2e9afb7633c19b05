// Looks up the tasks and indicators that urgings are about (the urging names only their ids), a
// page's worth at a time, remembering what it has seen.
import { reactive } from 'vue'
import { get } from '../../api'
import type { Indicator, Task } from '../../model'
import type { SubjectNames, Urging } from './types'

export function useSubjectNames() {
  const names = reactive<SubjectNames>({ tasks: new Map(), indicators: new Map() })
  async function lookUp(list: Urging[]): Promise<void> {
    const tasks = [...new Set(list.map((u) => u.task).filter((id): id is number => !!id && !names.tasks.has(id)))]
    const inds = [...new Set(list.map((u) => u.indicator).filter((id): id is number => !!id && !names.indicators.has(id)))]
    await Promise.all([
      ...tasks.map((id) => get<Task>(`/api/v1/tasks/${id}`).then((x) => void names.tasks.set(id, x), () => undefined)),
      ...inds.map((id) => get<Indicator>(`/api/v1/indicators/${id}`).then((x) => void names.indicators.set(id, x), () => undefined)),
    ])
  }
  return { names, lookUp }
}
