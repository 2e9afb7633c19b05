// The dashboard: headline figures for a plan on a date, the language switch, the links into the
// task list, scope (an officer sees only its ward), and the layout on a phone.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { WIDTHS, apiAs, assertClean, launchBrowser, openPage, shoot, signIn, startServer } from './harness.mjs'

let server
let browser
let admin
before(async () => {
  server = await startServer()
  browser = await launchBrowser()
  admin = await apiAs(server.api, 'admin')
})
after(async () => {
  await browser?.close()
  await server?.stop()
})

const DASH = '/dashboard?plan=333-KH/TU&as_of=2025-12-31'

async function openDashboard(login, { width = WIDTHS.desktop, path = DASH } = {}) {
  const opened = await openPage(browser, { width })
  await signIn(opened.page, server.base, login)
  await opened.page.goto(`${server.base}${path}`)
  await opened.page.getByTestId('kpi-completion-value').waitFor()
  return opened
}

function queryOf(page) {
  const url = new URL(page.url())
  return { path: url.pathname, query: Object.fromEntries(url.searchParams) }
}

test('the admin sees 73,3% completion on 31/12/2025, and 73.3% in English with translated headings', async () => {
  const { page, problems } = await openDashboard('admin')
  const value = page.getByTestId('kpi-completion-value')
  assert.equal((await value.textContent()).trim(), '73,3%')
  // The claimed rate sits beside the verified one.
  const claimed = (await admin.get('/api/v1/analytics/tasks?plan=333-KH/TU&as_of=2025-12-31&claimed=true')).body
  assert.notEqual(claimed.completion_rate, 73.3)
  await page.getByTestId('kpi-claimed').getByText(`${String(claimed.completion_rate).replace('.', ',')}%`).waitFor()
  // The defaults of the other controls are written into the address, so the view is a link: the
  // plan is read for its issuing province, which the admin's scope holds.
  await page.waitForURL((u) => u.searchParams.get('unit') === 'SL')
  assert.equal(await page.getByLabel('Tính đến ngày').inputValue(), '31/12/2025')
  await page.getByRole('heading', { name: 'Cơ cấu trạng thái nhiệm vụ' }).waitFor()
  await page.getByRole('heading', { name: 'Xếp hạng đơn vị chủ trì' }).waitFor()
  // The indicator table is filled, with sparklines that carry their values as text.
  const indicators = (await admin.get('/api/v1/analytics/indicators?unit=SL&periods=2025')).body.rows
  assert.equal(await page.getByTestId('indicator-table').locator('tbody tr').count(), indicators.length)
  await page.getByRole('img', { name: /^Diễn biến Số bộ dữ liệu mở/ }).waitFor()
  await shoot(page, 'dashboard')

  await page.getByTestId('lang-switch').click()
  await page.getByRole('heading', { name: 'Task status breakdown' }).waitFor()
  assert.equal((await value.textContent()).trim(), '73.3%')
  await page.getByRole('heading', { name: 'Overdue tasks' }).waitFor()
  await page.getByRole('heading', { name: 'Early warnings' }).waitFor()
  await page.getByRole('heading', { name: 'Lead unit ranking' }).waitFor()
  assert.equal(await page.getByLabel('As of').inputValue(), '31/12/2025')
  await shoot(page, 'dashboard-en')
  assertClean(problems)
})

test('the overdue card and the overdue list lead to the task list and to a task', async () => {
  const { page, problems } = await openDashboard('admin')
  const overdue = (await admin.get('/api/v1/tasks?plan=2&status=overdue&as_of=2025-12-31&sort=deadline&limit=10')).body
  assert.ok(overdue.total > 0)
  await page.getByTestId('kpi-overdue').click()
  await page.waitForURL(/\/tasks\?/)
  assert.deepEqual(queryOf(page), {
    path: '/tasks',
    query: { plan: '2', status: 'overdue', lead_unit: '2', subtree: 'true', as_of: '2025-12-31' },
  })

  await page.goBack()
  const rows = page.getByTestId('overdue-table').locator('tbody tr')
  await rows.first().waitFor()
  assert.equal(await rows.count(), overdue.items.length)
  const first = overdue.items[0]
  await rows.first().getByRole('link').click()
  await page.waitForURL(new RegExp(`/tasks/${first.id}$`))

  await page.goBack()
  await page.getByTestId('overdue-see-all').click()
  await page.waitForURL(/\/tasks\?/)
  assert.equal(queryOf(page).query.status, 'overdue')
  assertClean(problems)
})

test('a status in the breakdown opens the task list of that status', async () => {
  const { page, problems } = await openDashboard('admin')
  const legend = page.getByTestId('status-legend')
  await legend.getByRole('link', { name: 'Hoàn thành quá hạn' }).click()
  await page.waitForURL(/\/tasks\?/)
  assert.deepEqual(queryOf(page), {
    path: '/tasks',
    query: { plan: '2', status: 'done_late', lead_unit: '2', subtree: 'true', as_of: '2025-12-31' },
  })
  await page.goBack()
  await legend.getByRole('link', { name: 'Quá hạn', exact: true }).click()
  await page.waitForURL((u) => u.pathname === '/tasks' && u.searchParams.get('status') === 'overdue')
  assertClean(problems)
})

