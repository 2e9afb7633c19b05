// DuckDB side of bench/compare: `node duckdb.mjs JOB.json RESULT.json`.
// JOB: {database?, setup: [sql], queries?: [{name, instances: [{sql, params}]}], runs, min_runs,
//       budget_ms, ingest?: [sql]}. Runs setup (timed as load_ms), answers every instance once
// (untimed pass, answers returned for checking), then times `runs` runs per query (fewer when
// slow: about budget_ms per query, at least min_runs), run i on instance i mod n, each a prepared
// statement executed and read to the end. With `ingest`, times those statements as ingest_ms.
import { readFileSync, writeFileSync } from 'node:fs';
import { DuckDBInstance, version } from '@duckdb/node-api';

const [jobPath, outPath] = process.argv.slice(2);
const job = JSON.parse(readFileSync(jobPath, 'utf8'));
const now = () => Number(process.hrtime.bigint()) / 1e6;

function toNumber(v) {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v.toDouble === 'function') return v.toDouble();
  return Number(v.toString());
}

const instance = await DuckDBInstance.create(job.database ?? ':memory:');
const connection = await instance.connect();
const result = { version: version() };

let start = now();
for (const sql of job.setup ?? []) await connection.run(sql);
result.load_ms = now() - start;

const prepared = new Map();
async function run(inst) {
  let stmt = prepared.get(inst.sql);
  if (!stmt) {
    stmt = await connection.prepare(inst.sql);
    prepared.set(inst.sql, stmt);
  }
  stmt.clearBindings();
  inst.params.forEach((p, i) => stmt.bindInteger(i + 1, p));
  const reader = await stmt.runAndReadAll();
  return reader.getRows();
}

result.queries = [];
for (const q of job.queries ?? []) {
  const answers = [];
  let first = 0;
  for (const inst of q.instances) {
    const t0 = now();
    const rows = await run(inst);
    first += now() - t0;
    answers.push(rows.map((row) => row.map(toNumber)));
  }
  const estimate = first / q.instances.length;
  const runs = estimate > 0
    ? Math.max(job.min_runs, Math.min(job.runs, Math.floor(job.budget_ms / estimate)))
    : job.runs;
  const ms = [];
  for (let i = 0; i < runs; i++) {
    const inst = q.instances[i % q.instances.length];
    const t0 = now();
    await run(inst);
    ms.push(now() - t0);
  }
  result.queries.push({ name: q.name, answers, ms });
}

if (job.ingest) {
  start = now();
  for (const sql of job.ingest) await connection.run(sql);
  result.ingest_ms = now() - start;
}
connection.closeSync();
writeFileSync(outPath, JSON.stringify(result));
