// The public portal, logged out, against the demo's publications (its plan 333-KH/TU, the 2025
// scorecards and a few indicators): the home's figures equal the published datasets', the data
// catalogue lists exactly the published datasets and its downloads answer, a new version shows in
// the versions and in "what changed", nothing classified or unpublished shows on any page, and the
// pages at phone width.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { WIDTHS, apiAs, assertClean, launchBrowser, openPage, shoot, startServer } from './harness.mjs'

let server
let browser
let admin
let published // /open/datasets.json's datasets
before(async () => {
  server = await startServer()
  browser = await launchBrowser()
  admin = await apiAs(server.api, 'admin')
  published = (await openJson('/open/datasets.json')).datasets
})
after(async () => {
  await browser?.close()
  await server?.stop()
})

async function openJson(path) {
  const res = await fetch(`${server.api}${path}`)
  assert.equal(res.status, 200, `GET ${path}`)
  return res.json()
}
const only = (kind, subject) => {
  const found = published.filter((d) => d.kind === kind && (subject === undefined || d.subject === subject))
  assert.ok(found.length > 0, `the demo publishes a ${kind} dataset${subject ? ` of ${subject}` : ''}`)
  return found[0]
}
const cell = (ds, row, column) => row[ds.columns.findIndex((c) => c.name === column)]
// Vietnamese percents as the UI writes them: 73.3 → "73,3%".
const viPercent = (v) => `${v.toFixed(1).replace('.', ',')}%`

test('the home shows the published completion, an indicator chart and the ranking\'s first unit', async () => {
  const plan = await openJson(`/open/datasets/${only('plan', '333-KH/TU').name}.json`)
  const scorecards = await openJson(`/open/datasets/${only('scorecards', '333-KH/TU').name}.json`)
  const indicator = await openJson(`/open/datasets/${only('indicator').name}.json`)

  // A logged-out visitor at / lands on the sign-in page, which leads to the portal.
  const { page, problems } = await openPage(browser, { width: WIDTHS.desktop })
  await page.goto(`${server.base}/`)
  await page.waitForURL(/\/login/)
  await page.getByTestId('portal-link').click()
  await page.waitForURL((u) => u.pathname === '/cong-khai')

  const card = page.getByTestId(`portal-plan-${plan.name}`)
  assert.equal((await card.getByTestId('portal-completion').textContent()).trim(),
    viPercent(plan.summary.completion_rate))
  assert.equal((await card.getByTestId('portal-on-time').textContent()).trim(), viPercent(plan.summary.on_time_rate))
  // The groups of the plan, each with its completion.
  assert.equal(await card.getByTestId('portal-groups').locator('tbody tr').count(), plan.summary.groups.length)
  // The status donut is drawn (ECharts' canvas) beside its table.
  await card.locator('canvas').first().waitFor()

  // Every published indicator with its trend line, named with its values for screen readers.
  const indicators = page.getByTestId('portal-indicators')
  assert.equal(await indicators.locator('li').count(), published.filter((d) => d.kind === 'indicator').length)
  const spark = indicators.getByRole('img', { name: `Diễn biến ${indicator.summary.indicator.name_vi}:`, exact: false })
  await spark.waitFor()
  assert.ok(await spark.locator('polyline').count() === 1, 'the sparkline has its line')

  // The ranking shows the dataset's first unit.
  const first = cell(scorecards, scorecards.rows[0], 'unit_name_vi')
  await page.getByTestId('portal-ranking').getByText(first, { exact: true }).waitFor()
  await shoot(page, 'portal-home')

  // In English.
  await page.getByTestId('lang-switch').click()
  await page.getByRole('heading', { name: 'Public portal on implementing Resolution 57' }).waitFor()
  assert.equal((await card.getByTestId('portal-completion').textContent()).trim(),
    `${plan.summary.completion_rate.toFixed(1)}%`)
  await shoot(page, 'portal-home-en')

  // The indicator's own page draws its values as a line chart for a unit, with the table.
  await page.getByTestId('lang-switch').click()
  await indicators.getByRole('link', { name: indicator.summary.indicator.name_vi }).click()
  await page.waitForURL((u) => u.pathname === `/cong-khai/du-lieu/${indicator.name}`)
  await page.getByTestId('indicator-chart').locator('canvas').first().waitFor()
  const unit = indicator.summary.targets[0]?.unit_code ?? cell(indicator, indicator.rows[0], 'unit_code')
  const values = indicator.rows.filter((r) => cell(indicator, r, 'unit_code') === unit)
  assert.equal(await page.getByTestId('indicator-values').locator('tbody tr').count(), values.length)
  assertClean(problems)
})

