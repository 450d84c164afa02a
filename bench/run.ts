/**
 * `npm run bench`: BanGUI's client and services against private real fail2ban-servers, side by
 * side with the reference in the same run (fail2ban's own Python socket client, CPython's
 * pickle, the fail2ban-client CLI), printed as ratios (ours / reference; lower is better) and
 * written to bench/results/latest.json.
 *
 * `--smoke` runs every step with tiny sizes to keep the bench working (used by the tests);
 * its figures mean nothing.
 */
import { execFile } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { Fail2BanClient, Fail2BanCommands, type Logger } from '../src/main/fail2ban/index.ts'
import { decodeReply } from '../src/main/fail2ban/pickle.ts'
import { BanService } from '../src/main/services/ban.service.ts'
import { startTestServer, type TestServer } from '../test/support/f2b-server.ts'
import { benchRender } from './render.ts'

const run = promisify(execFile)
const root = resolve(import.meta.dirname, '..')
const smoke = process.argv.includes('--smoke')
const N = smoke
  ? {
      pings: 20,
      cliPings: 3,
      small: 200,
      large: 1000,
      fetches: 2,
      decodes: 2,
      concurrent: 100,
      bulkban: 500,
      pollJails: 3,
      pollBans: 300
    }
  : {
      pings: 500,
      cliPings: 30,
      small: 20_000,
      large: 100_000,
      fetches: 7,
      decodes: 15,
      concurrent: 1000,
      bulkban: 20_000,
      pollJails: 20,
      pollBans: 100_000
    }

const results: Record<string, number> = {}
const rows: [string, string, string, string][] = []
const tmp = mkdirSync(join(os.tmpdir(), `bangui-bench-${process.pid}`), { recursive: true })!

// ------------------------------------------------------------------ helpers

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!
}
const median = (xs: number[]): number => pct(xs, 50)
const fmt = (ms: number): string =>
  (ms >= 100 ? ms.toFixed(0) : ms >= 1 ? ms.toFixed(2) : ms.toFixed(3)) + ' ms'
const ratio = (a: number, b: number): number => Number((a / b).toPrecision(3))

async function py(...args: string[]): Promise<number[]> {
  const { stdout } = await run('/usr/bin/python3', [join(root, 'bench/py_bench.py'), ...args], {
    maxBuffer: 64 * 1024 * 1024,
    timeout: 600_000
  })
  return JSON.parse(stdout.trim().split('\n').pop()!) as number[]
}

function ips(count: number, offset = 0): string[] {
  return Array.from({ length: count }, (_, k) => {
    const i = k + offset
    return `${10 + ((i >> 24) & 63)}.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`
  })
}

async function fill(f2b: Fail2BanCommands, jail: string, list: string[]): Promise<void> {
  for (let i = 0; i < list.length; i += 5000)
    await f2b.banIps(jail, list.slice(i, i + 5000), { timeoutMs: 120_000 })
}

function row(name: string, ours: string, ref: string, r: number): void {
  rows.push([name, ours, ref, `${r}×`])
}

async function timed<T>(fn: () => Promise<T>): Promise<number> {
  const t0 = performance.now()
  await fn()
  return performance.now() - t0
}

// ------------------------------------------------------------------ steps

async function benchPing(server: TestServer): Promise<void> {
  const client = new Fail2BanClient({ socketPath: server.socketPath })
  for (let i = 0; i < 50; i++) await client.send(['ping'])
  const ours: number[] = []
  for (let i = 0; i < N.pings; i++) ours.push(await timed(() => client.send(['ping'])))
  await client.close()
  const python = await py('ping', server.socketPath, String(N.pings))
  const cli: number[] = []
  for (let i = 0; i < N.cliPings; i++) {
    cli.push(await timed(() => run('/usr/bin/fail2ban-client', ['-s', server.socketPath, 'ping'])))
  }
  results.ping_p50_ms = median(ours)
  results.ping_p95_ms = pct(ours, 95)
  results.ping_p50_ratio_vs_python = ratio(median(ours), median(python))
  results.ping_p50_ratio_vs_cli = ratio(median(ours), median(cli))
  row(
    `ping p50 (${N.pings}×) vs Python`,
    fmt(median(ours)),
    fmt(median(python)),
    results.ping_p50_ratio_vs_python
  )
  row(
    `ping p95 vs Python`,
    fmt(pct(ours, 95)),
    fmt(pct(python, 95)),
    ratio(pct(ours, 95), pct(python, 95))
  )
  row(
    `ping p50 vs fail2ban-client CLI (${N.cliPings}×)`,
    fmt(median(ours)),
    fmt(median(cli)),
    results.ping_p50_ratio_vs_cli
  )
}

