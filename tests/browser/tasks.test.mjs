// Plans, the task list, the task page and the timeline: filters in the URL, search by the lead
// unit's name, the report → claim → verify workflow moving the dashboard's completion figure, the
// actions an officer may not see, not-found for another commune's task, and screenshots.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { WIDTHS, apiAs, assertClean, launchBrowser, openPage, shoot, signIn, startServer } from './harness.mjs'

let server
let browser
let admin
const ids = {}

before(async () => {
  server = await startServer()
  browser = await launchBrowser()
  admin = await apiAs(server.base, 'admin')
  const unit = async (code) => (await admin.get(`/api/v1/org-units?code=${code}`)).body.items[0].id
  ids.chiengan = await unit('SL-W-CHIENGAN')
  ids.chiengla = await unit('SL-C-CHIENGLA')
  ids.skhcn = await unit('SL-SKHCN')
  const create = async (body) => {
    const r = await admin.post('/api/v1/tasks', { plan: 2, group: 17, assigned_on: '2026-09-01', ...body })
    assert.equal(r.status, 201, JSON.stringify(r.body))
    return r.body.id
  }
  // The demo's Chiềng An tasks are all done or recurring: one in progress for the workflow, and
  // one where Chiềng An only coordinates.
  ids.own = await create({ code: '7.90.W-CHIENGAN', title_vi: 'Số hóa sổ hộ tịch của phường Chiềng An',
    lead_unit: ids.chiengan, coordinating_units: [ids.skhcn], deadline: '2027-03-31',
    expected_output: 'Sổ hộ tịch được số hóa và đưa vào cơ sở dữ liệu' })
  ids.coord = await create({ code: '7.91', title_vi: 'Hướng dẫn các phường triển khai nền tảng số dùng chung',
    lead_unit: ids.skhcn, coordinating_units: [ids.chiengan], deadline: '2027-06-30' })
  const chiengla = await admin.get(`/api/v1/tasks?lead_unit=${ids.chiengla}&limit=1`)
  ids.chienglaTask = chiengla.body.items[0].id
})
after(async () => {
  await browser?.close()
  await server?.stop()
})

const noOverflow = async (page) => {
  const [sw, iw] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth])
  assert.ok(sw <= iw, `the page overflows horizontally: ${sw} > ${iw}`)
}

test('filters by status and by lead unit change the rows and the URL', async () => {
  const { page, problems } = await openPage(browser, { width: WIDTHS.desktop })
  await signIn(page, server.base, 'admin')
  await page.goto(`${server.base}/tasks?plan=2`)
  const rows = page.getByTestId('task-row')
  await rows.first().waitFor()
  const count = page.getByTestId('task-count')
  const before = await count.textContent()

  await page.getByLabel('Trạng thái', { exact: true }).selectOption('overdue')
  await page.waitForURL(/status=overdue/)
  await page.waitForFunction((b) => document.querySelector('[data-testid=task-count]')?.textContent !== b, before)
  const badges = await page.locator('[data-testid=task-row] .badge').allTextContents()
  assert.ok(badges.length > 0)
  assert.ok(badges.every((b) => b.trim() === 'Quá hạn'), `statuses: ${badges}`)

  await page.getByLabel('Trạng thái', { exact: true }).selectOption('')
  await page.getByLabel('Đơn vị chủ trì').selectOption(String(ids.skhcn))
  await page.waitForURL((u) => u.searchParams.get('lead_unit') === String(ids.skhcn) && !u.searchParams.has('status'))
  await page.waitForFunction(() => [...document.querySelectorAll('[data-testid=task-lead]')].every((e) => e.textContent.includes('Khoa học')))
  const leads = await page.getByTestId('task-lead').allTextContents()
  assert.ok(leads.length > 0)
  assert.ok(leads.every((l) => l.trim() === 'Sở Khoa học và Công nghệ'), `leads: ${leads}`)

  // Sorting by deadline puts aria-sort on its header and the sort in the URL.
  await page.getByRole('button', { name: 'Sắp xếp theo Thời hạn' }).click()
  await page.waitForURL(/sort=deadline/)
  assert.equal(await page.locator('th[aria-sort=ascending]').count(), 1)

  // A shared link restores the filters.
  await page.goto(`${server.base}/tasks?plan=2&status=done_late&lead_unit=${ids.skhcn}`)
  await rows.first().waitFor()
  assert.equal(await page.getByLabel('Trạng thái', { exact: true }).inputValue(), 'done_late')
  const shared = await page.locator('[data-testid=task-row] .badge').allTextContents()
  assert.ok(shared.every((b) => b.trim() === 'Hoàn thành quá hạn'))
  await page.goto(`${server.base}/tasks`)
  await rows.first().waitFor()
  await shoot(page, 'tasks')
  assertClean(problems)
})