test('changing the date or the unit updates the address and the figures', async () => {
  const { page, problems } = await openDashboard('admin')
  const value = page.getByTestId('kpi-completion-value')
  const mid = (await admin.get('/api/v1/analytics/tasks?plan=333-KH/TU&as_of=2025-09-30')).body
  assert.notEqual(mid.completion_rate, 73.3)
  // Dates are typed day first; an impossible one is refused where it was typed.
  await page.getByLabel('Tính đến ngày').fill('31/02/2025')
  await page.getByRole('alert').getByText('Ngày không hợp lệ').waitFor()
  assert.equal(new URL(page.url()).searchParams.get('as_of'), '2025-12-31')
  await page.getByLabel('Tính đến ngày').fill('30/09/2025')
  await page.waitForURL((u) => u.searchParams.get('as_of') === '2025-09-30')
  await page.getByTestId('kpi-completion-value')
    .getByText(`${mid.completion_rate.toFixed(1).replace('.', ',')}%`).waitFor()

  const skhcn = (await admin.get('/api/v1/analytics/tasks?plan=333-KH/TU&as_of=2025-09-30&unit=SL-SKHCN&subtree=true')).body
  await page.getByLabel(/^Đơn vị/).selectOption('SL-SKHCN')
  await page.waitForURL((u) => u.searchParams.get('unit') === 'SL-SKHCN')
  await value.getByText(`${skhcn.completion_rate.toFixed(1).replace('.', ',')}%`).waitFor()
  assert.equal((await page.getByTestId('kpi-total').locator('.kpi-value').textContent()).trim(), String(skhcn.total))
  // The links now carry the unit: the overdue card opens the unit's overdue tasks.
  await page.getByTestId('kpi-overdue').click()
  await page.waitForURL(/\/tasks\?/)
  assert.deepEqual(queryOf(page).query, {
    plan: '2', status: 'overdue', lead_unit: '86', subtree: 'true', as_of: '2025-09-30',
  })
  assertClean(problems)
})

test('an officer of Chiềng An sees the figures of its own ward only', async () => {
  const officer = await apiAs(server.api, 'chiengan.canbo')
  const own = (await officer.get('/api/v1/analytics/tasks?plan=333-KH/TU&as_of=2025-12-31')).body
  const all = (await admin.get('/api/v1/analytics/tasks?plan=333-KH/TU&as_of=2025-12-31')).body
  assert.notEqual(own.total, all.total)
  const { page, problems } = await openDashboard('chiengan.canbo')
  await page.waitForURL((u) => u.searchParams.get('unit') === 'SL-W-CHIENGAN')
  const shown = (await page.getByTestId('kpi-completion-value').textContent()).trim()
  assert.equal(shown, `${own.completion_rate.toFixed(1).replace('.', ',')}%`)
  assert.notEqual(shown, '73,3%')
  assert.equal((await page.getByTestId('kpi-total').locator('.kpi-value').textContent()).trim(), String(own.total))
  // The unit control offers only the ward's subtree, and the ranking lists only the ward.
  const options = await page.getByLabel(/^Đơn vị/).locator('option').allTextContents()
  assert.ok(options.some((o) => o.includes('Chiềng An')))
  assert.ok(!options.some((o) => o.includes('Tỉnh Sơn La')), `options: ${options.join(', ')}`)
  const ranking = page.getByTestId('ranking-table').locator('tbody tr')
  await ranking.first().waitFor()
  assert.equal(await ranking.count(), 1)
  await shoot(page, 'dashboard-officer')
  assertClean(problems)
})

test('on a phone the dashboard fits the screen and the ranking shows the top 10', async () => {
  const { page, problems } = await openDashboard('admin', { width: WIDTHS.phone })
  await page.getByTestId('indicator-table').waitFor()
  const ranking = page.getByTestId('ranking-table').locator('tbody tr')
  await ranking.first().waitFor()
  assert.equal(await ranking.count(), 10)
  await page.getByRole('img', { name: /^Diễn biến Số bộ dữ liệu mở/ }).waitFor()
  const fits = await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)
  assert.ok(fits, 'no horizontal overflow at 360 px')
  await shoot(page, 'dashboard')
  const toggle = page.getByTestId('ranking-toggle')
  assert.equal(await toggle.getAttribute('aria-expanded'), 'false')
  await toggle.click()
  assert.ok((await ranking.count()) > 10)
  assert.equal(await toggle.getAttribute('aria-expanded'), 'true')
  // Keyboard: the toggle works with Enter as well.
  await toggle.focus()
  await page.keyboard.press('Enter')
  assert.equal(await ranking.count(), 10)
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth))
  assertClean(problems)
})

test('without a plan in the address, the plan closest to the caller, then the one last chosen', async () => {
  const plans = (await admin.get('/api/v1/plans?limit=100')).body.items
  const framework = plans.find((p) => p.code !== '333-KH/TU')
  assert.ok(framework, 'the demo holds a second plan')
  // The province's plan is issued beneath the national framework: for a national admin and for a
  // ward officer alike, the more local plan comes first.
  for (const login of ['admin', 'chiengan.canbo']) {
    const { page, problems } = await openDashboard(login, { path: '/dashboard' })
    await page.waitForURL((u) => u.searchParams.get('plan') === '333-KH/TU')
    assertClean(problems)
  }
  const { page, problems } = await openDashboard('admin', { path: '/dashboard' })
  await page.getByLabel('Kế hoạch', { exact: true }).selectOption(framework.code)
  await page.waitForURL((u) => u.searchParams.get('plan') === framework.code)
  await page.goto(`${server.base}/dashboard`)
  await page.waitForURL((u) => u.searchParams.get('plan') === framework.code)
  assertClean(problems)
})