async function benchBanlist(server: TestServer, size: number, key: string): Promise<void> {
  const client = new Fail2BanClient({ socketPath: server.socketPath, timeoutMs: 120_000 })
  const f2b = new Fail2BanCommands(client)
  let count = 0
  const ours: number[] = []
  for (let i = 0; i < N.fetches; i++) {
    ours.push(await timed(async () => (count = (await f2b.banList('bulk')).length)))
  }
  await client.close()
  if (count !== size) throw new Error(`expected ${size} bans, got ${count}`)
  const python = await py('fetch', server.socketPath, 'bulk', String(N.fetches))
  results[`banlist_${key}_ms`] = median(ours)
  results[`banlist_${key}_ratio_vs_python`] = ratio(median(ours), median(python))
  row(
    `ban list ${size} fetch+decode+parse vs Python fetch+unpickle`,
    fmt(median(ours)),
    fmt(median(python)),
    results[`banlist_${key}_ratio_vs_python`]!
  )

  const file = join(tmp, `banlist-${size}.pickle`)
  await py('dump', server.socketPath, 'bulk', file)
  const bytes = readFileSync(file)
  for (let i = 0; i < 3; i++) decodeReply(bytes)
  const dec: number[] = []
  for (let i = 0; i < N.decodes; i++) {
    const t0 = performance.now()
    decodeReply(bytes)
    dec.push(performance.now() - t0)
  }
  const loads = await py('loads', file, String(N.decodes))
  results[`decode_${key}_ms`] = median(dec)
  results[`decode_${key}_ratio_vs_python`] = ratio(median(dec), median(loads))
  row(
    `decode ${size} (${(bytes.length / 1e6).toFixed(1)} MB) vs pickle.loads`,
    fmt(median(dec)),
    fmt(median(loads)),
    results[`decode_${key}_ratio_vs_python`]!
  )
}

async function benchConcurrent(server: TestServer): Promise<void> {
  const client = new Fail2BanClient({ socketPath: server.socketPath, timeoutMs: 30_000 })
  const settled = await Promise.allSettled(
    Array.from({ length: N.concurrent }, (_, i) => client.send(['echo', `c${i}`]))
  )
  await client.close()
  results.concurrent_1000_ok = settled.filter((s) => s.status === 'fulfilled').length
  results.concurrent_max_in_flight = client.peakInFlight
  rows.push([
    `concurrent sends (${N.concurrent})`,
    `${results.concurrent_1000_ok} ok`,
    `max in flight ${client.peakInFlight}`,
    ''
  ])
}

async function benchBulkBan(server: TestServer): Promise<void> {
  const list = ips(N.bulkban, 3_000_000)
  const client = new Fail2BanClient({ socketPath: server.socketPath, timeoutMs: 120_000 })
  const f2b = new Fail2BanCommands(client)
  const bans = new BanService({ commands: f2b, emit: () => undefined })
  const pinger = new Fail2BanClient({ socketPath: server.socketPath, timeoutMs: 30_000 })
  let worst = 0
  let stop = false
  const pinging = (async () => {
    while (!stop) {
      worst = Math.max(worst, await timed(() => pinger.send(['ping'])))
      await new Promise((r) => setTimeout(r, 10))
    }
  })()
  const ours = await timed(() => bans.ban('bulk', list, 'bench'))
  stop = true
  await pinging
  await pinger.close()
  await f2b.unbanAll()
  await client.close()
  const file = join(tmp, 'bulkban.txt')
  writeFileSync(file, list.join('\n'))
  const [python] = await py('ban', server.socketPath, 'bulk', file)
  results.bulkban_20k_ms = ours
  results.bulkban_20k_ratio_vs_python = ratio(ours, python!)
  results.bulkban_worst_ping_ms = Math.round(worst * 10) / 10
  row(
    `bulk ban ${N.bulkban} (chunked, progress) vs one Python command`,
    fmt(ours),
    fmt(python!),
    results.bulkban_20k_ratio_vs_python
  )
  rows.push(['  worst ping while banning', fmt(worst), '', ''])
}

