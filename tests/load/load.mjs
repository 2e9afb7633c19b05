// Constant-rate load on `planwatch serve`: a fixed mix of reads and writes (12 of 15 requests read,
// 3 write) sent open-loop at --rate requests per second for --seconds, after --warmup seconds of
// the same mix whose figures are discarded. Reports latency percentiles, the rate achieved, every
// answer that was not 2xx and every transport error, and the server's resident memory (VmRSS of
// /proc/<pid>/status, sampled every second), as one JSON line, a table, and build/load/<name>.json.
//
// Open loop, as wrk2 does: request i is due at start + i / rate whatever the earlier ones are
// doing, and its latency runs from that due time to the last byte of the answer, so a server that
// falls behind shows in the percentiles (and in the rate) instead of slowing the load down.
//
// Usage: node tests/load/load.mjs --binary PLANWATCH [--rate 100] [--seconds 20] [--warmup 10]
//          [--name NAME] [--out DIR] [--threads N]
// Exit status: 0 when the verdict passes, 1 when it fails, 2 when the run could not be made.
import { spawn, execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, openSync } from 'node:fs'
import http from 'node:http'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)))
const PASSWORD = 'planwatch-load'
const PLAN = '333-KH/TU'
const OFFICER_UNIT = 'SL-SKHCN'
const INDICATOR = 'OPEN_DATASETS'
const REQUEST_TIMEOUT_MS = 10_000
// The verdict's thresholds.
const MIN_RATE_SHARE = 0.95
const MAX_RSS_GROWTH = 0.05

const { values: opt } = parseArgs({
  options: {
    binary: { type: 'string', default: process.env.PW_BINARY },
    rate: { type: 'string', default: '100' },
    seconds: { type: 'string', default: '20' },
    warmup: { type: 'string', default: '10' },
    name: { type: 'string', default: 'load' },
    out: { type: 'string', default: join(root, 'build', 'load') },
    threads: { type: 'string' },
  },
})
if (opt.binary) opt.binary = resolve(opt.binary)
const rate = Number(opt.rate)
const seconds = Number(opt.seconds)
const warmup = Number(opt.warmup)
if (!opt.binary || !(rate > 0) || !(seconds > 0) || !(warmup >= 0) ||
    !/^[A-Za-z0-9._-]+$/.test(opt.name)) {
  console.error('usage: load.mjs --binary PLANWATCH [--rate R>0] [--seconds S>0] [--warmup W>=0] ' +
    '[--name NAME] [--out DIR] [--threads N]')
  process.exit(2)
}

// ---- the server on a fresh demo -------------------------------------------------------------

function cli(dir, args, input) {
  execFileSync(opt.binary, args, { input, stdio: ['pipe', 'ignore', 'inherit'], cwd: dir })
}

async function startServer(dir) {
  const db = join(dir, 'demo.db')
  cli(dir, ['init', '--db', db, '--demo'])
  cli(dir, ['user', 'add', '--db', db, '--login', 'load.admin', '--role', 'admin', '--unit', 'VN',
    '--name', 'Load admin'], `${PASSWORD}\n`)
  cli(dir, ['user', 'add', '--db', db, '--login', 'load.officer', '--role', 'unit_officer',
    '--unit', OFFICER_UNIT, '--name', 'Load officer'], `${PASSWORD}\n`)
  const stderrPath = join(dir, 'serve.stderr')
  const args = ['serve', '--db', db, '--port', '0', '--bind', '127.0.0.1',
    // No urging scan of its own: its writes would come and go outside the measured mix.
    '--urging-interval', '0']
  if (opt.threads) args.push('--threads', opt.threads)
  const child = spawn(opt.binary, args, { stdio: ['ignore', 'pipe', openSync(stderrPath, 'w')] })
  const port = await new Promise((ok, fail) => {
    let out = ''
    child.stdout.on('data', (chunk) => {
      out += chunk
      const m = /on http:\/\/127\.0\.0\.1:(\d+)/.exec(out)
      if (m) ok(Number(m[1]))
    })
    child.once('exit', (code) => fail(new Error(`planwatch serve exited with ${code}: ${out}` +
      readFileSync(stderrPath, 'utf8'))))
  })
  const exited = new Promise((ok) => child.once('exit', (code, signal) => ok(signal ?? code)))
  return {
    port,
    pid: child.pid,
    stderr: () => readFileSync(stderrPath, 'utf8'),
    async stop() {
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000)
      const code = await exited
      clearTimeout(timer)
      return code
    },
  }
}