test('the task list on a phone: cards, no sideways overflow', async () => {
  const { page, problems } = await openPage(browser, { width: WIDTHS.phone })
  await signIn(page, server.base, 'admin')
  await page.goto(`${server.base}/tasks?plan=2&sort=-deadline`)
  await page.getByTestId('task-row').first().waitFor()
  await shoot(page, 'tasks')
  await noOverflow(page)
  assertClean(problems)
})

test('search "chieng an" finds the tasks led by Phường Chiềng An', async () => {
  const { page, problems } = await openPage(browser, { width: WIDTHS.desktop })
  await signIn(page, server.base, 'admin')
  await page.goto(`${server.base}/tasks`)
  await page.getByTestId('task-row').first().waitFor()
  await page.getByLabel('Tìm theo mã, tên, đơn vị').fill('chieng an')
  await page.waitForURL(/q=chieng\+an|q=chieng%20an/)
  await page.waitForFunction(() => {
    const leads = [...document.querySelectorAll('[data-testid=task-lead]')].map((e) => e.textContent)
    return leads.filter((l) => l.includes('Phường Chiềng An')).length >= 3
  }, null, { timeout: 8000 })
  const codes = await page.locator('[data-testid=task-row] .col-code').allTextContents()
  assert.ok(codes.some((c) => c.includes('W-CHIENGAN')), `codes: ${codes}`)
  assert.ok(codes.some((c) => c.includes('TX-04')), `codes: ${codes}`)
  assertClean(problems)
})

async function completion(api) {
  const r = await api.get('/api/v1/analytics/tasks?plan=333-KH/TU')
  assert.equal(r.status, 200)
  return r.body.completion_rate
}
async function dashboardCompletion(page) {
  await page.goto(`${server.base}/dashboard?plan=333-KH/TU`)
  const kpi = page.getByTestId('kpi-completion-value')
  await kpi.waitFor()
  await page.waitForFunction(() => /\d/.test(document.querySelector('[data-testid=kpi-completion-value]')?.textContent ?? ''))
  return Number((await kpi.textContent()).replace(/[^\d,.-]/g, '').replace(',', '.'))
}

