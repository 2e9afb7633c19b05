// Indicators: the list, the indicator page and the data entry grid — a value typed into the grid
// reaches the API and the indicator page, bad values stay in their cells and are never written,
// the keyboard moves between cells, viewers get a read-only grid, English translates the grid.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { WIDTHS, apiAs, assertClean, launchBrowser, openPage, shoot, signIn, startServer } from './harness.mjs'

let server
let browser
before(async () => {
  server = await startServer()
  browser = await launchBrowser()
})
after(async () => {
  await browser?.close()
  await server?.stop()
})

const month = (d = new Date()) => `${d.getFullYear()}${String(d.getMonth() + 1).padStart(2, '0')}`
const shiftMonth = (p, n) => {
  const abs = Number(p.slice(0, 4)) * 12 + Number(p.slice(4)) - 1 + n
  return `${Math.floor(abs / 12)}${String((abs % 12) + 1).padStart(2, '0')}`
}
const NOW = month()
const PREV = shiftMonth(NOW, -1)

async function noOverflow(page) {
  const [sw, iw] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth])
  assert.ok(sw <= iw, `page overflows horizontally: ${sw} > ${iw}`)
}

const cell = (page, period) => page.locator(`[data-testid="entry-grid"] input[data-key="1/86/${period}"]`)

test('a value typed in the grid is saved and shows on the indicator page', async () => {
  const api = await apiAs(server.base, 'admin')
  assert.equal((await api.get(`/api/v1/data-values/1/86/${NOW}`)).status, 404)
  const { page, problems } = await openPage(browser, { width: WIDTHS.desktop })
  await signIn(page, server.base, 'admin')
  await page.goto(`${server.base}/data-entry?mode=indicator&indicator=1&unit=86`)
  const input = cell(page, NOW)
  await input.waitFor()
  await input.fill('1.234')
  await page.getByTestId('unsaved').getByText('1 ô thay đổi chưa lưu').waitFor()
  await page.getByTestId('save').click()
  await page.getByTestId('entry-status').getByText('Đã lưu 1 số liệu.').waitFor()
  await page.getByTestId('unsaved').getByText('0 ô thay đổi chưa lưu').waitFor()
  const stored = await api.get(`/api/v1/data-values/1/86/${NOW}`)
  assert.equal(stored.status, 200)
  assert.equal(stored.body.value, 1234)
  assert.equal(stored.body.stored_by, 'admin')

  await page.getByRole('link', { name: 'Xem diễn biến chỉ tiêu →' }).click()
  await page.waitForURL(/\/indicators\/1\?/)
  const row = page.locator(`[data-testid="trend-table"] tr[data-period="${NOW}"]`)
  await row.locator('td').first().getByText('1.234', { exact: true }).waitFor()
  // The chart's text alternative names the latest value, as the table does.
  const chart = page.locator('.echart[role="img"]').first()
  await page.waitForFunction(
    () => /1\.234/.test(document.querySelector('.echart[role="img"]')?.getAttribute('aria-label') ?? ''),
  )
  assert.match(await chart.getAttribute('aria-label'), /1\.234/)
  // The raw values name who stored it.
  await page.getByTestId('raw-table').getByText('admin', { exact: true }).first().waitFor()
  assertClean(problems)
})

test('bad values stay in their cells with a message and nothing is written', async () => {
  const api = await apiAs(server.base, 'admin')
  const before = await api.get(`/api/v1/data-values/1/86/${PREV}`)
  const { page, problems } = await openPage(browser, { width: WIDTHS.desktop })
  await signIn(page, server.base, 'admin')
  await page.goto(`${server.base}/data-entry?mode=indicator&indicator=1&unit=86`)
  const input = cell(page, PREV)
  await input.waitFor()

  await input.fill('abc')
  assert.equal(await input.getAttribute('aria-invalid'), 'true')
  const described = await input.getAttribute('aria-describedby')
  assert.ok(described)
  assert.equal((await page.locator(`#${described}`).textContent()).trim(), 'Không phải là số.')
  await page.getByTestId('save').click()
  await page.getByTestId('entry-status').getByText(/Chưa lưu: còn 1 ô có lỗi/).waitFor()

  await input.fill('-5')
  await page.locator(`#${described}`).getByText('Nhỏ hơn giá trị tối thiểu 0.').waitFor()
  await page.getByTestId('save').click()
  await page.getByTestId('entry-status').getByText(/Chưa lưu/).waitFor()
  assert.equal(await input.inputValue(), '-5', 'the edit stays in the cell')

  const after = await api.get(`/api/v1/data-values/1/86/${PREV}`)
  assert.equal(after.status, before.status)
  assert.deepEqual(after.body, before.body, 'nothing was written')

  // Escape reverts the cell; the error and the change go with it.
  await input.focus()
  await page.keyboard.press('Escape')
  assert.equal(await input.getAttribute('aria-invalid'), null)
  await page.getByTestId('unsaved').getByText('0 ô thay đổi chưa lưu').waitFor()
  assertClean(problems)
})

