// The dashboard's first contentful paint and the size of the UI's JavaScript.
//
//   PW_BINARY=build/release/src/planwatch/cli/planwatch node bench/ui_paint.mjs [DIST] [RUNS]
//
// Starts the server on the demo (loopback), signs in once, then opens
// /dashboard?plan=333-KH/TU&as_of=2025-12-31 RUNS times (default 15) in a fresh page with the
// browser cache disabled, and reads the paint timing Chromium records ('first-contentful-paint')
// and the time until the completion figure is on screen. Prints the median and the worst, and the
// JavaScript of DIST (default build/release/web/dist) raw and gzipped (level 9), in all and for
// the files the dashboard loads.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { gzipSync } from 'node:zlib'
import { launchBrowser, openPage, signIn, startServer } from '../tests/browser/harness.mjs'

const dist = resolve(process.argv[2] ?? 'build/release/web/dist')
const runs = Number(process.argv[3] ?? 15)

function files(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? files(path) : [path]
  })
}

const kB = (n) => `${(n / 1024).toFixed(1)} kB`
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

const js = files(dist).filter((f) => f.endsWith('.js'))
const size = (list) => list.reduce((s, f) => {
  const raw = readFileSync(f)
  return { raw: s.raw + raw.length, gzip: s.gzip + gzipSync(raw, { level: 9 }).length }
}, { raw: 0, gzip: 0 })
const all = size(js)

const server = await startServer()
const browser = await launchBrowser()
try {
  const { page, context } = await openPage(browser)
  await signIn(page, server.base, 'admin')
  const url = `${server.base}/dashboard?plan=333-KH%2FTU&as_of=2025-12-31&unit=VN`
  const fcp = []
  const figure = []
  let loaded = new Set()
  for (let i = 0; i < runs; i++) {
    const p = await context.newPage()
    const cdp = await context.newCDPSession(p)
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true })
    const seen = new Set()
    p.on('response', (r) => {
      const u = new URL(r.url())
      if (u.pathname.endsWith('.js')) seen.add(u.pathname)
    })
    const start = Date.now()
    await p.goto(url)
    await p.getByTestId('kpi-completion-value').getByText(/73[,.]3/).waitFor()
    figure.push(Date.now() - start)
    fcp.push(await p.evaluate(() =>
      performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN))
    loaded = seen
    await p.close()
  }
  const dashboard = size(js.filter((f) => [...loaded].some((u) => f.endsWith(u))))
  console.log(`dashboard on loopback, ${runs} cold loads (cache disabled), demo data:`)
  console.log(`  first contentful paint   median ${median(fcp).toFixed(0)} ms, worst ${Math.max(...fcp).toFixed(0)} ms`)
  console.log(`  completion figure shown  median ${median(figure)} ms, worst ${Math.max(...figure)} ms`)
  console.log(`JavaScript in ${dist}:`)
  console.log(`  all ${js.length} files        ${kB(all.raw)} raw, ${kB(all.gzip)} gzipped`)
  console.log(`  loaded by the dashboard  ${kB(dashboard.raw)} raw, ${kB(dashboard.gzip)} gzipped (${loaded.size} files)`)
} finally {
  await browser.close()
  await server.stop()
}
