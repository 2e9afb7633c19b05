// The browser tests' harness: a planwatch server on a fresh copy of the demo with one user per
// role, Debian's Chromium driven by playwright-core, screenshots under build/, and a watch on the
// browser console so that a script error or a Content-Security-Policy violation fails the test.
//
// Environment:
//   PW_BINARY   the planwatch binary (required)
//   PW_SHOTS    where screenshots go (default build/browser-shots)
//   PW_WEB_DIR  UI development only: serve this built UI (vite build --outDir) in front of the
//               server's API instead of the UI embedded in the binary.
import { spawn, execFileSync } from 'node:child_process'
import { createServer, request as httpRequest } from 'node:http'
import { createRequire } from 'node:module'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { extname, join, normalize, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import assert from 'node:assert/strict'

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)))
const require = createRequire(join(root, 'web', 'package.json'))
const { chromium } = require('playwright-core')

export const PASSWORD = 'planwatch-demo'
// One user per role the tests act as: login → [role, scope unit code, display name].
export const USERS = {
  admin: ['admin', 'VN', 'Quản trị hệ thống'],
  'bcd.sonla': ['steering', 'SL', 'Thành viên Ban Chỉ đạo tỉnh'],
  'skhcn.thuongtruc': ['standing_agency', 'SL-SKHCN', 'Cơ quan thường trực (Sở KH&CN)'],
  'chiengan.lanhdao': ['unit_leader', 'SL-W-CHIENGAN', 'Lãnh đạo phường Chiềng An'],
  'chiengan.canbo': ['unit_officer', 'SL-W-CHIENGAN', 'Cán bộ phường Chiềng An'],
  'chiengla.canbo': ['unit_officer', 'SL-C-CHIENGLA', 'Cán bộ xã Chiềng La'],
  'xem.sonla': ['viewer', 'SL', 'Người xem'],
}
export const WIDTHS = { phone: 360, desktop: 1920 }

function binary() {
  const b = process.env.PW_BINARY
  assert.ok(b, 'PW_BINARY must name the planwatch binary')
  return b
}

// A server on a fresh demo database; `serveArgs` are added to `planwatch serve` (for example
// ['--feedback-difficulty', '8']). Returns { base, api, stop }.
export async function startServer({ serveArgs = [] } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'pw-browser-'))
  const db = join(dir, 'demo.db')
  execFileSync(binary(), ['init', '--db', db, '--demo'], { stdio: 'ignore' })
  for (const [login, [role, unit, name]] of Object.entries(USERS)) {
    execFileSync(binary(), ['user', 'add', '--db', db, '--login', login, '--role', role,
      '--unit', unit, '--name', name], { input: `${PASSWORD}\n`, stdio: ['pipe', 'ignore', 'inherit'] })
  }
  const child = spawn(binary(), ['serve', '--db', db, '--port', '0', '--threads', '4',
    // No urging scan of its own (tests run one through the API when they need it).
    '--urging-interval', '0', ...serveArgs], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const api = await new Promise((ok, fail) => {
    let out = ''
    child.stdout.on('data', (chunk) => {
      out += chunk
      const m = /on (http:\/\/\S+)/.exec(out)
      if (m) ok(m[1])
    })
    child.on('exit', (code) => fail(new Error(`planwatch serve exited with ${code}: ${out}`)))
  })
  let base = api
  let front = null
  if (process.env.PW_WEB_DIR) ({ base, front } = await startFront(process.env.PW_WEB_DIR, api))
  return {
    base,
    api,
    db,
    async stop() {
      front?.close()
      child.kill('SIGTERM')
      await new Promise((ok) => child.once('exit', ok))
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

const types = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.json': 'application/json',
}

// UI development: the built UI from `dir`, /api/* forwarded to the server.
async function startFront(dir, api) {
  const target = new URL(api)
  const front = createServer((req, res) => {
    if (req.url.startsWith('/api/') || req.url.startsWith('/open/') || req.url === '/healthz') {
      const up = httpRequest({ host: target.hostname, port: target.port, path: req.url,
        method: req.method, headers: req.headers }, (r) => {
        res.writeHead(r.statusCode, r.headers)
        r.pipe(res)
      })
      req.pipe(up)
      return
    }
    let path = normalize(decodeURIComponent(req.url.split('?')[0])).replace(/^(\.\.[/\\])+/, '')
    let file = join(dir, path)
    try {
      if (!statSync(file).isFile()) throw new Error()
    } catch {
      file = join(dir, 'index.html')
    }
    res.writeHead(200, { 'Content-Type': types[extname(file)] ?? 'application/octet-stream' })
    res.end(readFileSync(file))
  })
  await new Promise((ok) => front.listen(0, '127.0.0.1', ok))
  return { base: `http://127.0.0.1:${front.address().port}`, front }
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.PW_CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--disable-dev-shm-usage'],
  })
}