// ---- HTTP ----------------------------------------------------------------------------------

let agent
let port

// One request; resolves { status, etag, body (first 300 bytes), end } or { error }.
function send(method, path, { bearer, body, ifMatch } = {}) {
  return new Promise((ok) => {
    const headers = { Accept: 'application/json', 'Accept-Language': 'en' }
    let data
    if (bearer) headers.Authorization = `Bearer ${bearer}`
    if (ifMatch) headers['If-Match'] = ifMatch
    if (body !== undefined) {
      data = Buffer.from(JSON.stringify(body))
      headers['Content-Type'] = 'application/json'
      headers['Content-Length'] = data.length
    }
    const req = http.request({ host: '127.0.0.1', port, method, path, headers, agent }, (res) => {
      const chunks = []
      let kept = 0
      res.on('data', (c) => {
        if (kept < 300) { chunks.push(c); kept += c.length }
      })
      res.on('end', () => ok({
        status: res.statusCode, etag: res.headers.etag, end: performance.now(),
        body: Buffer.concat(chunks).subarray(0, 300).toString(),
      }))
      res.on('error', (e) => ok({ error: e.code ?? e.message, end: performance.now() }))
    })
    req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(Object.assign(new Error('timeout'),
      { code: 'timeout' })))
    req.on('error', (e) => ok({ error: e.code ?? e.message, end: performance.now() }))
    req.end(data)
  })
}

async function must(method, path, opts, expect = 200) {
  const r = await send(method, path, opts)
  if (r.status !== expect) {
    throw new Error(`${method} ${path}: expected ${expect}, got ${r.status ?? r.error}: ${r.body}`)
  }
  return r
}

async function json(path, bearer) {
  const r = await new Promise((ok, fail) => {
    http.get({ host: '127.0.0.1', port, path, agent, headers: { Authorization: `Bearer ${bearer}` } },
      (res) => {
        const chunks = []
        res.on('data', (c) => chunks.push(c))
        res.on('end', () => ok({ status: res.statusCode, text: Buffer.concat(chunks).toString() }))
      }).on('error', fail)
  })
  if (r.status !== 200) throw new Error(`GET ${path}: ${r.status}: ${r.text.slice(0, 300)}`)
  return JSON.parse(r.text)
}

async function token(login) {
  const r = await new Promise((ok, fail) => {
    const body = JSON.stringify({ login, password: PASSWORD })
    const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/api/v1/session',
      agent, headers: { 'Content-Type': 'application/json' } }, (res) => {
      const chunks = []
      res.on('data', (c) => chunks.push(c))
      res.on('end', () => ok({ status: res.statusCode, headers: res.headers,
        text: Buffer.concat(chunks).toString() }))
    })
    req.on('error', fail)
    req.end(body)
  })
  if (r.status !== 200) throw new Error(`sign-in of ${login}: ${r.status}: ${r.text}`)
  const cookie = r.headers['set-cookie'].find((c) => c.startsWith('pw_session=')).split(';')[0]
  const csrf = JSON.parse(r.text).csrf_token
  const t = await new Promise((ok, fail) => {
    const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/api/v1/tokens',
      agent, headers: { 'Content-Type': 'application/json', Cookie: cookie, 'X-CSRF-Token': csrf } },
    (res) => {
      const chunks = []
      res.on('data', (c) => chunks.push(c))
      res.on('end', () => ok({ status: res.statusCode, text: Buffer.concat(chunks).toString() }))
    })
    req.on('error', fail)
    req.end(JSON.stringify({ name: 'load' }))
  })
  if (t.status !== 201) throw new Error(`token of ${login}: ${t.status}: ${t.text}`)
  return JSON.parse(t.text).token
}

