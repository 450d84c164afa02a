/**
 * Ban history bench, runnable alone: `node bench/history.ts [--smoke] [--rounds N]`.
 * - ingest of 100k events through the store's own batched insert (1000 per transaction, WAL,
 *   synchronous=FULL) into a file;
 * - on 1M events over a year: bans by jail since 30 d, top-20 offenders (30 d and the whole
 *   year), timeline buckets for a year, with goals ≤ 50 ms, ≤ 100 ms, ≤ 50 ms;
 * - store size per million events (after a WAL checkpoint);
 * - GeoIP lookups per second on the bundled DB-IP Lite database (uncached and cached).
 * Each figure is the median over N rounds with min / max; written to bench/results/history.json.
 * `--smoke` uses tiny sizes to keep the script working; its figures mean nothing.
 */
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { join, resolve } from 'node:path'
import { GeoIp } from '../src/main/history/geoip.ts'
import { bansByJail, offenders, timeline } from '../src/main/history/queries.ts'
import { HistoryStore, type NewEvent } from '../src/main/history/store.ts'
import { mulberry32, SYNTHETIC_JAILS } from '../test/support/synthetic.ts'

const smoke = process.argv.includes('--smoke')
const roundsArg = process.argv.indexOf('--rounds')
const ROUNDS = roundsArg > 0 ? Number(process.argv[roundsArg + 1]) : smoke ? 2 : 9
const N = smoke
  ? { ingest: 2_000, big: 20_000, geo: 2_000 }
  : { ingest: 100_000, big: 1_000_000, geo: 100_000 }
const DAY = 86_400
const STEP = Math.floor((359 * DAY) / N.big) // N.big events over ~a year
const T0 = 1_700_000_000
const NOW = T0 + N.big * STEP
const JAILS = SYNTHETIC_JAILS

const dir = mkdtempSync(join(os.tmpdir(), 'bangui-bench-history-'))
process.on('exit', () => rmSync(dir, { recursive: true, force: true }))

/** Events like a busy server's: 50k IPs, a few coming back very often, 90% bans. */
function synth(n: number, seed: number, step: number, t0: number): NewEvent[] {
  const rnd = mulberry32(seed)
  const out: NewEvent[] = []
  for (let i = 0; i < n; i++) {
    const k = Math.floor(50_000 * rnd() ** 3)
    out.push({
      server: rnd() < 0.7 ? 'alpha' : 'beta',
      jail: JAILS[Math.floor(rnd() * rnd() * JAILS.length)]!,
      ip: `${1 + (k % 200)}.${(k >> 8) & 255}.${k & 255}.${(k * 7) & 255}`,
      time: t0 + i * step,
      kind: rnd() < 0.9 ? 'ban' : 'unban',
      source: 'observed',
      bantime: 600
    })
  }
  return out
}

interface Figure {
  median: number
  min: number
  max: number
  unit: string
  goal?: number
  rounds: number
}
const figures: Record<string, Figure> = {}

function stats(xs: number[], unit: string, goal?: number): Figure {
  const s = [...xs].sort((a, b) => a - b)
  return {
    median: s[Math.floor(s.length / 2)]!,
    min: s[0]!,
    max: s[s.length - 1]!,
    unit,
    ...(goal !== undefined ? { goal } : {}),
    rounds: xs.length
  }
}

function time<T>(f: () => T): [number, T] {
  const t = performance.now()
  const r = f()
  return [performance.now() - t, r]
}

function report(name: string, f: Figure): void {
  figures[name] = f
  const r = (x: number): string => (x >= 100 ? x.toFixed(0) : x.toFixed(2))
  const goal =
    f.goal === undefined
      ? ''
      : `  goal ≤ ${f.goal} ${f.unit} ${f.median <= f.goal ? 'met' : 'MISSED'}`
  console.log(
    `${name.padEnd(34)} ${r(f.median).padStart(10)} ${f.unit.padEnd(10)} (min ${r(f.min)}, max ${r(f.max)}, ${f.rounds} rounds)${goal}`
  )
}

