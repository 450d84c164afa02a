/**
 * The `fleet` step of `npm run bench` (as root): the app's own services over SSH (a private sshd
 * on 127.0.0.1, the helper pushed over the session, test/support/ssh-lab.ts) against this
 * machine's direct socket, interleaved, as ratios. Over loopback the figures show the cost of
 * ssh and the helper, not of a network.
 *   - ping, and the full ban list (`get J banip --with-time`) of the step's big server;
 *   - a ban of one IP on 3 servers vs on 1 (goal ≤ 1.3: the fleet acts on servers in parallel);
 *   - a new server: from adding its profile to its first jail list.
 */
import { fleetBan } from '../src/main/fleet/fleet-actions.ts'
import { Fail2BanClient, Fail2BanCommands } from '../src/main/fail2ban/index.ts'
import { createAppServices } from '../src/main/services/app-services.ts'
import { ReconnectPolicy } from '../src/main/ssh/reconnect.ts'
import type { ServerLink } from '../src/main/ssh/server-link.ts'
import type { TestServer } from '../test/support/f2b-server.ts'
import { startSshLab } from '../test/support/ssh-lab.ts'
import { sshLabUnavailable } from '../test/support/sshd.ts'

const r3 = (x: number): number => Number(x.toPrecision(3))

export interface Recorder {
  rounds: number
  pings: number
  fetches: number
  row(name: string, ours: string, ref: string, ratio: number, sp?: unknown): void
  ratioFigure(key: string, perRound: number[], load: { before: number; after: number }): unknown
  /** Interleaved rounds of `ours` and `ref`; records figure `key` and prints a row. */
  compareRounds(
    key: string,
    name: string,
    rounds: number,
    perRound: number,
    ours: () => Promise<unknown>,
    ref: () => Promise<unknown>
  ): Promise<void>
  value(key: string, v: number): void
  load1(): number
  fmt(ms: number): string
  median(xs: number[]): number
  timed(fn: () => Promise<unknown>): Promise<number>
}

/** Resolves once the link is connected; throws on a failure instead of waiting forever. */
async function connected(link: ServerLink): Promise<void> {
  const s = await link.waitFor((x) => x.status === 'connected' || x.status === 'failed')
  if (s.status === 'failed') throw new Error(`bench: ${s.error.message}`)
}