async function benchPoll(): Promise<void> {
  const server = await startTestServer({ bulkJails: N.pollJails })
  try {
    let bytes = 0
    let replies = 0
    const counter: Logger = {
      debug: (msg, f) => {
        if (msg === 'receive' && typeof f?.cmd === 'string' && f.cmd.endsWith('short')) {
          bytes += Number(f.bytes)
          replies++
        }
      },
      info() {},
      warn() {},
      error() {}
    }
    const client = new Fail2BanClient({
      socketPath: server.socketPath,
      timeoutMs: 120_000,
      logger: counter
    })
    const f2b = new Fail2BanCommands(client)
    const per = Math.floor(N.pollBans / N.pollJails)
    for (let j = 1; j <= N.pollJails; j++) await fill(f2b, `bulk${j}`, ips(per, j * per))
    await f2b.allJailCounts()
    bytes = replies = 0
    const times: number[] = []
    for (let i = 0; i < 5; i++) times.push(await timed(() => f2b.allJailCounts()))
    results.poll_ms = median(times)
    results.poll_bytes_per_jail = Math.round(bytes / replies)
    rows.push([
      `monitor poll: ${N.pollJails + 3} jails, ${N.pollBans} bans`,
      fmt(median(times)),
      `${results.poll_bytes_per_jail} B/jail`,
      ''
    ])
    await client.close()
  } finally {
    await server.stop()
  }
}

// ------------------------------------------------------------------ main

async function main(): Promise<void> {
  const started = Date.now()
  const a = await startTestServer()
  try {
    await benchPing(a)
    await benchConcurrent(a)
    const client = new Fail2BanClient({ socketPath: a.socketPath, timeoutMs: 120_000 })
    const f2b = new Fail2BanCommands(client)
    await fill(f2b, 'bulk', ips(N.small))
    await benchBanlist(a, N.small, '20k')
    await fill(f2b, 'bulk', ips(N.large - N.small, N.small))
    await benchBanlist(a, N.large, '100k')
    const r = await benchRender(a.socketPath, 'bulk', N.large, smoke ? 500 : 5000)
    results.render_100k_first_paint_ms = r.firstPaintMs
    results.scroll_frame_p95_ms = r.scrollFrameP95Ms
    results.heap_mb_100k = r.heapMb
    rows.push([
      `renderer: ${N.large} bans, data to first paint`,
      `${r.firstPaintMs} ms`,
      'goal ≤ 300 ms',
      ''
    ])
    rows.push([
      `renderer: scroll frame p95 (${r.scrollFrames} frames)`,
      `${r.scrollFrameP95Ms} ms`,
      'goal ≤ 16 ms',
      ''
    ])
    rows.push([`renderer: JS heap with ${N.large} bans`, `${r.heapMb} MB`, '', ''])
    await f2b.unbanAll({ timeoutMs: 300_000 })
    await client.close()
    await benchBulkBan(a)
  } finally {
    await a.stop()
  }
  await benchPoll()

  const cpu = os.cpus()[0]?.model ?? 'unknown CPU'
  const machine = `${os.cpus().length}× ${cpu}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, fail2ban 1.0.2`
  const widths = [0, 1, 2, 3].map((i) =>
    Math.max(...rows.map((r) => r[i]!.length), ['step', 'BanGUI', 'reference', 'ratio'][i]!.length)
  )
  const line = (r: string[]): string =>
    r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')
  console.log(
    `\nBanGUI bench${smoke ? ' (smoke: sizes are tiny, figures mean nothing)' : ''} — ${machine}\n`
  )
  console.log(line(['step', 'BanGUI', 'reference', 'ratio']))
  for (const r of rows) console.log(line(r))
  console.log(`\n(${((Date.now() - started) / 1000).toFixed(0)} s)`)
  if (!smoke) {
    mkdirSync(join(root, 'bench/results'), { recursive: true })
    writeFileSync(
      join(root, 'bench/results/latest.json'),
      JSON.stringify({ machine, date: new Date().toISOString(), ...results }, null, 2) + '\n'
    )
    console.log('written: bench/results/latest.json')
  }
}

await main()
