/**
 * `npm run bench`: BanGUI's client and services against private real fail2ban-servers, side by
 * side with the reference in the same run (fail2ban's own Python socket client, CPython's
 * pickle, the fail2ban-client CLI), printed as ratios (ours / reference; lower is better) and
 * written to bench/results/latest.json.
 *
 * Every ratio is measured in interleaved rounds (ours, then the reference, then ours again…) so
 * that a change in the machine's load hits both sides alike; each figure is printed as the
 * median with its spread [min–max over N rounds], and the 1-minute load average before and
 * after each step is recorded beside it. On a shared machine the spread is the honest part:
 * a single run's ratio can move by 2× with the load (see docs in the closing note).
 *
 * `--smoke` runs every step with tiny sizes to keep the bench working (used by the tests);
 * its figures mean nothing.
 */
import { execFile } from 'node:child_process'
import { createConnection } from 'node:net'
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { Fail2BanClient, Fail2BanCommands, type Logger } from '../src/main/fail2ban/index.ts'
import { CLOSE_FRAME, END_MARKER_BYTES, frameRequest } from '../src/main/fail2ban/framing.ts'
import { decodeReply, encodeCommand } from '../src/main/fail2ban/pickle.ts'
import { BanService } from '../src/main/services/ban.service.ts'
import { startHelperClient } from '../src/main/services/helper-client.ts'
import { startTestServer, type TestServer } from '../test/support/f2b-server.ts'
import { benchRender } from './render.ts'
import { benchFleet } from './fleet.ts'

const run = promisify(execFile)
const root = resolve(import.meta.dirname, '..')
const smoke = process.argv.includes('--smoke')
const N = smoke
  ? {
      rounds: 2,
      banRounds: 1,
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
      rounds: 7,
      banRounds: 3,
      pings: 300,
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
/** Per figure: median, min, max over its rounds, and the load average around the step. */
const spreads: Record<string, Spread> = {}
const loads: Record<string, { before: number; after: number }> = {}
const rows: [string, string, string, string, string][] = []

interface Spread {
  median: number
  min: number
  max: number
  n: number
}
const tmp = mkdirSync(join(os.tmpdir(), `bangui-bench-${process.pid}`), { recursive: true })!

// ------------------------------------------------------------------ helpers

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!
}
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2
}
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

function spread(xs: number[]): Spread {
  return { median: median(xs), min: Math.min(...xs), max: Math.max(...xs), n: xs.length }
}

/** `median [min–max] ×n` of per-round ratios. */
function fmtSpread(sp: Spread): string {
  const r = (x: number): string => String(Number(x.toPrecision(3)))
  return `[${r(sp.min)}–${r(sp.max)}] ×${sp.n}`
}

/** Records a ratio figure: its per-round values, their median as the headline, the load. */
function ratioFigure(key: string, perRound: number[], load: { before: number; after: number }) {
  const sp = spread(perRound)
  results[key] = ratio(sp.median, 1)
  spreads[key] = sp
  loads[key] = load
  return sp
}

function row(name: string, ours: string, ref: string, r: number, sp?: Spread): void {
  rows.push([name, ours, ref, `${r}×`, sp ? fmtSpread(sp) : ''])
}

const load1 = (): number => Number(os.loadavg()[0]!.toFixed(2))

async function timed<T>(fn: () => Promise<T>): Promise<number> {
  const t0 = performance.now()
  await fn()
  return performance.now() - t0
}

/**
 * `ours` against `ref` in interleaved rounds of `perRound` calls each (ours, ref, ours, …):
 * records the per-round ratio of their medians as figure `key`, with the load around it, and
 * prints a row with each side's overall median.
 */