/** `big` holds `bans` bans in its jail `bulk`; it is reached over SSH too. */
export async function benchFleet(rec: Recorder, big: TestServer, bans: number): Promise<void> {
  const why = sshLabUnavailable()
  if (why) {
    console.log(`bench: fleet step skipped: ${why}`)
    return
  }
  const lab = await startSshLab(3)
  const services = createAppServices({
    socketPath: lab.f2b[0]!.socketPath,
    pollIntervalMs: 600_000,
    timeoutMs: 120_000,
    ssh: { helperSource: lab.helperSource, policy: new ReconnectPolicy({ baseMs: 100 }) }
  })
  const direct = new Fail2BanClient({ socketPath: big.socketPath, timeoutMs: 120_000 })
  const local = new Fail2BanCommands(direct)
  try {
    await services.start()
    const { fleet } = services
    const add = async (name: string, socket: string): Promise<void> => {
      await fleet.save(null, lab.profile('srv-root', { name, remoteSocket: socket }))
      await connected(fleet.server(name)!.remote!.link)
    }
    await add('big', big.socketPath)
    await add('s2', lab.f2b[1]!.socketPath)
    await add('s3', lab.f2b[2]!.socketPath)
    const overSsh = fleet.server('big')!.services
    await overSsh.connection.check()

    // ping: the app's client through the SSH session vs the app's client on the socket
    for (let i = 0; i < 100; i++) {
      await overSsh.link.send(['ping'])
      await direct.send(['ping'])
    }
    await rec.compareRounds(
      'ssh_ping_p50_ratio_vs_direct',
      'ping p50 over SSH vs local direct socket',
      rec.rounds,
      rec.pings,
      () => overSsh.link.send(['ping']),
      () => direct.send(['ping'])
    )

    // the whole ban list with times, decoded by the app, over SSH vs local
    await rec.compareRounds(
      'ssh_banlist_ratio_vs_direct',
      `get bulk banip --with-time (${bans}) over SSH vs local`,
      rec.fetches,
      1,
      async () => {
        const n = (await overSsh.commands.banList('bulk')).length
        if (n !== bans) throw new Error(`over SSH: expected ${bans} bans, got ${n}`)
      },
      () => local.banList('bulk')
    )

    // one IP banned on 3 servers at once vs on 1
    const before = rec.load1()
    const three = ['big', 's2', 's3']
    const t3: number[] = []
    const t1: number[] = []
    const banRatios: number[] = []
    let k = 0
    const banOn = async (servers: string[]): Promise<number> => {
      const ip = `203.0.113.${(k++ % 250) + 1}`
      const ms = await rec.timed(async () => {
        const res = await fleetBan(
          fleet,
          { servers, jail: 'sshd', ips: [ip], operationId: `bench-${k}` },
          () => undefined
        )
        const bad = res.find((r) => !r.ok)
        if (bad) throw new Error(`fleet ban failed on ${bad.server}`)
      })
      for (const s of servers) await fleet.server(s)!.services.commands.unbanIps('sshd', [ip])
      return ms
    }
    // one after another: what the fleet would cost without running servers in parallel
    const banOneByOne = async (): Promise<number> => {
      let ms = 0
      for (const s of three) ms += await banOn([s])
      return ms
    }
    const tSeq: number[] = []
    const seqRatios: number[] = []
    for (let i = 0; i < 3; i++) await banOn(three) // warm-up
    // short steps: three times the rounds, interleaved
    for (let r = 0; r < rec.rounds * 3; r++) {
      const a = await banOn(three)
      const b = await banOn(['big'])
      const c = await banOneByOne()
      t3.push(a)
      t1.push(b)
      tSeq.push(c)
      banRatios.push(a / b)
      seqRatios.push(a / c)
    }
    const after = rec.load1()
    const banSpread = rec.ratioFigure('fleet_ban_3_vs_1_ratio', banRatios, { before, after })
    rec.row(
      'ban one IP on 3 servers vs on 1 (goal ≤ 1.3)',
      rec.fmt(rec.median(t3)),
      rec.fmt(rec.median(t1)),
      r3(rec.median(banRatios)),
      banSpread
    )
    const seqSpread = rec.ratioFigure('fleet_ban_3_vs_sequential_ratio', seqRatios, {
      before,
      after
    })
    rec.row(
      'ban one IP on 3 servers at once vs one server after another',
      rec.fmt(rec.median(t3)),
      rec.fmt(rec.median(tSeq)),
      r3(rec.median(seqRatios)),
      seqSpread
    )

    // a new server: profile added → first jail list (ssh login, helper push, ping, status)
    const firsts: number[] = []
    const locals: number[] = []
    for (let r = 0; r < Math.max(2, Math.ceil(rec.rounds / 2)); r++) {
      const name = `new-${r}`
      firsts.push(
        await rec.timed(async () => {
          await fleet.save(null, lab.profile('srv-root', { name, remoteSocket: big.socketPath }))
          const s = fleet.server(name)!
          await connected(s.remote!.link)
          await s.services.jails.list()
        })
      )
      await fleet.remove(name)
      locals.push(
        await rec.timed(async () => {
          const c = new Fail2BanClient({ socketPath: big.socketPath })
          await c.send(['status'])
          await c.close()
        })
      )
    }
    rec.value('ssh_connect_first_jail_list_ms', rec.median(firsts))
    rec.row(
      'new server: profile added → first jail list over SSH (vs local socket)',
      rec.fmt(rec.median(firsts)),
      rec.fmt(rec.median(locals)),
      r3(rec.median(firsts) / rec.median(locals))
    )
  } finally {
    await direct.close()
    await services.dispose()
    await lab.stop()
  }
}
