// Periodic reports, the urging ladder and the notification centre in the browser: the whole
// submit → approve (signed) → accept path across three roles, a return with a comment and a
// resubmission, an explanation request answered by the unit's leader, the bell's count going down
// as notifications are read, the navigation at 1280 px and on a phone, and screenshots.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { WIDTHS, apiAs, assertClean, launchBrowser, openPage, shoot, signIn, startServer } from './harness.mjs'

const require = createRequire(fileURLToPath(new URL('../../web/package.json', import.meta.url)))
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8')

const PLAN = 2 // 333-KH/TU, administered by SL-SKHCN
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
  ids.skhcn = await unit('SL-SKHCN')
  // A Chiềng An task that was due on 31/10/2025 and is not done: by 20/11/2025 it is 20 days
  // overdue, past the explanation threshold (10 days) and short of an inspection flag (30).
  const r = await admin.post('/api/v1/tasks', {
    plan: PLAN, group: 17, code: '7.95.W-CHIENGAN', assigned_on: '2025-06-01', deadline: '2025-10-31',
    title_vi: 'Cập nhật dữ liệu dân cư vào cơ sở dữ liệu của phường Chiềng An', lead_unit: ids.chiengan,
  })
  assert.equal(r.status, 201, JSON.stringify(r.body))
  ids.lateTask = r.body.id
})
after(async () => {
  await browser?.close()
  await server?.stop()
})

const noOverflow = async (page) => {
  const [sw, iw] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth])
  assert.ok(sw <= iw, `the page overflows horizontally: ${sw} > ${iw}`)
}
// A screenshot at the desktop width, then at the phone width (checking for overflow), then back.
const shootBoth = async (page, name) => {
  await page.evaluate(() => window.scrollTo(0, 0))
  await page.setViewportSize({ width: WIDTHS.desktop, height: 1000 })
  await shoot(page, name)
  await page.setViewportSize({ width: WIDTHS.phone, height: 780 })
  await page.waitForTimeout(100)
  await page.evaluate(() => window.scrollTo(0, 0))
  await noOverflow(page)
  await shoot(page, name)
  await page.setViewportSize({ width: WIDTHS.desktop, height: 1000 })
}
const stateBadge = (page) => page.locator('header [data-testid=report-state]')