test('the server\'s field errors are mapped back to their cells', async () => {
  const { page, problems } = await openPage(browser, { width: WIDTHS.desktop })
  await signIn(page, server.base, 'admin')
  await page.goto(`${server.base}/data-entry?mode=indicator&indicator=1&unit=86`)
  const input = cell(page, PREV)
  await input.waitFor()
  // The indicator's minimum changes behind the grid's back: the client still allows 5, the server does not.
  const api = await apiAs(server.base, 'admin')
  const ind = await api.get('/api/v1/indicators/1')
  const changed = await api.patch('/api/v1/indicators/1', { min_value: 10 }, { 'If-Match': ind.etag })
  assert.equal(changed.status, 200)
  const before = await api.get(`/api/v1/data-values/1/86/${PREV}`)
  try {
    await input.fill('5')
    await page.getByTestId('save').click()
    await page.getByTestId('entry-status').getByText(/chưa có số liệu nào được lưu/).waitFor()
    assert.equal(await input.getAttribute('aria-invalid'), 'true')
    const msg = await page.locator(`#${await input.getAttribute('aria-describedby')}`).textContent()
    assert.ok(msg.trim().length > 0)
    assert.deepEqual((await api.get(`/api/v1/data-values/1/86/${PREV}`)).body, before.body)
  } finally {
    const now = await api.get('/api/v1/indicators/1')
    await api.patch('/api/v1/indicators/1', { min_value: 0 }, { 'If-Match': now.etag })
  }
  assertClean(problems)
})

test('arrow keys, Enter and Tab move between the cells', async () => {
  const { page, problems } = await openPage(browser, { width: WIDTHS.desktop })
  await signIn(page, server.base, 'admin')
  await page.goto(`${server.base}/data-entry?mode=indicator&indicator=6&unit=2`)
  const grid = page.getByTestId('entry-grid')
  const first = grid.locator('input[data-r="0"][data-c="0"]')
  await first.waitFor()
  await first.focus()
  const at = () => page.evaluate(() => [document.activeElement?.getAttribute('data-r'), document.activeElement?.getAttribute('data-c')])
  await page.keyboard.press('ArrowRight')
  assert.deepEqual(await at(), ['0', '1'])
  await page.keyboard.press('ArrowDown')
  assert.deepEqual(await at(), ['1', '1'])
  await page.keyboard.press('ArrowLeft')
  assert.deepEqual(await at(), ['1', '0'])
  await page.keyboard.press('ArrowUp')
  assert.deepEqual(await at(), ['0', '0'])
  await page.keyboard.press('Enter')
  assert.deepEqual(await at(), ['1', '0'])
  await page.keyboard.press('Tab')
  assert.deepEqual(await at(), ['1', '1'])
  assertClean(problems)
})

test('a viewer sees a read-only grid', async () => {
  const { page, problems } = await openPage(browser, { width: WIDTHS.desktop })
  await signIn(page, server.base, 'xem.sonla')
  await page.goto(`${server.base}/data-entry?mode=indicator&indicator=6`)
  await page.getByTestId('entry-grid').waitFor()
  assert.equal(await page.getByTestId('entry-grid').locator('input').count(), 0)
  assert.equal(await page.getByTestId('save').count(), 0)
  await page.getByText('chế độ chỉ đọc').waitFor()
  assertClean(problems)
})

for (const width of [WIDTHS.phone, WIDTHS.desktop]) {
  test(`the pages at ${width} px, and the grid in English`, async () => {
    const { page, problems } = await openPage(browser, { width })
    await signIn(page, server.base, 'admin')

    await page.goto(`${server.base}/indicators?year=2025`)
    await page.getByTestId('indicator-list').getByRole('link', { name: /Số bộ dữ liệu mở/ }).waitFor()
    await noOverflow(page)
    await shoot(page, 'indicators')

    await page.getByTestId('indicator-list').getByRole('link', { name: /Số bộ dữ liệu mở/ }).click()
    await page.waitForURL(/\/indicators\/1/)
    // A national scope starts at the province of the responsible unit, where the targets are.
    await page.getByRole('navigation', { name: 'Vị trí đơn vị' }).getByText('Tỉnh Sơn La').waitFor()
    await page.getByTestId('children-table').waitFor()
    await page.getByTestId('trend-table').locator('tr[data-period="202512"]').getByText('658').waitFor()
    await noOverflow(page)
    await shoot(page, 'indicator')
    // Drill-down: a child unit, and the breadcrumb back up.
    await page.getByTestId('children-table').getByRole('link', { name: 'Sở Khoa học và Công nghệ' }).click()
    await page.waitForURL(/unit=SL-SKHCN/)
    await page.getByRole('navigation', { name: 'Vị trí đơn vị' }).getByRole('link', { name: 'Tỉnh Sơn La' }).click()
    await page.waitForURL(/unit=SL(&|$)/)

    await page.goto(`${server.base}/data-entry?mode=indicator&indicator=6&unit=2`)
    await page.getByTestId('entry-grid').locator('input').first().waitFor()
    await noOverflow(page)
    await shoot(page, 'entry-indicator')

    await page.getByTestId('mode-unit').click()
    await page.waitForURL(/mode=unit/)
    await page.getByLabel('Đơn vị', { exact: true }).selectOption('86')
    await page.getByTestId('entry-grid').getByRole('rowheader', { name: /Số bộ dữ liệu mở/ }).waitFor()
    await noOverflow(page)
    await shoot(page, 'entry-unit')

    await page.getByTestId('lang-switch').click()
    const grid = page.getByTestId('entry-grid')
    await grid.getByRole('columnheader', { name: 'Indicator' }).waitFor()
    await grid.getByRole('rowheader', { name: /Open datasets on the provincial open data portal/ }).waitFor()
    const nov = new Date().toLocaleString('en-GB', { month: 'short' })
    await grid.getByRole('columnheader', { name: `${nov} ${new Date().getFullYear()}` }).waitFor()
    await page.getByRole('button', { name: 'By indicator' }).waitFor()
    await page.getByTestId('lang-switch').click()
    assertClean(problems)
  })
}