async function compareRounds(
  key: string,
  name: string,
  rounds: number,
  perRound: number,
  ours: () => Promise<unknown>,
  ref: () => Promise<unknown>
): Promise<void> {
  const before = load1()
  const allOurs: number[] = []
  const allRef: number[] = []
  const ratios: number[] = []
  for (let r = 0; r < rounds; r++) {
    const a: number[] = []
    const b: number[] = []
    for (let i = 0; i < perRound; i++) {
      a.push(await timed(ours))
      b.push(await timed(ref))
    }
    ratios.push(median(a) / median(b))
    allOurs.push(...a)
    allRef.push(...b)
  }
  const sp = ratioFigure(key, ratios, { before, after: load1() })
  row(name, fmt(median(allOurs)), fmt(median(allRef)), results[key]!, sp)
}

// ------------------------------------------------------------------ steps

async function benchPing(server: TestServer): Promise<void> {
  const client = new Fail2BanClient({ socketPath: server.socketPath })
  for (let i = 0; i < 200; i++) await client.send(['ping'])
  // The floor: the same ping on a bare Node socket, no client code (write, wait for 'data').
  const raw = await rawPinger(server.socketPath)
  for (let i = 0; i < 200; i++) await raw.ping()
  const before = load1()
  const ours: number[] = []
  const python: number[] = []
  const bare: number[] = []
  const p50s: number[] = []
  const p95s: number[] = []
  const floor: number[] = []
  for (let r = 0; r < N.rounds; r++) {
    const mine: number[] = []
    const rawTimes: number[] = []
    for (let i = 0; i < N.pings; i++) {
      mine.push(await timed(() => client.send(['ping'])))
      rawTimes.push(await timed(() => raw.ping()))
    }
    const theirs = await py('ping', server.socketPath, String(N.pings))
    p50s.push(median(mine) / median(theirs))
    p95s.push(pct(mine, 95) / pct(theirs, 95))
    floor.push(median(mine) / median(rawTimes))
    ours.push(...mine)
    python.push(...theirs)
    bare.push(...rawTimes)
  }
  raw.close()
  await client.close()
  const load = { before, after: load1() }
  const cli: number[] = []
  for (let i = 0; i < N.cliPings; i++) {
    cli.push(await timed(() => run('/usr/bin/fail2ban-client', ['-s', server.socketPath, 'ping'])))
  }
  results.ping_p50_ms = median(ours)
  results.ping_p95_ms = pct(ours, 95)
  const p50 = ratioFigure('ping_p50_ratio_vs_python', p50s, load)
  const p95 = ratioFigure('ping_p95_ratio_vs_python', p95s, load)
  results.ping_p50_ratio_vs_cli = ratio(median(ours), median(cli))
  row(
    `ping p50 (${N.rounds}×${N.pings}, interleaved) vs Python`,
    fmt(median(ours)),
    fmt(median(python)),
    results.ping_p50_ratio_vs_python!,
    p50
  )
  row(
    `ping p95 vs Python`,
    fmt(pct(ours, 95)),
    fmt(pct(python, 95)),
    results.ping_p95_ratio_vs_python!,
    p95
  )
  const overhead = ratioFigure('ping_p50_ratio_vs_bare_node_socket', floor, load)
  row(
    `ping p50 vs a bare Node socket (the event-loop floor)`,
    fmt(median(ours)),
    fmt(median(bare)),
    results.ping_p50_ratio_vs_bare_node_socket!,
    overhead
  )
  row(
    `ping p50 vs fail2ban-client CLI (${N.cliPings}×)`,
    fmt(median(ours)),
    fmt(median(cli)),
    results.ping_p50_ratio_vs_cli
  )
}

/** A bare Node Unix-socket ping: one prebuilt frame, resolved on the reply's end marker. */
async function rawPinger(socketPath: string): Promise<{ ping(): Promise<void>; close(): void }> {
  const frame = frameRequest(encodeCommand(['ping']))
  const sock = createConnection({ path: socketPath })
  await new Promise<void>((res, rej) => sock.once('connect', res).once('error', rej))
  let done: () => void = () => undefined
  let got: Buffer = Buffer.alloc(0)
  sock.on('data', (chunk: Buffer) => {
    got = got.length ? Buffer.concat([got, chunk]) : chunk
    if (got.subarray(-END_MARKER_BYTES.length).equals(END_MARKER_BYTES)) {
      got = Buffer.alloc(0)
      done()
    }
  })
  return {
    ping: () =>
      new Promise<void>((res) => {
        done = res
        sock.write(frame)
      }),
    close: () => sock.end(CLOSE_FRAME)
  }
}