test('the catalogue lists exactly the published datasets, searches, filters, and its downloads answer', async () => {
  const { page, problems } = await openPage(browser, { width: WIDTHS.desktop })
  await page.goto(`${server.base}/cong-khai`)
  await page.getByRole('navigation', { name: 'Điều hướng cổng công khai' }).getByRole('link', { name: 'Dữ liệu mở' }).click()
  await page.waitForURL((u) => u.pathname === '/cong-khai/du-lieu')
  const items = page.getByTestId('dataset-list').locator('li[data-name]')
  await items.first().waitFor()
  const names = async () => (await items.evaluateAll((els) => els.map((e) => e.dataset.name))).sort()
  assert.deepEqual(await names(), published.map((d) => d.name).sort())

  // Every download link answers, with its format.
  const links = await page.getByTestId('dataset-list').locator('a[data-format]').evaluateAll((els) =>
    els.map((e) => ({ href: e.getAttribute('href'), format: e.dataset.format })))
  assert.equal(links.length, 2 * published.length)
  for (const { href, format } of links) {
    const res = await fetch(`${server.base}${href}`)
    assert.equal(res.status, 200, href)
    assert.match(res.headers.get('content-type'), format === 'csv' ? /text\/csv/ : /application\/json/, href)
    await res.arrayBuffer()
  }

  // Searching by an indicator's title, without its diacritics, keeps the datasets that carry it.
  // The words: the first four of an indicator's title that not every dataset carries.
  const fold = (s) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[đĐ]/g, 'd').toLowerCase()
  const matching = (words) => published.filter((d) => {
    const hay = fold([d.name, d.subject, d.title_vi, d.title_en, d.description_vi, d.description_en,
      d.publisher.name_vi, d.publisher.name_en, ...d.keywords].join(' '))
    return words.split(' ').every((w) => hay.includes(w))
  }).map((d) => d.name).sort()
  const indicator = published.filter((d) => d.kind === 'indicator').find((d) =>
    matching(fold(d.title_vi).split(/\s+/).slice(0, 4).join(' ')).length < published.length)
  assert.ok(indicator, 'an indicator whose title words single it out')
  const words = fold(indicator.title_vi).split(/\s+/).slice(0, 4).join(' ')
  const expected = matching(words)
  assert.ok(expected.includes(indicator.name), `search ${words}`)
  await page.getByLabel('Tìm bộ dữ liệu').fill(words)
  await page.waitForURL((u) => u.searchParams.get('q') === words)
  assert.deepEqual(await names(), expected)
  await page.getByLabel('Tìm bộ dữ liệu').fill('')
  await page.waitForURL((u) => !u.searchParams.has('q'))

  // The kind filter.
  await page.getByLabel('Loại dữ liệu').selectOption('indicator')
  await page.waitForURL((u) => u.searchParams.get('kind') === 'indicator')
  assert.deepEqual(await names(), published.filter((d) => d.kind === 'indicator').map((d) => d.name).sort())
  // The machines' entry points.
  assert.equal(await page.getByRole('link', { name: 'Danh mục DCAT (JSON-LD)' }).getAttribute('href'), '/open/catalog.jsonld')
  assert.equal((await fetch(`${server.base}/open/catalog.jsonld`)).status, 200)
  assertClean(problems)
})