test('workflow: the ward reports and claims, the standing agency verifies, completion rises', async () => {
  const apiBefore = await completion(admin)

  const officer = await openPage(browser, { width: WIDTHS.desktop })
  const p = officer.page
  await signIn(p, server.base, 'chiengan.canbo')
  await p.goto(`${server.base}/tasks/${ids.own}`)
  await p.getByRole('heading', { name: 'Số hóa sổ hộ tịch của phường Chiềng An' }).waitFor()
  await p.getByText('Đang thực hiện trong hạn').first().waitFor()

  // An invalid percentage is refused next to its field and the other input is kept.
  await p.getByRole('button', { name: 'Báo cáo tiến độ' }).click()
  await p.getByLabel('Tiến độ (%)').fill('140')
  await p.getByLabel('Khó khăn, vướng mắc').fill('Sổ gốc một số năm bị hư hỏng')
  await p.getByTestId('act-submit').click()
  await p.locator('#act-progress_percent-err').waitFor()
  assert.equal(await p.getByLabel('Tiến độ (%)').getAttribute('aria-invalid'), 'true')
  assert.equal(await p.getByLabel('Khó khăn, vướng mắc').inputValue(), 'Sổ gốc một số năm bị hư hỏng')
  await p.getByLabel('Tiến độ (%)').fill('60')
  await p.getByLabel('Đề xuất, kiến nghị').fill('Đề nghị hỗ trợ máy quét')
  await p.getByTestId('act-submit').click()
  await p.getByRole('status').getByText('Đã ghi nhận: Báo cáo tiến độ.').waitFor()
  await p.getByTestId('ledger-event').filter({ hasText: 'Tiến độ: 60%' }).waitFor()

  await p.getByRole('button', { name: 'Báo cáo hoàn thành' }).click()
  await p.getByLabel(/Đường dẫn minh chứng/).fill('https://minhchung.sonla.example/chiengan/ho-tich.pdf')
  await p.getByTestId('act-submit').click()
  await p.getByText('Đang chờ cơ quan thường trực xác nhận').waitFor()
  await p.getByRole('link', { name: 'https://minhchung.sonla.example/chiengan/ho-tich.pdf' }).waitFor()
  assert.equal(await p.getByRole('button', { name: 'Xác nhận hoàn thành' }).count(), 0, 'the ward cannot verify')
  assertClean(officer.problems)

  const agency = await openPage(browser, { width: WIDTHS.desktop })
  const a = agency.page
  await signIn(a, server.base, 'skhcn.thuongtruc')
  await a.goto(`${server.base}/tasks/${ids.own}`)
  await a.getByRole('button', { name: 'Xác nhận hoàn thành' }).click()
  await a.getByTestId('act-submit').click()
  await a.locator('.page-head .badge', { hasText: 'Hoàn thành đúng hạn' }).waitFor()
  await a.getByTestId('ledger-event').filter({ hasText: 'Xác nhận hoàn thành' }).waitFor()
  await shoot(a, 'task')
  assertClean(agency.problems)

  const phone = await openPage(browser, { width: WIDTHS.phone })
  await signIn(phone.page, server.base, 'skhcn.thuongtruc')
  await phone.page.goto(`${server.base}/tasks/${ids.own}`)
  await phone.page.getByTestId('ledger-event').first().waitFor()
  await shoot(phone.page, 'task')
  await noOverflow(phone.page)
  assertClean(phone.problems)

  const apiAfter = await completion(admin)
  assert.ok(apiAfter > apiBefore, `API completion ${apiBefore} → ${apiAfter}`)

  // The dashboard (another page) shows the same rise.
  const dash = await openPage(browser, { width: WIDTHS.desktop })
  await signIn(dash.page, server.base, 'admin')
  const shown = await dashboardCompletion(dash.page)
  assert.ok(Math.abs(shown - apiAfter) < 0.05, `dashboard ${shown} vs API ${apiAfter}`)
  assert.ok(shown > apiBefore, `dashboard ${shown} should exceed the earlier ${apiBefore}`)
})

test('an officer sees no actions where it only coordinates (403), and not another commune (404)', async () => {
  const { page, problems } = await openPage(browser, { width: WIDTHS.desktop })
  await signIn(page, server.base, 'chiengan.canbo')
  await page.goto(`${server.base}/tasks/${ids.coord}`)
  await page.getByRole('heading', { name: 'Hướng dẫn các phường triển khai nền tảng số dùng chung' }).waitFor()
  await page.getByTestId('ledger').or(page.getByText('Chưa có diễn biến nào.')).waitFor()
  assert.equal(await page.getByTestId('task-actions').count(), 0)
  assert.equal(await page.getByRole('button', { name: /Báo cáo tiến độ|Báo cáo hoàn thành|Xác nhận|Điều chỉnh|Hủy nhiệm vụ|Tải lên/ }).count(), 0)
  const officer = await apiAs(server.base, 'chiengan.canbo')
  const forced = await officer.post(`/api/v1/tasks/${ids.coord}/progress`, { progress_percent: 10 })
  assert.equal(forced.status, 403)

  await page.goto(`${server.base}/tasks/${ids.chienglaTask}`)
  await page.getByTestId('task-not-found').waitFor()
  assert.equal((await officer.get(`/api/v1/tasks/${ids.chienglaTask}`)).status, 404)

  // A viewer sees the task but no actions and no comment box either.
  const viewer = await openPage(browser, { width: WIDTHS.desktop })
  await signIn(viewer.page, server.base, 'xem.sonla')
  await viewer.page.goto(`${server.base}/tasks/${ids.coord}`)
  await viewer.page.getByRole('heading', { name: 'Hướng dẫn các phường triển khai nền tảng số dùng chung' }).waitFor()
  assert.equal(await viewer.page.getByTestId('task-actions').count(), 0)
  assert.equal(await viewer.page.getByLabel('Ý kiến của bạn').count(), 0)
  assertClean(viewer.problems)
  assertClean(problems)
})