async function benchBanlist(server: TestServer, size: number, key: string): Promise<void> {
  const client = new Fail2BanClient({ socketPath: server.socketPath, timeoutMs: 120_000 })
  const f2b = new Fail2BanCommands(client)
  let count = 0
  const ours: number[] = []
  const python: number[] = []
  const ratios: number[] = []
  let before = load1()
  for (let i = 0; i < N.fetches; i++) {
    const mine = await timed(async () => (count = (await f2b.banList('bulk')).length))
    const [theirs] = await py('fetch', server.socketPath, 'bulk', '1')
    ours.push(mine)
    python.push(theirs!)
    ratios.push(mine / theirs!)
  }
  await client.close()
  if (count !== size) throw new Error(`expected ${size} bans, got ${count}`)
  results[`banlist_${key}_ms`] = median(ours)
  const fetchSpread = ratioFigure(`banlist_${key}_ratio_vs_python`, ratios, {
    before,
    after: load1()
  })
  row(
    `ban list ${size} fetch+decode+parse vs Python fetch+unpickle`,
    fmt(median(ours)),
    fmt(median(python)),
    results[`banlist_${key}_ratio_vs_python`]!,
    fetchSpread
  )

  const file = join(tmp, `banlist-${size}.pickle`)
  await py('dump', server.socketPath, 'bulk', file)
  const bytes = readFileSync(file)
  for (let i = 0; i < 3; i++) decodeReply(bytes)
  const per = 3
  const dec: number[] = []
  const loadsPy: number[] = []
  const decRatios: number[] = []
  before = load1()
  for (let r = 0; r < Math.max(1, Math.round(N.decodes / per)); r++) {
    const mine: number[] = []
    for (let i = 0; i < per; i++) {
      const t0 = performance.now()
      decodeReply(bytes)
      mine.push(performance.now() - t0)
    }
    const theirs = await py('loads', file, String(per))
    dec.push(...mine)
    loadsPy.push(...theirs)
    decRatios.push(median(mine) / median(theirs))
  }
  results[`decode_${key}_ms`] = median(dec)
  const decSpread = ratioFigure(`decode_${key}_ratio_vs_python`, decRatios, {
    before,
    after: load1()
  })
  row(
    `decode ${size} (${(bytes.length / 1e6).toFixed(1)} MB) vs pickle.loads`,
    fmt(median(dec)),
    fmt(median(loadsPy)),
    results[`decode_${key}_ratio_vs_python`]!,
    decSpread
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
    '',
    ''
  ])
}

async function benchBulkBan(server: TestServer): Promise<void> {
  const list = ips(N.bulkban, 3_000_000)
  const file = join(tmp, 'bulkban.txt')
  writeFileSync(file, list.join('\n'))
  const client = new Fail2BanClient({ socketPath: server.socketPath, timeoutMs: 120_000 })
  const f2b = new Fail2BanCommands(client)
  const bans = new BanService({ commands: f2b, emit: () => undefined })
  const pinger = new Fail2BanClient({ socketPath: server.socketPath, timeoutMs: 30_000 })
  const ours: number[] = []
  const python: number[] = []
  const ratios: number[] = []
  const worsts: number[] = []
  const before = load1()
  for (let r = 0; r < N.banRounds; r++) {
    let worst = 0
    let stop = false
    const pinging = (async () => {
      while (!stop) {
        worst = Math.max(worst, await timed(() => pinger.send(['ping'])))
        await new Promise((res) => setTimeout(res, 10))
      }
    })()
    const mine = await timed(() => bans.ban('bulk', list, `bench-${r}`))
    stop = true
    await pinging
    await f2b.unbanAll({ timeoutMs: 300_000 })
    const [theirs] = await py('ban', server.socketPath, 'bulk', file)
    await f2b.unbanAll({ timeoutMs: 300_000 })
    ours.push(mine)
    python.push(theirs!)
    ratios.push(mine / theirs!)
    worsts.push(worst)
  }
  await pinger.close()
  await client.close()
  const load = { before, after: load1() }
  results.bulkban_20k_ms = median(ours)
  const sp = ratioFigure('bulkban_20k_ratio_vs_python', ratios, load)
  const worst = spread(worsts)
  results.bulkban_worst_ping_ms = Math.round(worst.median * 10) / 10
  spreads.bulkban_worst_ping_ms = worst
  loads.bulkban_worst_ping_ms = load
  row(
    `bulk ban ${N.bulkban} (time-budget chunks, progress) vs one Python command`,
    fmt(median(ours)),
    fmt(median(python)),
    results.bulkban_20k_ratio_vs_python!,
    sp
  )
  rows.push([
    '  worst ping while banning (median of rounds)',
    fmt(worst.median),
    'goal ≤ 50 ms',
    '',
    `[${fmt(worst.min)}–${fmt(worst.max)}] ×${worst.n}`
  ])
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
      '',
      `[${fmt(Math.min(...times))}–${fmt(Math.max(...times))}] ×${times.length}`
    ])
    await client.close()
  } finally {
    await server.stop()
  }
}