// The JSON API as a user, with headers on every method (If-Match on the report actions).
async function apiWith(login) {
  const res = await fetch(`${server.base}/api/v1/session`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ login, password: 'planwatch-demo' }),
  })
  assert.equal(res.status, 200, `sign-in of ${login}`)
  const cookie = res.headers.get('set-cookie').split(';')[0]
  const { csrf_token: csrf } = await res.json()
  const call = async (method, path, body, headers = {}) => {
    const r = await fetch(`${server.base}${path}`, {
      method,
      headers: { Cookie: cookie, 'X-CSRF-Token': csrf, 'Accept-Language': 'en',
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const text = await r.text()
    let json = null
    try { json = text ? JSON.parse(text) : null } catch { json = text }
    return { status: r.status, body: json, etag: r.headers.get('etag') }
  }
  return {
    get: (path) => call('GET', path),
    post: (path, body, headers) => call('POST', path, body, headers),
    patch: (path, body, headers) => call('PATCH', path, body, headers),
  }
}

async function createReport(login, period) {
  const api = await apiWith(login)
  const r = await api.post('/api/v1/reports', { plan: PLAN, unit: ids.chiengan, period })
  assert.equal(r.status, 201, JSON.stringify(r.body))
  return { api, id: r.body.id }
}
async function actApi(api, id, action, body = {}) {
  const cur = await api.get(`/api/v1/reports/${id}`)
  const r = await api.post(`/api/v1/reports/${id}/${action}`, body, cur.etag ? { 'If-Match': cur.etag } : {})
  return r
}

test('an officer creates and submits, the leader approves (signed), the standing agency accepts', async () => {
  // The officer: a new report from the inbox, the narrative saved, then submitted.
  const officer = await openPage(browser, { width: WIDTHS.desktop })
  await signIn(officer.page, server.base, 'chiengan.canbo')
  await officer.page.getByRole('navigation', { name: 'Điều hướng chính' }).getByRole('link', { name: 'Báo cáo' }).click()
  await officer.page.waitForURL(/\/reports$/)
  await officer.page.getByTestId('report-empty').or(officer.page.getByTestId('report-row').first()).waitFor()
  await shootBoth(officer.page, 'reports-inbox-empty')
  await officer.page.getByTestId('report-new').click()
  await officer.page.waitForURL(/\/reports\/new/)
  await officer.page.getByLabel('Kế hoạch').selectOption(String(PLAN))
  assert.equal(await officer.page.getByLabel('Đơn vị').inputValue(), String(ids.chiengan))
  await officer.page.getByTestId('rn-period-year').selectOption('2025')
  await officer.page.getByTestId('rn-period-sub').selectOption('10')
  await officer.page.getByTestId('report-new-due').getByText('20/11/2025').waitFor()
  await shootBoth(officer.page, 'report-new')
  await officer.page.getByRole('button', { name: 'Tạo bản nháp' }).click()
  await officer.page.waitForURL(/\/reports\/\d+$/)
  const id = Number(/\/reports\/(\d+)$/.exec(officer.page.url())[1])
  ids.accepted = id
  await stateBadge(officer.page).getByText('Bản nháp').waitFor()
  assert.match(await officer.page.locator('h1').textContent(), /T10\/2025/)
  // The gathered content: the tasks Chiềng An leads, and a completeness figure.
  assert.ok(await officer.page.getByTestId('report-task').count() > 0, 'the report gathers the unit’s tasks')
  await officer.page.getByTestId('report-completeness-figure').waitFor()

  // Submitting is held back while the narrative has unsaved changes.
  await officer.page.getByLabel('Kết quả').fill('Hoàn thành số hóa 80% hồ sơ hộ tịch; vận hành ổn định cổng dịch vụ công của phường.')
  await officer.page.getByLabel('Khó khăn, vướng mắc').fill('Thiếu cán bộ có chuyên môn công nghệ thông tin.')
  await officer.page.getByLabel('Kiến nghị, đề xuất').fill('Đề nghị Sở KH&CN hỗ trợ tập huấn.')
  assert.equal(await officer.page.getByTestId('act-submit').isDisabled(), true)
  await officer.page.getByTestId('narr-save').click()
  await officer.page.getByText('Đã lưu thuyết minh.').waitFor()
  await shootBoth(officer.page, 'report-draft')
  await officer.page.getByTestId('act-submit').click()
  await stateBadge(officer.page).getByText('Đã nộp').waitFor()
  await officer.page.getByTestId('report-notice').getByText('Đã nộp báo cáo.').waitFor()
  // Submitted: the narrative is read-only for the officer, and there is nothing left for them to do.
  assert.equal(await officer.page.getByLabel('Kết quả').count(), 0)
  await officer.page.getByTestId('narr-results-text').getByText(/80% hồ sơ hộ tịch/).waitFor()
  await officer.page.getByText('Bạn không có thao tác nào với báo cáo ở trạng thái này.').waitFor()
  assertClean(officer.problems)
  await officer.context.close()

  // The leader: the report waits in the inbox; approving signs it.
  const leader = await openPage(browser, { width: WIDTHS.desktop })
  await signIn(leader.page, server.base, 'chiengan.lanhdao')
  await leader.page.goto(`${server.base}/reports`)
  const row = leader.page.getByTestId('report-row').filter({ hasText: 'T10/2025' })
  await row.getByText('Đã nộp').waitFor()
  await shootBoth(leader.page, 'reports-inbox')
  await row.getByRole('link').click()
  await leader.page.waitForURL(new RegExp(`/reports/${id}$`))
  await leader.page.getByTestId('act-approve').click()
  await stateBadge(leader.page).getByText('Đã phê duyệt').waitFor()
  const sig = leader.page.getByTestId('report-signature')
  await sig.waitFor()
  await sig.getByTestId('sig-signer').getByText('Lãnh đạo phường Chiềng An').waitFor()
  assert.match(await sig.getByTestId('sig-fingerprint').textContent(), /^[0-9A-F]{4}( [0-9A-F]{4}){3}$/)
  await sig.getByText('planwatch report verify').waitFor()
  // Approved: no longer in the leader's inbox.
  await leader.page.goto(`${server.base}/reports`)
  await leader.page.getByTestId('report-count').waitFor()
  assert.equal(await leader.page.getByTestId('report-row').filter({ hasText: 'T10/2025' }).count(), 0)
  assertClean(leader.problems)
  await leader.context.close()

  // The standing agency: accepts; the report is read-only afterwards, the signed file verifies.
  const agency = await openPage(browser, { width: WIDTHS.desktop })
  await signIn(agency.page, server.base, 'skhcn.thuongtruc')
  await agency.page.goto(`${server.base}/reports`)
  const arow = agency.page.getByTestId('report-row').filter({ hasText: 'Chiềng An' }).filter({ hasText: 'T10/2025' })
  await arow.getByText('Đã phê duyệt').waitFor()
  await arow.getByRole('link').click()
  await agency.page.getByTestId('act-accept').click()
  await stateBadge(agency.page).getByText('Đã tiếp nhận').waitFor()
  await agency.page.getByTestId('report-readonly').waitFor()
  assert.equal(await agency.page.locator('textarea').count(), 0, 'an accepted report has no editable field')
  assert.equal(await agency.page.locator('[data-testid^=act-]').count(), 0, 'and no action for the agency')
  const events = await agency.page.getByTestId('report-event').allTextContents()
  for (const word of ['Lập báo cáo', 'Nộp', 'Phê duyệt', 'Tiếp nhận']) {
    assert.ok(events.some((e) => e.includes(word)), `the history shows "${word}": ${events}`)
  }
  await shootBoth(agency.page, 'report-accepted')

  const href = await agency.page.getByTestId('sig-download').getAttribute('href')
  const file = await agency.page.request.get(`${server.base}${href}`)
  assert.equal(file.status(), 200)
  assert.match(file.headers()['content-disposition'] ?? '', /attachment/)
  const dir = mkdtempSync(join(tmpdir(), 'pw-signed-'))
  try {
    const path = join(dir, 'report.json')
    writeFileSync(path, await file.body())
    const out = execFileSync(process.env.PW_BINARY, ['report', 'verify', path], { encoding: 'utf8' })
    assert.match(out, /^valid: /)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  // The server agrees: no change is accepted any more.
  const agencyApi = await apiWith('skhcn.thuongtruc')
  const again = await actApi(agencyApi, id, 'return', { comment: 'thử' })
  assert.equal(again.status, 409)
  assertClean(agency.problems)
  await agency.context.close()
})

test('the leader returns a report with a required comment; the officer edits and resubmits', async () => {
  const { api: officerApi, id } = await createReport('chiengan.canbo', '202509')
  assert.equal((await actApi(officerApi, id, 'submit')).status, 200)

  const leader = await openPage(browser, { width: WIDTHS.desktop })
  await signIn(leader.page, server.base, 'chiengan.lanhdao')
  await leader.page.goto(`${server.base}/reports/${id}`)
  await stateBadge(leader.page).getByText('Đã nộp').waitFor()
  await leader.page.getByTestId('act-return').click()
  await leader.page.getByTestId('act-return-confirm').click()
  await leader.page.getByText('Vui lòng nêu lý do trả lại.').waitFor()
  assert.equal(await leader.page.getByLabel('Lý do trả lại (bắt buộc)').getAttribute('aria-invalid'), 'true')
  await shootBoth(leader.page, 'report-return')
  await leader.page.getByLabel('Lý do trả lại (bắt buộc)').fill('Bổ sung số liệu hộ tịch đã số hóa trong tháng 9.')
  await leader.page.getByTestId('act-return-confirm').click()
  await stateBadge(leader.page).getByText('Bị trả lại').waitFor()
  await leader.page.getByTestId('report-event-comment').getByText('Bổ sung số liệu hộ tịch').waitFor()
  assertClean(leader.problems)
  await leader.context.close()

  const officer = await openPage(browser, { width: WIDTHS.phone, height: 780 })
  await signIn(officer.page, server.base, 'chiengan.canbo')
  await officer.page.goto(`${server.base}/reports?state=returned`)
  await officer.page.getByTestId('report-row').filter({ hasText: 'T9/2025' }).getByText('Bị trả lại').waitFor()
  await noOverflow(officer.page)
  await officer.page.goto(`${server.base}/reports/${id}`)
  await officer.page.getByTestId('report-event-comment').getByText('Bổ sung số liệu hộ tịch').waitFor()
  await officer.page.getByLabel('Kết quả').fill('Đã số hóa 1.250 hồ sơ hộ tịch trong tháng 9/2025.')
  await officer.page.getByTestId('narr-save').click()
  await officer.page.getByText('Đã lưu thuyết minh.').waitFor()
  await noOverflow(officer.page)
  await officer.page.getByTestId('act-submit').click()
  await stateBadge(officer.page).getByText('Đã nộp').waitFor()
  const events = await officer.page.getByTestId('report-event').allTextContents()
  assert.equal(events.filter((e) => e.includes('Nộp')).length, 2, `submitted twice: ${events}`)
  assertClean(officer.problems)
  await officer.context.close()
})

test('a stale save is refused with 412 and the page reloads the newer version', async () => {
  const { api, id } = await createReport('chiengan.canbo', '202508')
  ids.draft = id
  const { page, problems, context } = await openPage(browser, { width: WIDTHS.desktop })
  await signIn(page, server.base, 'chiengan.lanhdao')
  await page.goto(`${server.base}/reports/${id}`)
  await page.getByLabel('Kết quả').waitFor()
  // Someone else saves meanwhile.
  const cur = await api.get(`/api/v1/reports/${id}`)
  const saved = await api.patch(`/api/v1/reports/${id}`, { results: 'Bản của cán bộ.', difficulties: '', proposals: '' }, { 'If-Match': cur.etag })
  assert.equal(saved.status, 200, JSON.stringify(saved.body))
  await page.getByLabel('Kết quả').fill('Bản của lãnh đạo.')
  await page.getByTestId('narr-save').click()
  await page.getByText('Báo cáo vừa được người khác thay đổi.', { exact: false }).waitFor()
  // The notice shows as the reload starts; the newer text arrives with it.
  await page.waitForFunction(
    (want) => document.querySelector('[data-testid=narr-results]')?.value === want, 'Bản của cán bộ.',
    { timeout: 10000 })
  assert.equal(await page.getByLabel('Kết quả').inputValue(), 'Bản của cán bộ.')
  assertClean(problems)
  await context.close()
})

test('an explanation request is answered in the app, and the bell counts down as notifications are read', async () => {
  const run = await admin.post('/api/v1/urging/run', { as_of: '2025-11-20' })
  assert.equal(run.status, 200, JSON.stringify(run.body))
  const leaderApi = await apiWith('chiengan.lanhdao')
  const list = await leaderApi.get(`/api/v1/urgings?rung=explanation_request&unit=${ids.chiengan}&limit=100`)
  assert.equal(list.status, 200, JSON.stringify(list.body))
  const request = list.body.items.find((u) => u.task === ids.lateTask || u.subject?.id === ids.lateTask || u.subject === ids.lateTask)
  assert.ok(request, `an explanation request for the late task: ${JSON.stringify(list.body.items.slice(0, 3))}`)
  ids.request = request.id

  const { page, problems, context } = await openPage(browser, { width: WIDTHS.desktop })
  await signIn(page, server.base, 'chiengan.lanhdao')
  await page.getByRole('navigation', { name: 'Điều hướng chính' }).getByRole('link', { name: 'Đôn đốc' }).click()
  await page.waitForURL(/\/urgings$/)
  await page.getByTestId('urg-row').first().waitFor()
  const rungs = await page.getByTestId('urging-rung').allTextContents()
  assert.ok(rungs.some((r) => r.includes('Yêu cầu giải trình')), `rungs: ${rungs}`)
  await shootBoth(page, 'urgings')
  await page.getByTestId('urg-open-only').check()
  await page.waitForURL(/open=true/)
  await page.waitForFunction(() => {
    const rungs = [...document.querySelectorAll('[data-testid=urging-rung]')]
    return rungs.length > 0 && rungs.every((e) => e.textContent.includes('Yêu cầu giải trình'))
  })
  const open = await page.getByTestId('urging-rung').allTextContents()
  assert.ok(open.length > 0 && open.every((r) => r.includes('Yêu cầu giải trình')), `open only: ${open}`)

  await page.goto(`${server.base}/urgings/${request.id}`)
  await page.getByTestId('urg-subject').getByText(/7\.95\.W-CHIENGAN/).waitFor()
  await page.getByTestId('urg-answer-submit').click()
  await page.getByText('Vui lòng nhập nội dung giải trình.').waitFor()
  await shootBoth(page, 'urging-request')
  const answer = 'Chậm do thiếu nhân lực nhập liệu; phường đã bố trí thêm 2 cán bộ, dự kiến hoàn thành trước 15/12/2025.'
  await page.getByLabel('Nội dung giải trình (bắt buộc)').fill(answer)
  await page.getByTestId('urg-answer-submit').click()
  await page.getByTestId('urg-answer').getByText(answer).waitFor()
  await page.getByText('Giải trình bởi').waitFor()
  assert.equal(await page.getByTestId('urg-answer-text').count(), 0)
  await shootBoth(page, 'urging-answered')
  const stored = await leaderApi.get(`/api/v1/urgings/${request.id}`)
  assert.equal(stored.body.answer, answer)
  // The officer sees the answer, and no form.
  const officer = await openPage(browser, { width: WIDTHS.desktop })
  await signIn(officer.page, server.base, 'chiengan.canbo')
  await officer.page.goto(`${server.base}/urgings/${request.id}`)
  await officer.page.getByTestId('urg-answer').getByText(answer).waitFor()
  assertClean(officer.problems)
  await officer.context.close()

  // The bell: the count of unread notifications, going down as they are read.
  // The server's own scan at start-up raises rungs too (as of today): wait until it is done and
  // the count holds still.
  const unreadNow = async () => (await leaderApi.get('/api/v1/notifications/unread-count')).body.unread
  let unread = await unreadNow()
  for (let steady = 0, i = 0; steady < 3 && i < 60; i++) {
    await new Promise((ok) => setTimeout(ok, 500))
    const n = await unreadNow()
    steady = n === unread ? steady + 1 : 0
    unread = n
  }
  assert.ok(unread >= 3, `the leader has unread notifications: ${unread}`)
  await page.goto(`${server.base}/dashboard`)
  const bell = page.getByTestId('bell')
  // The label names the exact count; the badge shows it, or 99+ beyond that.
  const bellSays = (n) => page.waitForFunction(([label, text]) => {
    const b = document.querySelector('[data-testid=bell]')
    return b?.getAttribute('aria-label') === label && b.querySelector('[data-testid=bell-count]')?.textContent?.trim() === text
  }, [`Thông báo: ${new Intl.NumberFormat('vi-VN').format(n)} chưa đọc`, n > 99 ? '99+' : String(n)])
  await bellSays(unread)
  await bell.click()
  await page.waitForURL(/\/notifications$/)
  const items = page.getByTestId('ntf-item')
  await items.first().waitFor()
  assert.equal(await items.first().locator('.title').evaluate((e) => getComputedStyle(e).fontWeight), '700')
  await shootBoth(page, 'notifications')
  await page.getByTestId('ntf-mark-read').first().click()
  await bellSays(unread - 1)
  assert.equal((await leaderApi.get('/api/v1/notifications/unread-count')).body.unread, unread - 1)
  // Following a notification's link opens its subject and marks it read.
  const firstUnread = items.filter({ has: page.getByTestId('ntf-mark-read') }).first()
  await firstUnread.getByTestId('ntf-title').getByRole('link').click()
  await page.waitForURL((u) => !u.pathname.startsWith('/notifications'))
  await bellSays(unread - 2)
  await page.goto(`${server.base}/notifications`)
  await page.getByTestId('ntf-read-all').click()
  await page.getByTestId('bell-count').waitFor({ state: 'detached' })
  assert.match(await bell.getAttribute('aria-label'), /^Thông báo$/)
  await page.getByTestId('ntf-unread-only').check()
  await page.getByTestId('ntf-empty').getByText('Bạn đã đọc hết thông báo.').waitFor()
  assertClean(problems)
  await context.close()
})

test('the navigation fits on one line at 1280 px, groups administration, and folds on a phone', async () => {
  const { page, problems, context } = await openPage(browser, { width: 1280, height: 800 })
  await signIn(page, server.base, 'admin')
  const nav = page.getByRole('navigation', { name: 'Điều hướng chính' })
  await nav.getByRole('link', { name: 'Báo cáo' }).waitFor()
  const bar = await page.locator('header.topbar').boundingBox()
  assert.ok(bar.height < 70, `the top bar is one line at 1280 px: ${bar.height}px`)
  await noOverflow(page)
  // Administration is a disclosure: closed, its links are hidden; Escape closes it again.
  const units = nav.getByRole('link', { name: 'Đơn vị' })
  assert.equal(await units.isVisible(), false)
  const group = nav.getByRole('button', { name: 'Quản trị' })
  await group.click()
  assert.equal(await group.getAttribute('aria-expanded'), 'true')
  await units.waitFor()
  await page.keyboard.press('Escape')
  assert.equal(await units.isVisible(), false)
  await group.press('Enter')
  await units.click()
  await page.waitForURL(/\/admin\/units/)
  assert.equal(await units.isVisible(), false, 'the group closes after navigating')
  assertClean(problems)
  await context.close()

  // A viewer has no reports; on a phone the menu holds the new items.
  const viewer = await openPage(browser, { width: WIDTHS.phone, height: 780 })
  await signIn(viewer.page, server.base, 'xem.sonla')
  await viewer.page.getByRole('button', { name: 'Trình đơn' }).click()
  const vnav = viewer.page.getByRole('navigation', { name: 'Điều hướng chính' })
  await vnav.getByRole('link', { name: 'Đôn đốc' }).waitFor()
  assert.equal(await vnav.getByRole('link', { name: 'Báo cáo' }).count(), 0)
  await viewer.page.getByTestId('bell').waitFor()
  await noOverflow(viewer.page)
  await shoot(viewer.page, 'reports-menu-open')
  assertClean(viewer.problems)
  await viewer.context.close()
})

test('a report of another unit is not found, and the pages read in English', async () => {
  const { id } = await createReport('chiengan.canbo', '202507')
  const { page, problems, context } = await openPage(browser, { width: WIDTHS.desktop })
  await signIn(page, server.base, 'chiengla.canbo')
  await page.goto(`${server.base}/reports/${id}`)
  await page.getByText('Không tìm thấy báo cáo này, hoặc bạn không có quyền xem.').waitFor()
  await page.getByTestId('lang-switch').click()
  await page.goto(`${server.base}/reports?view=all`)
  await page.getByRole('heading', { name: 'Periodic reports' }).waitFor()
  await page.getByRole('link', { name: 'Awaiting me' }).waitFor()
  await page.goto(`${server.base}/urgings`)
  await page.getByRole('heading', { name: 'Urging' }).waitFor()
  await page.goto(`${server.base}/notifications`)
  await page.getByRole('heading', { name: 'Notifications' }).waitFor()
  assertClean(problems)
  await context.close()
})

// axe runs in the page through the DevTools protocol, which the page's CSP does not govern.
async function violations(page) {
  await page.waitForLoadState('networkidle')
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource)
  const result = await page.evaluate(() => window.axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
  }))
  return result.violations.map((v) =>
    `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`)
}