test('the steering committee comments on a task', async () => {
  const { page, problems } = await openPage(browser, { width: WIDTHS.desktop })
  await signIn(page, server.base, 'bcd.sonla')
  await page.goto(`${server.base}/tasks/${ids.coord}`)
  await page.getByLabel('Ý kiến của bạn').fill('Đề nghị Sở báo cáo kết quả trước ngày 15/12.')
  await page.getByRole('button', { name: 'Gửi ý kiến' }).click()
  await page.getByTestId('comment').filter({ hasText: 'Đề nghị Sở báo cáo kết quả trước ngày 15/12.' }).waitFor()
  await page.reload()
  await page.getByTestId('comment').filter({ hasText: 'Đề nghị Sở báo cáo kết quả trước ngày 15/12.' }).waitFor()
  assertClean(problems)
})

test('the plan tree opens by keyboard and loads a group\'s tasks', async () => {
  for (const width of [WIDTHS.desktop, WIDTHS.phone]) {
    const { page, problems } = await openPage(browser, { width })
    await signIn(page, server.base, 'admin')
    await page.goto(`${server.base}/plans`)
    const plan = page.getByTestId('plan-node').filter({ hasText: '333-KH/TU' }).last()
    await plan.getByTestId('group-toggle').first().waitFor()
    const group = plan.getByTestId('group-toggle').filter({ hasText: 'Lãnh đạo, chỉ đạo' })
    assert.equal(await group.getAttribute('aria-expanded'), 'false')
    await group.focus()
    await page.keyboard.press('Enter')
    assert.equal(await group.getAttribute('aria-expanded'), 'true')
    await plan.getByTestId('tree-task').first().waitFor()
    assert.ok((await plan.getByTestId('tree-task').count()) > 0)
    assert.equal(await plan.getByTestId('plan-timeline-link').getAttribute('href'), '/plans/2/timeline')
    await shoot(page, 'plans')
    if (width === WIDTHS.phone) await noOverflow(page)
    await page.keyboard.press('Space')
    assert.equal(await group.getAttribute('aria-expanded'), 'false')
    assertClean(problems)
  }
})

test('the timeline draws the plan and opens a task from its list', async () => {
  for (const width of [WIDTHS.desktop, WIDTHS.phone]) {
    const { page, problems } = await openPage(browser, { width })
    await signIn(page, server.base, 'admin')
    await page.goto(`${server.base}/plans/2/timeline?as_of=2025-12-31`)
    const chart = page.locator('.echart[role=img]')
    await chart.waitFor()
    assert.match(await chart.getAttribute('aria-label'), /Biểu đồ Gantt của \d+ nhiệm vụ thuộc kế hoạch 333-KH\/TU/)
    await page.waitForFunction(() => document.querySelector('.echart canvas') !== null)
    await shoot(page, 'timeline')
    if (width === WIDTHS.phone) await noOverflow(page)
    if (width === WIDTHS.desktop) {
      await page.getByRole('link', { name: 'Đưa vào vận hành Trung tâm Giám sát, điều hành thông minh (IOC) của tỉnh' }).click()
      await page.waitForURL(/\/tasks\/39$/)
      await page.getByText('Thời hạn ban đầu').waitFor()
    }
    assertClean(problems)
  }
})
