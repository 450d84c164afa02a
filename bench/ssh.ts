/**
 * `node bench/ssh.ts [--smoke]` (as root): the SSH transport against the local direct socket, in
 * the same run, as ratios (SSH / local; lower is better). A private sshd on 127.0.0.1 and a
 * private real fail2ban-server (test/support/ssh-lab.ts); the helper is pushed over the session.
 *
 * Fail2BanClient's stream transport is not merged on this branch yet, so both sides are measured
 * with the same minimal in-file client (test/support/frame-client.ts: send a frame, read until
 * the end marker, the app's decoder), over the helper's ssh stdio and over the Unix socket; the
 * app's own Fail2BanClient on the socket is printed beside them for reference.
 * Over loopback the SSH figures show the cost of ssh + the helper, not of a network.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { createConnection } from 'node:net'
import os from 'node:os'
import { join, resolve } from 'node:path'
import { Fail2BanClient, Fail2BanCommands } from '../src/main/fail2ban/index.ts'
import { launchRemoteHelper, type RemoteHelper } from '../src/main/ssh/launcher.ts'
import { FrameClient } from '../test/support/frame-client.ts'
import { startSshLab } from '../test/support/ssh-lab.ts'
import { sshLabUnavailable } from '../test/support/sshd.ts'

const smoke = process.argv.includes('--smoke')
const N = smoke
  ? { pings: 20, bans: 500, fetches: 2, connects: 1 }
  : { pings: 500, bans: 20_000, fetches: 7, connects: 5 }

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!
}
const median = (xs: number[]): number => pct(xs, 50)
const fmt = (ms: number): string =>
  (ms >= 100 ? ms.toFixed(0) : ms >= 1 ? ms.toFixed(2) : ms.toFixed(3)) + ' ms'
const ratio = (a: number, b: number): number => Number((a / b).toPrecision(3))
async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now()
  await fn()
  return performance.now() - t0
}
async function series(n: number, fn: () => Promise<unknown>): Promise<number[]> {
  const out: number[] = []
  for (let i = 0; i < n; i++) out.push(await timed(fn))
  return out
}

function socketClient(path: string): Promise<FrameClient> {
  return new Promise((ok, fail) => {
    const s = createConnection(path)
    s.once('error', fail)
    s.once('connect', () => ok(new FrameClient(s)))
  })
}

function ips(count: number): string[] {
  return Array.from(
    { length: count },
    (_, i) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`
  )
}

async function main(): Promise<void> {
  const why = sshLabUnavailable()
  if (why) {
    console.log(`bench/ssh.ts skipped: ${why}`)
    return
  }
  const results: Record<string, number> = {}
  const rows: [string, string, string, string][] = []
  const row = (name: string, ssh: number, local: number, key: string): void => {
    results[`${key}_ssh_ms`] = Number(ssh.toFixed(3))
    results[`${key}_local_ms`] = Number(local.toFixed(3))
    results[`${key}_ratio`] = ratio(ssh, local)
    rows.push([name, fmt(ssh), fmt(local), `${ratio(ssh, local)}×`])
  }

  const lab = await startSshLab(1)
  const sessions: RemoteHelper[] = []
  try {
    const server = lab.f2b[0]!
    const profile = lab.profile('srv-root', { remoteSocket: server.socketPath })
    const helper = await launchRemoteHelper(profile, { helperSource: lab.helperSource })
    sessions.push(helper)
    const overSsh = new FrameClient(helper.stream)
    const local = await socketClient(server.socketPath)
    const app = new Fail2BanClient({ socketPath: server.socketPath, timeoutMs: 120_000 })

    // ping
    for (let i = 0; i < 50; i++) {
      await overSsh.send(['ping'])
      await local.send(['ping'])
    }
    const pingSsh = await series(N.pings, () => overSsh.send(['ping']))
    const pingLocal = await series(N.pings, () => local.send(['ping']))
    const pingApp = await series(N.pings, () => app.send(['ping']))
    row(
      `ping p50 (${N.pings}×), SSH vs local socket`,
      median(pingSsh),
      median(pingLocal),
      'ping_p50'
    )
    row('ping p95, SSH vs local socket', pct(pingSsh, 95), pct(pingLocal, 95), 'ping_p95')
    row('ping p50, SSH vs app client (local)', median(pingSsh), median(pingApp), 'ping_app_p50')

    // get J banip --with-time
    const f2b = new Fail2BanCommands(app)
    const list = ips(N.bans)
    for (let i = 0; i < list.length; i += 5000) {
      await f2b.banIps('bulk', list.slice(i, i + 5000), { timeoutMs: 120_000 })
    }
    const cmd = ['get', 'bulk', 'banip', '--with-time']
    const check = (await overSsh.send(cmd)) as [number, unknown[]]
    if (check[0] !== 0 || check[1].length !== N.bans) {
      throw new Error(
        `expected ${N.bans} bans over SSH, got ${JSON.stringify(check).slice(0, 200)}`
      )
    }
    const listSsh = await series(N.fetches, () => overSsh.send(cmd))
    const listLocal = await series(N.fetches, () => local.send(cmd))
    row(
      `get bulk banip --with-time (${N.bans}), SSH vs local`,
      median(listSsh),
      median(listLocal),
      'banlist'
    )

    // connect to first jail list, a new session each time
    const firstList = async (p = profile): Promise<void> => {
      const h = await launchRemoteHelper(p, { helperSource: lab.helperSource })
      sessions.push(h)
      const r = (await new FrameClient(h.stream).send(['status'])) as [number, unknown]
      if (r[0] !== 0) throw new Error('status failed over SSH')
      h.kill()
      await h.exited
    }
    const connectRoot = await series(N.connects, () => firstList())
    const sudoProfile = lab.profile('srv-sudo', { become: 'sudo', remoteSocket: server.socketPath })
    const connectSudo = await series(N.connects, () => firstList(sudoProfile))
    const localFirst = await series(N.connects, async () => {
      const c = new Fail2BanClient({ socketPath: server.socketPath })
      await c.send(['status'])
      await c.close()
    })
    row(
      `connect → first jail list, root login (${N.connects}×)`,
      median(connectRoot),
      median(localFirst),
      'connect_root'
    )
    row(
      'connect → first jail list, sudo -n /usr/bin/python3',
      median(connectSudo),
      median(localFirst),
      'connect_sudo'
    )
    await app.close()
  } finally {
    for (const s of sessions) s.kill()
    await lab.stop()
  }

  const w = [48, 12, 12, 10]
  const line = (c: string[]): string => c.map((x, i) => x.padEnd(w[i]!)).join('  ')
  console.log(line(['SSH transport', 'over SSH', 'local', 'ratio']))
  for (const r of rows) console.log(line(r))
  const machine = `${os.cpus().length}× ${os.cpus()[0]?.model ?? '?'}, ${os.release()}`
  console.log(
    `(${machine}; loopback sshd; ${smoke ? 'SMOKE sizes, figures meaningless' : 'full sizes'})`
  )
  if (!smoke) {
    const dir = resolve(import.meta.dirname, 'results')
    mkdirSync(dir, { recursive: true })
    writeFileSync(
      join(dir, 'ssh-latest.json'),
      `${JSON.stringify({ date: new Date().toISOString(), machine, results }, null, 2)}\n`
    )
  }
}

await main()