// A page in a fresh context (its own cookies and localStorage) at the given width. `problems`
// collects console errors, uncaught exceptions and failed requests other than expected API
// refusals; assertClean(problems) fails the test if any arrived.
export async function openPage(browser, { width = WIDTHS.desktop, height = 1000 } = {}) {
  const context = await browser.newContext({
    viewport: { width, height },
    locale: 'vi-VN',
    timezoneId: 'Asia/Ho_Chi_Minh',
  })
  const page = await context.newPage()
  const problems = []
  page.on('console', (m) => {
    if (m.type() !== 'error') return
    // The browser logs every 4xx answer of fetch; the tests check those themselves.
    if (/Failed to load resource: the server responded with a status of 4\d\d/.test(m.text())) return
    problems.push(`console: ${m.text()}`)
  })
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`))
  page.setDefaultTimeout(15_000)
  return { page, context, problems }
}

export function assertClean(problems) {
  assert.deepEqual(problems, [], `the browser reported problems:\n${problems.join('\n')}`)
}

export async function signIn(page, base, login, password = PASSWORD) {
  await page.goto(`${base}/login`)
  await page.getByLabel(/Tên đăng nhập|Login/).fill(login)
  await page.getByLabel(/Mật khẩu|Password/).fill(password)
  await page.getByRole('button', { name: /Đăng nhập|Sign in/ }).click()
  await page.waitForURL((url) => !url.pathname.startsWith('/login'))
}

// Full-page screenshot `<name>-<width>.png` under PW_SHOTS (default build/browser-shots).
export async function shoot(page, name) {
  const dir = process.env.PW_SHOTS ?? join(root, 'build', 'browser-shots')
  mkdirSync(dir, { recursive: true })
  const width = page.viewportSize()?.width ?? 0
  await page.evaluate(() => document.fonts?.ready)
  await page.screenshot({ path: join(dir, `${name}-${width}.png`), fullPage: true })
}

// The JSON API as a user, from Node (for setting up and for checking what the API refuses).
export async function apiAs(base, login, password = PASSWORD) {
  const res = await fetch(`${base}/api/v1/session`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ login, password }),
  })
  assert.equal(res.status, 200, `sign-in of ${login}`)
  const cookie = res.headers.get('set-cookie').split(';')[0]
  const { csrf_token: csrf } = await res.json()
  const call = async (method, path, body, headers = {}) => {
    const r = await fetch(`${base}${path}`, {
      method,
      headers: {
        Cookie: cookie,
        'X-CSRF-Token': csrf,
        'Accept-Language': 'en',
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const text = await r.text()
    let json = null
    try { json = text ? JSON.parse(text) : null } catch { json = text }
    return { status: r.status, body: json, etag: r.headers.get('etag') }
  }
  return {
    get: (path) => call('GET', path),
    post: (path, body) => call('POST', path, body),
    put: (path, body, headers) => call('PUT', path, body, headers),
    patch: (path, body, headers) => call('PATCH', path, body, headers),
  }
}
