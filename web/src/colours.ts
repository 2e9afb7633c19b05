// One colour per task status, for every chart and legend (the donut of the dashboard, the bars of
// the timeline), so that a status looks the same wherever it is drawn. The status is always
// named beside its colour.
export const STATUS_COLOURS: Record<string, string> = {
  done_on_time: '#15803d',
  done_late: '#ea8a0c',
  in_progress_on_time: '#2563eb',
  overdue: '#dc2626',
  cancelled: '#9ca3af',
  not_assigned: '#6b7280',
  reported: '#0d9488',
  missing: '#9f1239',
  not_due: '#d1d5db',
}