test('a new version of the plan shows in the versions and in what changed, with the changed row', async () => {
  const info = only('plan', '333-KH/TU')
  const before = await openJson(`/open/datasets/${info.name}.json`)
  const { page, problems } = await openPage(browser, { width: WIDTHS.desktop })
  await page.goto(`${server.base}/cong-khai/du-lieu/${info.name}`)
  const versions = page.getByTestId('versions').locator('tbody tr')
  const count = (await openJson(`/open/datasets/${info.name}/versions.json`)).versions.length
  await versions.nth(count - 1).waitFor()
  assert.equal(await versions.count(), count)
  assert.equal((await page.getByTestId('ds-version').textContent()).trim(), String(before.version))

  // A task in progress is cancelled, and the plan published again.
  const row = before.rows.find((r) => ['in_progress_on_time', 'overdue'].includes(cell(before, r, 'status')))
  assert.ok(row, 'the published plan has a task in progress or overdue')
  const code = cell(before, row, 'code')
  const plans = (await admin.get('/api/v1/plans?limit=100')).body.items
  const planId = plans.find((p) => p.code === '333-KH/TU').id
  const task = (await admin.get(`/api/v1/tasks?plan=${planId}&limit=1000`)).body.items.find((x) => x.code === code)
  const cancelled = await admin.post(`/api/v1/tasks/${task.id}/cancel`, { reason: 'Nhiệm vụ được lồng ghép vào nhiệm vụ khác' })
  assert.equal(cancelled.status, 200, JSON.stringify(cancelled.body))
  const made = await admin.post('/api/v1/publications', { kind: 'plan', subject: '333-KH/TU' })
  assert.equal(made.status, 201, JSON.stringify(made.body))
  assert.equal(made.body.version, before.version + 1)

  await page.reload()
  await versions.nth(count).waitFor()
  assert.equal(await versions.count(), count + 1)
  assert.equal((await page.getByTestId('ds-version').textContent()).trim(), String(before.version + 1))
  // What changed, from the previous version to the new one by default: the cancelled task.
  assert.equal(await page.getByLabel('Từ phiên bản').inputValue(), String(before.version))
  assert.equal(await page.getByLabel('Đến phiên bản').inputValue(), String(before.version + 1))
  const changed = page.getByTestId('diff-changed').locator('tbody tr', { hasText: code })
  await changed.waitFor()
  const status = changed.locator('td[data-column="status"]')
  assert.match(await status.getAttribute('class'), /\bchanged\b/)
  assert.match(await status.innerText(), /Đã hủy/)
  const expected = await openJson(`/open/datasets/${info.name}/diff.json?from=${before.version}&to=${before.version + 1}`)
  assert.equal(await page.getByTestId('diff-changed').locator('tbody tr').count(), expected.changed.length)
  await shoot(page, 'portal-dataset-diff')

  // An older version is shown on its own, and downloads by its number.
  await page.getByRole('link', { name: `Xem ${before.version}` }).click()
  await page.waitForURL((u) => u.searchParams.get('v') === String(before.version))
  // The address changes first; the version's figures follow once they arrive.
  await page.getByTestId('ds-version').filter({ hasText: new RegExp(`^\\s*${before.version}\\s*$`) }).waitFor()
  const csv = await fetch(`${server.base}/open/datasets/${info.name}/v${before.version}.csv`)
  assert.equal(csv.status, 200)
  assertClean(problems)
})

test('nothing classified or unpublished shows on any portal page, and every page fits a phone', async () => {
  // What must not show: the classified tasks' titles and the indicators not published, unless a
  // published dataset carries the name as its data.
  const tasks = (await admin.get('/api/v1/tasks?limit=1000')).body.items
  const classified = tasks.filter((x) => x.classified).flatMap((x) => [x.title_vi, x.title_en])
  assert.ok(classified.length > 0, 'the demo has classified tasks')
  const subjects = new Set(published.filter((d) => d.kind === 'indicator').map((d) => d.subject))
  const all = await Promise.all(published.map((d) => openJson(`/open/datasets/${d.name}.json`)))
  const data = JSON.stringify(all)
  const indicators = (await admin.get('/api/v1/indicators?limit=1000')).body.items
  const unpublished = indicators.filter((i) => !subjects.has(i.code))
    .flatMap((i) => [i.name_vi, i.name_en]).filter((n) => !data.includes(n))
  assert.ok(unpublished.length > 0, 'the demo leaves indicators unpublished')
  const forbidden = [...classified, ...unpublished]

  const { page, problems } = await openPage(browser, { width: WIDTHS.phone })
  const paths = [
    ['portal-home', '/cong-khai'],
    ['portal-catalogue', '/cong-khai/du-lieu'],
    ...published.map((d) => [`portal-dataset-${d.kind}`, `/cong-khai/du-lieu/${d.name}`]),
  ]
  const shot = new Set()
  for (const [name, path] of paths) {
    await page.goto(`${server.base}${path}`)
    await page.waitForLoadState('networkidle')
    await page.locator('[aria-busy="true"]').first().waitFor({ state: 'detached' })
    const text = await page.evaluate(() => document.body.innerText)
    for (const f of forbidden) assert.ok(!text.includes(f), `${path} shows "${f}"`)
    const over = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
    assert.ok(over <= 0, `${path} overflows a phone by ${over}px`)
    if (!shot.has(name)) {
      await shoot(page, name)
      shot.add(name)
    }
  }
  // The feedback form wears the portal's header, which leads back home.
  await page.goto(`${server.base}/gop-y`)
  await page.getByRole('button', { name: 'Trình đơn' }).click()
  await page.getByRole('navigation', { name: 'Điều hướng cổng công khai' }).getByRole('link', { name: 'Trang chủ' }).click()
  await page.waitForURL((u) => u.pathname === '/cong-khai')
  await page.goto(`${server.base}/gop-y`)
  await page.getByTestId('back-to-portal').waitFor()
  await shoot(page, 'portal-feedback')
  assertClean(problems)
})
