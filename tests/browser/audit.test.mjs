// The audit history on the task page: an admin reports progress on a task through the UI and the
// new event is at the top of "Lịch sử thay đổi" — who, from where, the request, the operation and
// its digests; older events page in; the phone layout keeps the table inside the page.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { WIDTHS, apiAs, assertClean, launchBrowser, openPage, shoot, signIn, startServer } from './harness.mjs'

let server
let browser
let admin
let task

before(async () => {
  server = await startServer()
  browser = await launchBrowser()
  admin = await apiAs(server.base, 'admin')
  const unit = (await admin.get('/api/v1/org-units?code=SL-W-CHIENGAN')).body.items[0].id
  const r = await admin.post('/api/v1/tasks', {
    plan: 2, group: 17, assigned_on: '2026-09-01', code: '7.95.AUDIT', lead_unit: unit,
    title_vi: 'Rà soát nhật ký thay đổi dữ liệu của phường Chiềng An', deadline: '2027-03-31',
  })
  assert.equal(r.status, 201, JSON.stringify(r.body))
  task = r.body.id
  // Enough changes that the history has an older page (10 rows a page).
  for (let i = 1; i <= 10; i++) {
    const p = await admin.post(`/api/v1/tasks/${task}/progress`, { progress_percent: i })
    assert.equal(p.status, 200, JSON.stringify(p.body))
  }
})
after(async () => {
  await browser?.close()
  await server?.stop()
})

test('an edit through the task page is the newest event of its audit history', async () => {
  const { page, problems } = await openPage(browser, { width: WIDTHS.desktop })
  await signIn(page, server.base, 'admin')
  await page.goto(`${server.base}/tasks/${task}`)
  const section = page.getByTestId('audit-history')
  await section.getByRole('heading', { name: 'Lịch sử thay đổi' }).waitFor()
  const firstBefore = await section.getByTestId('audit-event').first().getAttribute('title')

  await page.getByRole('button', { name: 'Báo cáo tiến độ' }).click()
  await page.getByLabel('Tiến độ (%)').fill('45')
  await page.getByLabel('Khó khăn, vướng mắc').fill('Chờ phần mềm quản lý hộ tịch')
  await page.getByTestId('act-submit').click()
  await page.getByRole('status').getByText('Đã ghi nhận: Báo cáo tiến độ.').waitFor()

  const top = section.getByTestId('audit-event').first()
  await page.waitForFunction(
    (b) => document.querySelector('[data-testid=audit-event]')?.getAttribute('title') !== b, firstBefore)
  assert.equal((await top.getByTestId('audit-actor').textContent()).trim(), 'admin')
  assert.equal((await top.getByTestId('audit-action').textContent()).trim(), `POST /api/v1/tasks/${task}/progress`)
  assert.match(await top.getByTestId('audit-operation').textContent(), /^Thêm/)
  assert.match(await top.textContent(), /127\.0\.0\.1/)
  assert.match(await top.textContent(), /— → [0-9a-f]{8}/, 'an insert has no digest before and one after')

  // The API says the same, with the full digest.
  const api = await admin.get(`/api/v1/audit?subject=task:${task}&limit=1`)
  assert.equal(api.status, 200)
  const newest = api.body.items[0]
  assert.equal(newest.actor, 'admin')
  assert.equal(newest.action, `POST /api/v1/tasks/${task}/progress`)
  assert.equal(`Sự kiện #${newest.seq}`, await top.getAttribute('title'))

  // Older events page in, and back.
  const rows = section.getByTestId('audit-event')
  assert.equal(await rows.count(), 10)
  await section.getByTestId('audit-older').click()
  await page.waitForFunction(
    (t) => document.querySelector('[data-testid=audit-event]')?.getAttribute('title') !== t, `Sự kiện #${newest.seq}`)
  const olderTop = Number((await rows.first().getAttribute('title')).replace(/\D/g, ''))
  assert.ok(olderTop < newest.seq, `older page starts at ${olderTop}`)
  await section.getByTestId('audit-newer').click()
  await page.waitForFunction(
    (t) => document.querySelector('[data-testid=audit-event]')?.getAttribute('title') === t, `Sự kiện #${newest.seq}`)
  await section.scrollIntoViewIfNeeded()
  await shoot(page, 'audit-history')
  assertClean(problems)
})

test('the section stays hidden for a reader the API refuses, and fits a phone', async () => {
  // Chiềng La's officer may not read Chiềng An's task: the page says not found, and no history.
  const officer = await openPage(browser, { width: WIDTHS.desktop })
  await signIn(officer.page, server.base, 'chiengla.canbo')
  await officer.page.goto(`${server.base}/tasks/${task}`)
  await officer.page.getByTestId('task-not-found').waitFor()
  assert.equal(await officer.page.getByTestId('audit-history').count(), 0)
  assertClean(officer.problems)

  const phone = await openPage(browser, { width: WIDTHS.phone })
  await signIn(phone.page, server.base, 'chiengan.lanhdao')
  await phone.page.goto(`${server.base}/tasks/${task}`)
  await phone.page.getByTestId('audit-event').first().waitFor()
  const [sw, iw] = await phone.page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth])
  assert.ok(sw <= iw, `the page overflows horizontally: ${sw} > ${iw}`)
  await shoot(phone.page, 'audit-history')
  assertClean(phone.problems)
})
