// The frame every page shares: signing in, the language switch (remembered), navigation on a
// phone, signing out, and the security headers of the UI's own answers.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { WIDTHS, assertClean, launchBrowser, openPage, shoot, signIn, startServer } from './harness.mjs'

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

test('a wrong password is refused in Vietnamese, the right one opens the dashboard', async () => {
  const { page, problems } = await openPage(browser, { width: WIDTHS.desktop })
  await page.goto(`${server.base}/tasks`)
  await page.waitForURL(/\/login\?next=/)
  await shoot(page, 'login')
  await page.getByLabel('Tên đăng nhập').fill('admin')
  await page.getByLabel('Mật khẩu').fill('not-the-password')
  await page.getByRole('button', { name: 'Đăng nhập' }).click()
  await assert.doesNotReject(page.getByRole('alert').getByText('Tên đăng nhập hoặc mật khẩu không đúng.').waitFor())
  await page.getByLabel('Mật khẩu').fill('planwatch-demo')
  await page.getByRole('button', { name: 'Đăng nhập' }).click()
  await page.waitForURL(/\/tasks$/)
  assertClean(problems)
})

test('the language switch translates the frame and is remembered', async () => {
  const { page, problems } = await openPage(browser, { width: WIDTHS.desktop })
  await signIn(page, server.base, 'admin')
  const nav = page.getByRole('navigation', { name: 'Điều hướng chính' })
  await nav.getByRole('link', { name: 'Nhiệm vụ' }).waitFor()
  await page.getByTestId('lang-switch').click()
  await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Tasks' }).waitFor()
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'en')
  await page.reload()
  await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Indicators' }).waitFor()
  await page.getByTestId('lang-switch').click()
  await nav.getByRole('link', { name: 'Chỉ tiêu' }).waitFor()
  assertClean(problems)
})

test('on a phone the navigation folds into a menu', async () => {
  const { page, problems } = await openPage(browser, { width: WIDTHS.phone })
  await signIn(page, server.base, 'admin')
  const tasks = page.getByRole('navigation', { name: 'Điều hướng chính' }).getByRole('link', { name: 'Nhiệm vụ' })
  assert.equal(await tasks.isVisible(), false)
  await page.getByRole('button', { name: 'Trình đơn' }).click()
  await tasks.click()
  await page.waitForURL(/\/tasks/)
  assert.equal(await tasks.isVisible(), false, 'the menu closes after navigating')
  await page.getByRole('button', { name: 'Trình đơn' }).click()
  await shoot(page, 'menu-open')
  assertClean(problems)
})

test('signing out ends the session', async () => {
  const { page, problems } = await openPage(browser, { width: WIDTHS.desktop })
  await signIn(page, server.base, 'chiengan.canbo')
  await page.getByTestId('sign-out').click()
  await page.waitForURL(/\/login/)
  await page.goto(`${server.base}/dashboard`)
  await page.waitForURL(/\/login\?next=/)
  const res = await page.request.get(`${server.base}/api/v1/session`)
  assert.equal(res.status(), 401)
  assertClean(problems)
})

test('every answer of the UI carries the security headers, and the page has no inline script', async () => {
  const paths = ['/', '/dashboard', '/tasks/1', '/favicon.svg', '/api/v1/session', '/api/v1/tasks']
  const html = await (await fetch(`${server.base}/`)).text()
  const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)
  assert.ok(asset, 'index.html loads its script from /assets/')
  paths.push(asset[1])
  for (const path of paths) {
    const res = await fetch(`${server.base}${path}`)
    const csp = res.headers.get('content-security-policy') ?? ''
    assert.match(csp, /script-src 'self'/, `${path}: CSP`)
    assert.doesNotMatch(csp, /unsafe-inline'[^;]*;?.*script|script-src[^;]*unsafe/, `${path}: no unsafe script sources`)
    assert.match(csp, /frame-ancestors 'none'/, `${path}: frame-ancestors`)
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff', `${path}: nosniff`)
    assert.equal(res.headers.get('referrer-policy'), 'same-origin', `${path}: Referrer-Policy`)
    await res.arrayBuffer()
  }
  // Every <script> of the page names its source: nothing inline for the CSP to allow.
  for (const tag of html.match(/<script\b[^>]*>/g) ?? []) assert.match(tag, /\bsrc="/, tag)
  const cached = await fetch(`${server.base}${asset[1]}`, { headers: { 'Accept-Encoding': 'gzip' } })
  assert.match(cached.headers.get('cache-control') ?? '', /immutable/)
})

test('the JavaScript of the UI stays under 500 kB gzipped', () => {
  const dist = process.env.PW_WEB_DIST
  assert.ok(dist, 'PW_WEB_DIST names the built UI')
  const walk = (dir) => readdirSync(dir).flatMap((n) => {
    const p = join(dir, n)
    return statSync(p).isDirectory() ? walk(p) : [p]
  })
  const js = walk(dist).filter((f) => f.endsWith('.js'))
  assert.ok(js.length > 0, `no JavaScript under ${dist}`)
  const gzipped = js.reduce((s, f) => s + gzipSync(readFileSync(f), { level: 9 }).length, 0)
  assert.ok(gzipped < 500 * 1024, `${(gzipped / 1024).toFixed(1)} kB gzipped`)
})

test('pointing at the charts shows their tooltips without breaking the Content-Security-Policy', async () => {
  const { page, problems } = await openPage(browser, { width: WIDTHS.desktop })
  await signIn(page, server.base, 'admin')
  for (const path of ['/indicators/1?unit=SL', '/dashboard?plan=333-KH%2FTU&as_of=2025-12-31',
    '/plans/2/timeline?as_of=2025-12-31']) {
    await page.goto(`${server.base}${path}`)
    await page.waitForLoadState('networkidle')
    const charts = page.locator('.echart')
    // The chart appears once its figures have arrived and ECharts' chunk has loaded, which can
    // come after the network first falls idle.
    await charts.first().waitFor({ state: 'visible', timeout: 15000 })
      .catch(() => assert.fail(`${path} has a chart`))
    for (let i = 0; i < await charts.count(); i++) {
      const box = await charts.nth(i).boundingBox()
      for (const x of [0.25, 0.5, 0.75]) {
        await page.mouse.move(box.x + box.width * x, box.y + box.height / 2)
        await page.waitForTimeout(150)
      }
    }
  }
  assertClean(problems)
})