async function benchRenderStep(a: TestServer): Promise<void> {
  const r = await benchRender(a.socketPath, 'bulk', N.large, smoke ? 500 : 5000)
  results.render_100k_first_paint_ms = r.firstPaintMs
  results.scroll_frame_p95_ms = r.scrollFrameP95Ms
  results.heap_mb_100k = r.heapMb
  rows.push([
    `renderer: ${N.large} bans, data to first paint`,
    `${r.firstPaintMs} ms`,
    'goal ≤ 300 ms',
    '',
    ''
  ])
  rows.push([
    `renderer: scroll frame p95 (${r.scrollFrames} frames)`,
    `${r.scrollFrameP95Ms} ms`,
    'goal ≤ 16 ms',
    '',
    ''
  ])
  rows.push([`renderer: JS heap with ${N.large} bans`, `${r.heapMb} MB`, '', '', ''])
}

/**
 * The privileged helper's cost: the same commands through the helper's stdio (started directly:
 * the bench runs as root; pkexec or sudo only add the start) and on the socket, interleaved.
 */
async function benchHelper(server: TestServer, bans: number): Promise<void> {
  const helperPath = join(root, 'src/helper/bangui-helper.py')
  const h = await startHelperClient({
    via: 'direct',
    helperPath,
    extraArgs: ['--socket', server.socketPath],
    timeoutMs: 120_000
  })
  const direct = new Fail2BanClient({ socketPath: server.socketPath, timeoutMs: 120_000 })
  try {
    const viaHelper = new Fail2BanCommands(h.client)
    const viaSocket = new Fail2BanCommands(direct)
    for (let i = 0; i < 200; i++) {
      await h.client.send(['ping'])
      await direct.send(['ping'])
    }
    await compareRounds(
      'helper_ping_p50_ratio_vs_direct',
      'ping p50 through the helper vs direct socket (goal ≤ 2)',
      N.rounds,
      N.pings,
      () => h.client.send(['ping']),
      () => direct.send(['ping'])
    )
    await compareRounds(
      'helper_banlist_ratio_vs_direct',
      `ban list ${bans} (--with-time) through the helper vs direct (goal ≤ 1.1)`,
      N.fetches,
      1,
      async () => {
        const n = (await viaHelper.banList('bulk')).length
        if (n !== bans) throw new Error(`helper: expected ${bans} bans, got ${n}`)
      },
      () => viaSocket.banList('bulk')
    )
  } finally {
    await direct.close()
    await h.close()
  }
}

// ------------------------------------------------------------------ main

