/**
 * Ban chunk sizing by a time budget, against a simulated single-threaded server whose cost per
 * IP is set by the test (a real server's cost depends on the machine's load, so the sizes it
 * leads to cannot be asserted). The real server run is in services.real.test.ts.
 */
import { describe, expect, it } from 'vitest'
import type { Fail2BanCommands } from '../src/main/fail2ban/index.ts'
import { BanService, ChunkSizer } from '../src/main/services/ban.service.ts'

/** A serial "server": one command at a time, `msPerIp` each IP; records what it saw. */
function simulatedServer(msPerIp: number, opts: { failAt?: number; actions?: string[] } = {}) {
  const log = { sizes: [] as number[], maxQueued: 0, idleGaps: 0, running: 0 }
  let busyUntil = 0
  let queued = 0
  const commands = {
    jailActions: async () => opts.actions ?? [],
    banIps: async (_jail: string, ips: readonly string[]) => {
      const index = log.sizes.length
      log.sizes.push(ips.length)
      queued++
      log.running = queued
      log.maxQueued = Math.max(log.maxQueued, queued)
      const now = performance.now()
      if (index > 0 && busyUntil < now - 1) log.idleGaps++
      const start = Math.max(now, busyUntil)
      busyUntil = start + ips.length * msPerIp
      await new Promise((r) => setTimeout(r, busyUntil - performance.now()))
      queued--
      log.running = queued
      if (opts.failAt === index) throw new Error(`chunk ${index} failed`)
      return ips.length
    }
  }
  return { commands: commands as unknown as Fail2BanCommands, log }
}

const ips = (n: number): string[] =>
  Array.from({ length: n }, (_, i) => `10.0.${(i >> 8) & 255}.${i & 255}`)

describe('ban chunks sized by a time budget', () => {
  it('converges on budget / cost per IP, keeps two chunks queued, reports progress in order', async () => {
    const { commands, log } = simulatedServer(0.1)
    const progress: number[] = []
    const bans = new BanService({
      commands,
      emit: (_n, p) => progress.push((p as { done: number }).done),
      banBudgetMs: 20
    })
    const r = await bans.ban('bulk', ips(3000), 'op')
    expect(r).toEqual({ newlyBanned: 3000, submitted: 3000, cancelled: false })
    expect(log.sizes[0]).toBe(50)
    // 20 ms / 0.1 ms per IP = 200, give or take the timers' jitter in the measured cost.
    const late = log.sizes.slice(4, -1)
    expect(Math.min(...late)).toBeGreaterThanOrEqual(100)
    expect(Math.max(...late)).toBeLessThanOrEqual(260)
    expect(log.maxQueued).toBe(2)
    // The server never waits for the next chunk (a timer firing late on a busy machine aside).
    expect(log.idleGaps).toBeLessThanOrEqual(2)
    expect(progress[0]).toBe(0)
    expect(progress.at(-1)).toBe(3000)
    expect(progress.every((d, i) => i === 0 || d > progress[i - 1]!)).toBe(true)
  })

  it('shrinks chunks when the server gets slower per IP', () => {
    const s = new ChunkSizer(20, 50, 5000)
    s.observe(50, 5)
    s.observe(200, 20)
    expect(s.next()).toBe(200)
    for (let i = 0; i < 20; i++) s.observe(s.next(), s.next() * 2)
    expect(s.next()).toBeLessThanOrEqual(12)
    expect(s.next()).toBeGreaterThanOrEqual(8)
  })

  it('a failing chunk fails the ban, after the chunk queued behind it has settled', async () => {
    const { commands, log } = simulatedServer(0.05, { failAt: 2 })
    const bans = new BanService({ commands, emit: () => undefined })
    await expect(bans.ban('bulk', ips(2000), 'op')).rejects.toThrow(/chunk 2 failed/)
    expect(log.running).toBe(0)
    const sent = log.sizes.length
    await new Promise((r) => setTimeout(r, 50))
    expect(log.sizes.length).toBe(sent)
    expect(log.maxQueued).toBeLessThanOrEqual(2)
  })

  it('a cancel stops after the chunks in flight', async () => {
    const { commands, log } = simulatedServer(0.1)
    let asked: boolean | undefined
    const bans: BanService = new BanService({
      commands,
      emit: (_name, p) => {
        if (asked === undefined && (p as { done: number }).done > 0) asked = bans.cancel('op')
      }
    })
    const r = await bans.ban('bulk', ips(5000), 'op')
    expect(asked).toBe(true)
    expect(r.cancelled).toBe(true)
    expect(r.submitted).toBe(log.sizes.reduce((a, b) => a + b, 0))
    expect(r.submitted).toBeLessThan(5000)
    expect(log.sizes.length).toBeLessThanOrEqual(3)
  })
})