// ---------------------------------------------------------------- ingest 100k
{
  const evs = synth(N.ingest, 1, 7, T0)
  const xs: number[] = []
  for (let r = 0; r < Math.min(ROUNDS, 3); r++) {
    const file = join(dir, `ingest-${r}.sqlite`)
    const s = new HistoryStore(file)
    const [ms] = time(() => {
      for (let i = 0; i < evs.length; i += 1000) s.insert(evs.slice(i, i + 1000))
    })
    s.close()
    rmSync(file, { force: true })
    xs.push(ms)
  }
  report(`ingest ${N.ingest / 1000}k events (1000/txn)`, stats(xs, 'ms'))
  report(
    'ingest rate',
    stats(
      xs.map((ms) => (N.ingest / ms) * 1000),
      'events/s'
    )
  )
}

// ---------------------------------------------------------------- 1M events
const file = join(dir, 'big.sqlite')
const store = new HistoryStore(file)
{
  const evs = synth(N.big, 42, STEP, T0)
  const [ms] = time(() => store.bulkLoad(evs))
  console.log(`(built ${N.big} events in ${(ms / 1000).toFixed(1)} s)`)
  store.db.exec('PRAGMA wal_checkpoint(TRUNCATE)')
  const bytes = statSync(file).size
  figures['store size per million events'] = {
    median: (bytes / 1e6) * (1e6 / N.big),
    min: (bytes / 1e6) * (1e6 / N.big),
    max: (bytes / 1e6) * (1e6 / N.big),
    unit: 'MB',
    rounds: 1
  }
  console.log(
    `${'store size per million events'.padEnd(34)} ${((bytes / 1e6) * (1e6 / N.big)).toFixed(1).padStart(10)} MB`
  )
}

function bench(name: string, goal: number | undefined, f: () => unknown, rounds = ROUNDS): void {
  f() // warm the page cache and the statement
  const xs: number[] = []
  for (let r = 0; r < rounds; r++) xs.push(time(f)[0])
  report(name, stats(xs, 'ms', goal))
}

const month = { server: null, since: NOW - 30 * DAY, until: NOW }
const year = { server: null, since: NOW - 365 * DAY, until: NOW }
bench('bans by jail since 30 d', 50, () =>
  bansByJail(store.db, { ...month, nowS: NOW, purgeAgeS: DAY })
)
bench('top-20 offenders, 30 d', 100, () => offenders(store.db, { ...month, limit: 20 }))
bench(
  'top-20 offenders, a year',
  undefined,
  () => offenders(store.db, { ...year, limit: 20 }),
  Math.min(ROUNDS, 3)
)
bench('timeline buckets for a year', 50, () => timeline(store.db, year))
bench('timeline buckets for a day', undefined, () =>
  timeline(store.db, { server: null, since: NOW - DAY, until: NOW })
)
store.close()

// ---------------------------------------------------------------- GeoIP
{
  const rnd = mulberry32(7)
  const xs: number[] = []
  const cached: number[] = []
  for (let r = 0; r < Math.min(ROUNDS, 3); r++) {
    const geo = new GeoIp()
    const ips = Array.from({ length: N.geo }, () =>
      [
        1 + Math.floor(rnd() * 222),
        Math.floor(rnd() * 256),
        Math.floor(rnd() * 256),
        Math.floor(rnd() * 256)
      ].join('.')
    )
    xs.push((N.geo / time(() => ips.forEach((ip) => geo.country(ip)))[0]) * 1000)
    cached.push((N.geo / time(() => ips.forEach((ip) => geo.country(ip)))[0]) * 1000)
  }
  report('GeoIP lookups (uncached)', stats(xs, 'lookups/s'))
  report('GeoIP lookups (cached)', stats(cached, 'lookups/s'))
}

if (!smoke) {
  const out = resolve(import.meta.dirname, 'results')
  mkdirSync(out, { recursive: true })
  writeFileSync(
    join(out, 'history.json'),
    `${JSON.stringify(
      {
        date: new Date().toISOString(),
        machine: {
          cpus: os.cpus().length,
          model: os.cpus()[0]?.model,
          loadavg: os.loadavg(),
          node: process.version
        },
        sizes: N,
        rounds: ROUNDS,
        figures
      },
      null,
      2
    )}\n`
  )
  console.log('written to bench/results/history.json')
}