// ---- the mix -------------------------------------------------------------------------------

// The callers, the ids the mix walks through, and the ETags of the records it writes.
async function prepare() {
  const admin = await token('load.admin')
  const officer = await token('load.officer')
  const plan = (await json(`/api/v1/plans?code=${encodeURIComponent(PLAN)}`, admin)).items[0].id
  const unit = (await json(`/api/v1/org-units?code=${OFFICER_UNIT}`, admin)).items[0].id
  const indicator = (await json(`/api/v1/indicators?code=${INDICATOR}`, admin)).items[0].id
  const planTasks = (await json(`/api/v1/tasks?plan=${plan}&limit=1000&sort=id`, admin)).items
    .map((t) => t.id)
  const unitTasks = (await json(`/api/v1/tasks?lead_unit=${unit}&limit=1000&sort=id`, officer))
    .items.map((t) => t.id)
  if (planTasks.length < 20 || unitTasks.length < 10) {
    throw new Error(`demo too small: ${planTasks.length} plan tasks, ${unitTasks.length} unit tasks`)
  }
  // Written records: each key is written by one request at a time (see `serialized`), and its
  // ETag comes from the previous write's answer, which is the current version since nothing else
  // writes these records.
  const etags = new Map()
  for (const id of planTasks) {
    etags.set(`task:${id}`, (await must('GET', `/api/v1/tasks/${id}`, { bearer: admin })).etag)
  }
  // The values the load rewrites: 2027–2030, months nobody else enters, created here.
  const periods = []
  for (let y = 2027; y <= 2030; y++) {
    for (let m = 1; m <= 12; m++) periods.push(`${y}${String(m).padStart(2, '0')}`)
  }
  for (const p of periods) {
    const path = `/api/v1/data-values/${indicator}/${unit}/${p}`
    etags.set(path, (await must('PUT', path, { bearer: officer, body: { value: 500 } })).etag)
  }
  return { admin, officer, plan, unit, indicator, planTasks, unitTasks, periods, etags }
}

// Request n of the mix: [label, method, path, options, key of a written record or undefined].
function mixer(c) {
  const at = (list, n) => list[n % list.length]
  const q = encodeURIComponent(PLAN)
  return [
    // reads (12)
    (n) => ['dashboard tasks by group', 'GET',
      `/api/v1/analytics/tasks?plan=${q}&group_by=group`, { bearer: c.admin }],
    (n) => ['task list', 'GET', `/api/v1/tasks?plan=${c.plan}&limit=50&offset=${(n * 50) %
      c.planTasks.length}`, { bearer: c.admin }],
    (n) => ['task get', 'GET', `/api/v1/tasks/${at(c.planTasks, n * 7)}`, { bearer: c.admin }],
    (n) => ['indicator analytics', 'GET', '/api/v1/analytics/indicators?unit=SL&periods=2025',
      { bearer: c.admin }],
    (n) => ['open data JSON', 'GET', '/open/datasets/plan-333-kh-tu.json', {}],
    (n) => ['dashboard tasks (unit)', 'GET', `/api/v1/analytics/tasks?plan=${q}`,
      { bearer: c.officer }],
    (n) => ['task list (unit)', 'GET', `/api/v1/tasks?lead_unit=${c.unit}&limit=50`,
      { bearer: c.officer }],
    (n) => ['task get (unit)', 'GET', `/api/v1/tasks/${at(c.unitTasks, n)}`, { bearer: c.officer }],
    (n) => ['indicator by period', 'GET', `/api/v1/analytics/indicators?indicator=${INDICATOR}` +
      '&periods=202501..202512&by=period', { bearer: c.officer }],
    (n) => ['open data JSON (indicator)', 'GET', '/open/datasets/indicator-open-datasets.json', {}],
    (n) => ['data value list', 'GET', `/api/v1/data-values?indicator=${c.indicator}&unit=${c.unit}` +
      '&periods=202501..202512', { bearer: c.officer }],
    (n) => ['task events', 'GET', `/api/v1/tasks/${at(c.unitTasks, n * 3)}/events`,
      { bearer: c.officer }],
    // writes (3)
    (n) => {
      const id = at(c.planTasks, n)
      return ['task PATCH', 'PATCH', `/api/v1/tasks/${id}`,
        { bearer: c.admin, body: { priority: n % 11 } }, `task:${id}`]
    },
    (n) => {
      const path = `/api/v1/data-values/${c.indicator}/${c.unit}/${at(c.periods, n)}`
      return ['data value PUT', 'PUT', path,
        { bearer: c.officer, body: { value: 500 + (n % 100), comment: `load ${n}` } }, path]
    },
    (n) => ['comment POST', 'POST', `/api/v1/tasks/${at(c.unitTasks, n * 5)}/comments`,
      { bearer: c.officer, body: { body: `Load comment ${n}` } }],
  ]
}

