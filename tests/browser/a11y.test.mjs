// WCAG 2.1 A and AA rules checked by axe-core on every page, in both languages and at phone and
// desktop widths: contrast, labels, names of buttons and links, landmarks, language of the page.
// No message key shows untranslated. And the keyboard: the skip link leads to the content, and
// the navigation is reachable by Tab.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { WIDTHS, apiAs, assertClean, launchBrowser, openPage, signIn, startServer } from './harness.mjs'

const require = createRequire(fileURLToPath(new URL('../../web/package.json', import.meta.url)))
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8')

let server
let browser
let pages
let publicPages
before(async () => {
  server = await startServer()
  browser = await launchBrowser()
  const admin = await apiAs(server.base, 'admin')
  const task = (await admin.get('/api/v1/tasks?plan=2&status=done_late&limit=1')).body.items[0].id
  pages = [
    '/dashboard?plan=333-KH%2FTU&as_of=2025-12-31',
    '/plans',
    '/plans/2/timeline?as_of=2025-12-31',
    '/tasks?plan=2&as_of=2025-12-31',
    `/tasks/${task}`,
    '/indicators',
    '/indicators/1?unit=SL',
    '/data-entry?mode=indicator&indicator=1',
    '/data-entry?mode=unit&unit=86',
    '/admin/units',
    '/admin/users',
    '/admin/imports',
  ]
  // The public portal, checked logged out: its home, the catalogue and a dataset of each kind.
  const { datasets } = await (await fetch(`${server.api}/open/datasets.json`)).json()
  const kinds = new Map(datasets.map((d) => [d.kind, d.name]))
  publicPages = ['/cong-khai', '/cong-khai/du-lieu', ...[...kinds.values()].map((n) => `/cong-khai/du-lieu/${n}`), '/gop-y']
})
after(async () => {
  await browser?.close()
  await server?.stop()
})

// axe runs in the page through the DevTools protocol, which the page's CSP does not govern.
async function violations(page) {
  await page.waitForLoadState('networkidle')
  await page.locator('.loading, [aria-busy="true"]').first().waitFor({ state: 'detached', timeout: 5000 }).catch(() => {})
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource)
  const result = await page.evaluate(() => window.axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
  }))
  return result.violations.map((v) =>
    `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`)
}

for (const [width, lang] of [[WIDTHS.desktop, 'vi'], [WIDTHS.phone, 'vi'], [WIDTHS.desktop, 'en']]) {
  test(`every page passes WCAG 2.1 AA checks at ${width} px in ${lang}`, async () => {
    const { page, problems } = await openPage(browser, { width })
    await page.goto(`${server.base}/login`)
    if (lang === 'en') await page.getByTestId('lang-switch').click()
    const found = []
    for (const v of await violations(page)) found.push(`/login: ${v}`)
    const visit = async (path) => {
      await page.goto(`${server.base}${path}`)
      for (const v of await violations(page)) found.push(`${path}: ${v}`)
      // A message key shown as is means a translation is missing.
      const text = await page.evaluate(() => document.body.innerText)
      for (const key of text.match(/\b(?:app|nav|lang|login|common|pager|status|role|unitType|date|dash|task|ind|admin|portal|score)\.[A-Za-z_.]+\b/g) ?? []) {
        found.push(`${path}: untranslated ${key}`)
      }
    }
    for (const path of publicPages) await visit(path)
    await signIn(page, server.base, 'admin')
    for (const path of pages) await visit(path)
    assert.deepEqual(found, [])
    assertClean(problems)
  })
}

test('the skip link leads to the content and the navigation is reachable by Tab', async () => {
  const { page, problems } = await openPage(browser, { width: WIDTHS.desktop })
  await signIn(page, server.base, 'admin')
  await page.goto(`${server.base}/tasks`)
  await page.locator('#main-nav').waitFor()
  await page.keyboard.press('Tab')
  assert.equal(await page.evaluate(() => document.activeElement?.textContent?.trim()),
    'Bỏ qua, đến nội dung chính')
  await page.keyboard.press('Enter')
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'main')
  // From the top of the page, Tab reaches every link of the main navigation in order. The
  // navigation shows once the session has been read, which on a busy machine may come after the
  // page's load event: Tab is pressed only when it is there.
  await page.goto(`${server.base}/tasks`)
  await page.locator('#main-nav').waitFor()
  const seen = []
  for (let i = 0; i < 15; i++) {
    await page.keyboard.press('Tab')
    seen.push(await page.evaluate(() => document.activeElement?.textContent?.trim() ?? ''))
  }
  for (const name of ['Tổng quan', 'Kế hoạch', 'Nhiệm vụ', 'Chỉ tiêu', 'Nhập số liệu']) {
    assert.ok(seen.includes(name), `${name} not reached by Tab: ${seen.join(' / ')}`)
  }
  assertClean(problems)
})