test('the report, urging and notification pages pass WCAG 2.1 AA checks, translated', async () => {
  assert.ok(ids.accepted && ids.draft && ids.request, 'the earlier tests made the records to check')
  const paths = ['/reports', '/reports?view=all', '/reports/new', `/reports/${ids.accepted}`,
    `/reports/${ids.draft}`, '/notifications', '/urgings', `/urgings/${ids.request}`]
  for (const [width, lang] of [[WIDTHS.desktop, 'vi'], [WIDTHS.phone, 'vi'], [WIDTHS.desktop, 'en']]) {
    const { page, problems, context } = await openPage(browser, { width })
    await signIn(page, server.base, 'chiengan.lanhdao')
    if (lang === 'en') await page.getByTestId('lang-switch').click()
    const found = []
    for (const path of paths) {
      await page.goto(`${server.base}${path}`)
      await page.locator('h1').first().waitFor()
      for (const v of await violations(page)) found.push(`${width} ${lang} ${path}: ${v}`)
      const text = await page.evaluate(() => document.body.innerText)
      for (const key of text.match(/\b(?:nav|rep|urg|ntf|status|common)\.[A-Za-z_.]+\b/g) ?? []) {
        found.push(`${width} ${lang} ${path}: untranslated ${key}`)
      }
      if (width === WIDTHS.phone) await noOverflow(page)
    }
    assert.deepEqual(found, [])
    assertClean(problems)
    await context.close()
  }
})