/** `--only=ping,bulkban`: run just these steps (the others take minutes and a browser). */
const STEPS = [
  'ping',
  'concurrent',
  'banlist',
  'helper',
  'render',
  'fleet',
  'bulkban',
  'poll'
] as const
const onlyArg = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length)
const only = onlyArg ? new Set(onlyArg.split(',')) : null
if (only) {
  const unknown = [...only].filter((s) => !(STEPS as readonly string[]).includes(s))
  if (unknown.length) throw new Error(`unknown step(s) ${unknown.join(', ')}: ${STEPS.join(', ')}`)
}
const runs = (step: (typeof STEPS)[number]): boolean => !only || only.has(step)

async function main(): Promise<void> {
  const started = Date.now()
  const a = await startTestServer()
  try {
    if (runs('ping')) await benchPing(a)
    if (runs('concurrent')) await benchConcurrent(a)
    if (runs('banlist') || runs('render') || runs('helper') || runs('fleet')) {
      const client = new Fail2BanClient({ socketPath: a.socketPath, timeoutMs: 120_000 })
      const f2b = new Fail2BanCommands(client)
      await fill(f2b, 'bulk', ips(N.small))
      if (runs('banlist')) await benchBanlist(a, N.small, '20k')
      if (runs('helper')) await benchHelper(a, N.small)
      await fill(f2b, 'bulk', ips(N.large - N.small, N.small))
      if (runs('banlist')) await benchBanlist(a, N.large, '100k')
      if (runs('render')) await benchRenderStep(a)
      if (runs('fleet'))
        await benchFleet(
          {
            rounds: N.rounds,
            pings: N.pings,
            fetches: N.fetches,
            row,
            ratioFigure,
            compareRounds,
            value: (key, v) => (results[key] = Number(v.toFixed(3))),
            load1,
            fmt,
            median,
            timed
          },
          a,
          N.large
        )
      await f2b.unbanAll({ timeoutMs: 300_000 })
      await client.close()
    }
    if (runs('bulkban')) await benchBulkBan(a)
  } finally {
    await a.stop()
  }
  if (runs('poll')) await benchPoll()

  const cpu = os.cpus()[0]?.model ?? 'unknown CPU'
  const machine = `${os.cpus().length}× ${cpu}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, fail2ban 1.0.2`
  const head = ['step', 'BanGUI', 'reference', 'ratio', 'spread [min–max] ×rounds']
  const widths = [0, 1, 2, 3, 4].map((i) =>
    Math.max(...rows.map((r) => r[i]!.length), head[i]!.length)
  )
  const line = (r: string[]): string =>
    r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')
  console.log(
    `\nBanGUI bench${smoke ? ' (smoke: sizes are tiny, figures mean nothing)' : ''} — ${machine}\n`
  )
  console.log(line(head))
  for (const r of rows) console.log(line(r))
  const [l1, l5, l15] = os.loadavg().map((x) => Number(x.toFixed(2)))
  console.log(
    `\n(${((Date.now() - started) / 1000).toFixed(0)} s; load average ${l1} ${l5} ${l15} on ${os.cpus().length} CPUs)`
  )
  if (!smoke) {
    const dir = join(root, 'bench/results')
    mkdirSync(dir, { recursive: true })
    const run = {
      machine,
      date: new Date().toISOString(),
      steps: only ? [...only] : [...STEPS],
      loadavg_end: os.loadavg(),
      ...results,
      spread: spreads,
      loadavg_1m: loads
    }
    // Every run is kept (figures of a shared machine only mean something side by side).
    appendFileSync(join(dir, 'history.jsonl'), JSON.stringify(run) + '\n')
    // latest.json: a partial run replaces only the figures it measured.
    const file = join(dir, 'latest.json')
    const prev =
      only && existsSync(file)
        ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>)
        : {}
    const merged = only
      ? {
          ...prev,
          ...run,
          steps: [...new Set([...((prev.steps as string[] | undefined) ?? []), ...only])],
          spread: { ...(prev.spread as object | undefined), ...spreads },
          loadavg_1m: { ...(prev.loadavg_1m as object | undefined), ...loads }
        }
      : run
    writeFileSync(file, JSON.stringify(merged, null, 2) + '\n')
    console.log('written: bench/results/latest.json, appended to bench/results/history.jsonl')
  }
}

await main()