// ---- the run -------------------------------------------------------------------------------

function percentile(sorted, p) {
  if (sorted.length === 0) return null
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b)
  return s.length === 0 ? null : s[Math.floor((s.length - 1) / 2)]
}

// The sanitizer runtime the server runs under, if any. AddressSanitizer keeps freed memory in a
// quarantine (256 MB by default) and so grows RSS without a leak: under it the memory rule is not
// applied, and its LeakSanitizer, which fails the server's exit status, checks leaks instead.
function sanitizer(pid) {
  const m = /lib(asan|tsan|msan)\.so/.exec(readFileSync(`/proc/${pid}/maps`, 'utf8'))
  return m ? m[1] : null
}

function rssKiB(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  return m ? Number(m[1]) : null
}

// Sends `count` requests at `rate` per second from the mix; resolves when all have answered.
async function drive(c, count, onDone) {
  const mix = mixer(c)
  const writing = new Map() // key of a written record → the promise of its last write
  const start = performance.now()
  const interval = 1000 / rate
  const pending = []
  let sent = 0
  await new Promise((done) => {
    const tick = () => {
      const now = performance.now()
      while (sent < count && start + sent * interval <= now) {
        const due = start + sent * interval
        const slot = sent % mix.length
        const [label, method, path, options, key] = mix[slot](Math.floor(sent / mix.length))
        let p
        if (key === undefined) {
          p = send(method, path, options)
        } else {
          // One write per record at a time, with the ETag its previous write answered.
          p = (writing.get(key) ?? Promise.resolve()).then(() =>
            send(method, path, { ...options, ifMatch: c.etags.get(key) })).then((r) => {
            if (r.status >= 200 && r.status < 300 && r.etag) {
              c.etags.set(key, r.etag)
              return r
            }
            // Counted as failed; the record's ETag is read again (outside the figures) so that
            // one failure, a timeout that was written after all say, does not fail the next ones.
            const bearer = options.bearer
            return send('GET', key.startsWith('task:') ? `/api/v1/tasks/${key.slice(5)}` : path,
              { bearer }).then((g) => {
              if (g.status === 200 && g.etag) c.etags.set(key, g.etag)
              return r
            })
          })
          writing.set(key, p)
        }
        pending.push(p.then((r) => onDone(label, method, path, due, r)))
        sent++
      }
      if (sent < count) setTimeout(tick, Math.max(0, start + sent * interval - performance.now()))
      else done()
    }
    tick()
  })
  await Promise.all(pending)
  return { start, end: performance.now() }
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'pw-load-'))
  let server
  let report
  try {
    server = await startServer(dir)
    port = server.port
    agent = new http.Agent({ keepAlive: true, maxSockets: 64 })
    const c = await prepare()
    const runtime = sanitizer(server.pid)

    const rss = [] // { t (s since warm-up began), kib, phase }
    let phase = 'warmup'
    const t0 = performance.now()
    const sample = () => {
      const kib = rssKiB(server.pid)
      if (kib !== null) rss.push({ t: (performance.now() - t0) / 1000, kib, phase })
    }
    sample()
    const sampler = setInterval(sample, 1000)

    const warm = { requests: 0, failed: 0 }
    if (warmup > 0) {
      await drive(c, Math.round(rate * warmup), (label, method, path, due, r) => {
        warm.requests++
        if (r.error || r.status < 200 || r.status >= 300) warm.failed++
      })
    }
    sample()
    const rssWarm = rss[rss.length - 1].kib
    phase = 'load'

    const latencies = []
    const byLabel = {}
    const statuses = {}
    const errors = {}
    const examples = []
    let lastEnd = 0
    const measured = await drive(c, Math.round(rate * seconds), (label, method, path, due, r) => {
      lastEnd = Math.max(lastEnd, r.end)
      const ms = r.end - due
      const row = (byLabel[label] ??= { requests: 0, failed: 0, latencies: [] })
      row.requests++
      if (r.error) {
        errors[r.error] = (errors[r.error] ?? 0) + 1
        row.failed++
      } else {
        statuses[r.status] = (statuses[r.status] ?? 0) + 1
        if (r.status < 200 || r.status >= 300) {
          row.failed++
          if (examples.length < 5) examples.push(`${method} ${path}: ${r.status} ${r.body}`)
        }
      }
      latencies.push(ms)
      row.latencies.push(ms)
    })
    sample()
    clearInterval(sampler)

    const serverCode = await server.stop()
    server = null

    // Verdict on memory: the median of the first 10% of the samples taken after warm-up against
    // the median of the last 10% (at least one sample each); growth above MAX_RSS_GROWTH fails.
    const after = rss.filter((s) => s.phase === 'load').map((s) => s.kib)
    const tenth = Math.max(1, Math.floor(after.length / 10))
    const rssFirst = median(after.slice(0, tenth))
    const rssLast = median(after.slice(-tenth))
    const rssGrowth = (rssLast - rssFirst) / rssFirst

    latencies.sort((a, b) => a - b)
    const elapsed = Math.max(seconds, (lastEnd - measured.start) / 1000)
    const achieved = latencies.length / elapsed
    const non2xx = Object.entries(statuses).filter(([s]) => s < 200 || s >= 300)
      .reduce((n, [, k]) => n + k, 0)
    const transport = Object.values(errors).reduce((n, k) => n + k, 0)
    const failures = []
    if (non2xx + transport > 0) failures.push(`${non2xx + transport} errors`)
    if (achieved < MIN_RATE_SHARE * rate) {
      failures.push(`rate ${achieved.toFixed(1)}/s below ${MIN_RATE_SHARE * 100}% of ${rate}/s`)
    }
    if (rssGrowth > MAX_RSS_GROWTH && runtime === null) {
      failures.push(`RSS grew ${(rssGrowth * 100).toFixed(1)}% after warm-up ` +
        `(${rssFirst} → ${rssLast} KiB)`)
    }
    if (serverCode !== 0) failures.push(`server exit ${serverCode}`)
    const round = (x) => (x === null ? null : Math.round(x * 100) / 100)
    const lat = (xs) => {
      const s = [...xs].sort((a, b) => a - b)
      return { p50: round(percentile(s, 50)), p90: round(percentile(s, 90)),
        p99: round(percentile(s, 99)), max: round(s[s.length - 1]) }
    }
    report = {
      name: opt.name,
      binary: opt.binary,
      target_rate: rate,
      seconds,
      warmup_seconds: warmup,
      warmup_requests: warm.requests,
      warmup_failed: warm.failed,
      requests: latencies.length,
      achieved_rate: round(achieved),
      latency_ms: lat(latencies),
      statuses,
      non_2xx: non2xx,
      transport_errors: errors,
      error_examples: examples,
      rss_kib: {
        end_of_warmup: rssWarm,
        first_tenth_median: rssFirst,
        last_tenth_median: rssLast,
        last: after[after.length - 1],
        max: Math.max(...rss.map((s) => s.kib)),
        growth_percent: round(rssGrowth * 100),
        rule: runtime === null ? `growth at most ${MAX_RSS_GROWTH * 100}%`
          : `not applied: ${runtime} build`,
        samples: rss.map((s) => [round(s.t), s.kib]),
      },
      by_request: Object.fromEntries(Object.entries(byLabel).map(([k, v]) =>
        [k, { requests: v.requests, failed: v.failed, latency_ms: lat(v.latencies) }])),
      server_exit: serverCode,
      verdict: failures.length === 0 ? 'pass' : 'fail',
      failures,
    }
  } finally {
    if (server) {
      const code = await server.stop()
      console.error(`planwatch serve stopped (${code}); its stderr:\n${server.stderr()}`)
    }
    agent?.destroy()
    rmSync(dir, { recursive: true, force: true })
  }

  mkdirSync(opt.out, { recursive: true })
  const file = join(opt.out, `${opt.name}.json`)
  writeFileSync(file, JSON.stringify(report, null, 2) + '\n')
  const { samples, ...rssSummary } = report.rss_kib
  console.log(JSON.stringify({ ...report, rss_kib: rssSummary, by_request: undefined }))
  const l = report.latency_ms
  const mib = (k) => `${(k / 1024).toFixed(1)} MiB`
  const table = [
    ['target rate', `${rate} req/s for ${seconds} s (after ${warmup} s warm-up)`],
    ['requests', `${report.requests}`],
    ['rate achieved', `${report.achieved_rate} req/s`],
    ['latency p50 / p90 / p99 / max',
      `${l.p50} / ${l.p90} / ${l.p99} / ${l.max} ms (from each request's due time)`],
    ['statuses', Object.entries(report.statuses).map(([s, n]) => `${s}: ${n}`).join(', ')],
    ['non-2xx / transport errors', `${report.non_2xx} / ${JSON.stringify(report.transport_errors)}`],
    ['RSS end of warm-up / last / max', `${mib(rssSummary.end_of_warmup)} / ${mib(rssSummary.last)}` +
      ` / ${mib(rssSummary.max)}`],
    ['RSS first 10% → last 10% (medians)', `${mib(rssSummary.first_tenth_median)} → ` +
      `${mib(rssSummary.last_tenth_median)} (${rssSummary.growth_percent}%; ${rssSummary.rule})`],
    ['verdict', report.verdict + (report.failures.length ? `: ${report.failures.join('; ')}` : '')],
  ]
  const w = Math.max(...table.map(([k]) => k.length))
  console.log(table.map(([k, v]) => `${k.padEnd(w)}  ${v}`).join('\n'))
  console.log('\nper request (p50 / p99 ms, failed):')
  for (const [k, v] of Object.entries(report.by_request)) {
    console.log(`  ${k.padEnd(28)} ${String(v.latency_ms.p50).padStart(8)} / ` +
      `${String(v.latency_ms.p99).padStart(8)}  ${v.failed}`)
  }
  for (const e of report.error_examples) console.log(`  error: ${e}`)
  console.log(`report: ${file}`)
  return report.verdict === 'pass' ? 0 : 1
}

main().then((code) => process.exit(code), (e) => {
  console.error(`load: ${e.stack ?? e}`)
  process.exit(2)
})
