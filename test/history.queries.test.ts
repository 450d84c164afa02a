/**
 * The history queries on 1M synthetic events, checked against a straightforward computation in
 * JS over the same events; plus the diagnostics and the bucket choice on small data.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  bansByJail,
  bucketFor,
  countries,
  ipEvents,
  offenders,
  timeline,
  windowEvents,
  type Window
} from '../src/main/history/queries.ts'
import { HistoryStore } from '../src/main/history/store.ts'
import { mulberry32, SYNTHETIC_JAILS } from './support/synthetic.ts'

interface Ev {
  server: string
  jail: string
  ip: string
  time: number
  kind: 'ban' | 'unban'
}

const N = 1_000_000
const T0 = 1_700_000_000
const STEP = 31 // one event every 31 s: ~359 days
const NOW = T0 + N * STEP
const JAILS = SYNTHETIC_JAILS
const SERVERS = ['alpha', 'beta']
const DAY = 86_400

const evs: Ev[] = []
let store: HistoryStore
const countryOf = (ip: string): string | null => {
  const o = Number(ip.split('.')[1])
  return o % 7 === 0 ? null : ['US', 'CN', 'RU', 'DE', 'BR', 'IN'][o % 6]!
}

beforeAll(() => {
  const rnd = mulberry32(42)
  for (let i = 0; i < N; i++) {
    const k = Math.floor(50_000 * rnd() ** 3) // a few IPs come back very often
    evs.push({
      server: SERVERS[rnd() < 0.7 ? 0 : 1]!,
      jail: JAILS[Math.floor(rnd() * rnd() * JAILS.length)]!,
      ip: `10.${(k >> 16) & 255}.${(k >> 8) & 255}.${k & 255}`,
      time: T0 + i * STEP,
      kind: rnd() < 0.9 ? 'ban' : 'unban'
    })
  }
  store = new HistoryStore(':memory:')
  // one transaction, one prepared statement, indexes built once at the end
  store.bulkLoad(evs.map((e) => ({ ...e, source: 'observed' as const })))
}, 120_000)
afterAll(() => store?.close())

const inWin = (e: Ev, w: Window): boolean =>
  e.kind === 'ban' &&
  e.time >= w.since &&
  e.time < w.until &&
  (w.server === null || e.server === w.server)

function refByJail(w: Window): { jail: string; bans: number }[] {
  const m = new Map<string, { bans: number }>()
  for (const e of evs) {
    if (!inWin(e, w)) continue
    let r = m.get(e.jail)
    if (!r) m.set(e.jail, (r = { bans: 0 }))
    r.bans++
  }
  return [...m]
    .map(([jail, r]) => ({ jail, bans: r.bans }))
    .sort((a, b) => b.bans - a.bans || (a.jail < b.jail ? -1 : 1))
}

function refOffenders(w: Window, minBans: number, limit: number) {
  const m = new Map<
    string,
    { bans: number; jails: Set<string>; servers: Set<string>; last: number }
  >()
  for (const e of evs) {
    if (!inWin(e, w)) continue
    let r = m.get(e.ip)
    if (!r) m.set(e.ip, (r = { bans: 0, jails: new Set(), servers: new Set(), last: 0 }))
    r.bans++
    r.jails.add(e.jail)
    r.servers.add(e.server)
    r.last = Math.max(r.last, e.time)
  }
  return [...m]
    .filter(([, r]) => r.bans >= minBans)
    .map(([ip, r]) => ({
      ip,
      bans: r.bans,
      jails: [...r.jails].sort(),
      servers: r.servers.size,
      lastBan: r.last,
      country: countryOf(ip)
    }))
    .sort((a, b) => b.bans - a.bans || b.lastBan - a.lastBan || (a.ip < b.ip ? -1 : 1))
    .slice(0, limit)
}

const windows: Window[] = [
  { server: null, since: NOW - 30 * DAY, until: NOW },
  { server: 'beta', since: NOW - 7 * DAY, until: NOW },
  { server: 'alpha', since: T0 + 12_345, until: T0 + 100 * DAY + 777 },
  // edges of the rollup decomposition: inside one hour, hours but no whole day, whole days
  { server: null, since: NOW - 1800 - 17, until: NOW - 5 },
  { server: 'alpha', since: T0 + 5 * DAY + 3599, until: T0 + 5 * DAY + 20 * 3600 + 1 },
  {
    server: null,
    since: (Math.floor(T0 / DAY) + 3) * DAY,
    until: (Math.floor(T0 / DAY) + 40) * DAY
  }
]

describe('history queries on 1M events match a reference computation', () => {
  it('stored every event', () => {
    expect(store.count()).toBe(N)
  })

  it.each(windows)('bans by jail %o', (w) => {
    const r = bansByJail(store.db, { ...w, nowS: NOW })
    expect(r.rows).toEqual(refByJail(w))
    expect(r.total).toBe(evs.filter((e) => inWin(e, w)).length)
  })

  it.each(windows)('top 20 and repeat offenders %o', (w) => {
    expect(offenders(store.db, { ...w, limit: 20, country: countryOf })).toEqual(
      refOffenders(w, 1, 20)
    )
    expect(offenders(store.db, { ...w, limit: 10_000, minBans: 40, country: countryOf })).toEqual(
      refOffenders(w, 40, 10_000)
    )
  })

  it('timeline buckets for a year (hourly rollup) and for 6 hours (events)', () => {
    for (const w of [
      { server: null, since: NOW - 365 * DAY, until: NOW },
      { server: 'alpha', since: NOW - 6 * 3600 - 17, until: NOW - 5 }
    ]) {
      const t = timeline(store.db, w)
      expect(t.bucketS).toBe(bucketFor(w.until - w.since))
      const ref = new Map<string, number[]>()
      const win = { ...w, since: t.since, until: t.until }
      for (const e of evs) {
        if (!inWin(e, win)) continue
        let c = ref.get(e.jail)
        if (!c) ref.set(e.jail, (c = new Array<number>(t.starts.length).fill(0)))
        c[Math.floor((e.time - t.since) / t.bucketS)]!++
      }
      expect(t.series).toEqual(
        [...ref].sort(([a], [b]) => a.localeCompare(b)).map(([jail, counts]) => ({ jail, counts }))
      )
      expect(t.starts[1]! - t.starts[0]!).toBe(t.bucketS)
    }
  })

  it('top countries', () => {
    const w = windows[0]!
    const m = new Map<string | null, { bans: number; ips: Set<string> }>()
    for (const e of evs) {
      if (!inWin(e, w)) continue
      const c = countryOf(e.ip)
      let r = m.get(c)
      if (!r) m.set(c, (r = { bans: 0, ips: new Set() }))
      r.bans++
      r.ips.add(e.ip)
    }
    const ref = [...m]
      .map(([country, r]) => ({ country, bans: r.bans, ips: r.ips.size }))
      .sort((a, b) => b.bans - a.bans || String(a.country).localeCompare(String(b.country)))
      .slice(0, 5)
    expect(countries(store.db, { ...w, limit: 5, country: countryOf })).toEqual(ref)
  })

  it('per-IP history and the export window', () => {
    const ip = '10.0.0.0' // the most frequent IP
    const ref = evs.filter((e) => e.ip === ip)
    const got = ipEvents(store.db, ip, 1_000_000)
    expect(got.length).toBe(ref.length)
    expect(got[0]!.time).toBe(Math.max(...ref.map((e) => e.time)))
    expect(got.filter((e) => e.kind === 'unban').length).toBe(
      ref.filter((e) => e.kind === 'unban').length
    )
    const w = { server: 'beta', since: NOW - DAY, until: NOW }
    const exp = windowEvents(store.db, w, 1_000_000)
    expect(exp.length).toBe(
      evs.filter((e) => e.time >= w.since && e.time < w.until && e.server === 'beta').length
    )
  })
})

describe('diagnostics', () => {
  const s = new HistoryStore(':memory:')
  const now = 1_800_000_000
  it('says when nothing was ever recorded', () => {
    expect(
      bansByJail(s.db, {
        server: null,
        since: now - 3600,
        until: now,
        nowS: now,
        purgeAgeS: 86_400
      }).diagnostic
    ).toBe(
      'no ban recorded yet: BanGUI records bans while it runs and imports what fail2ban still keeps (1 day, its dbpurgeage)'
    )
  })
  it('names the newest event when the window is empty although rows exist', () => {
    s.insert([
      {
        server: 'a',
        jail: 'sshd',
        ip: '192.0.2.1',
        time: now - 5 * 86_400,
        kind: 'ban',
        source: 'imported'
      }
    ])
    expect(
      bansByJail(s.db, { server: null, since: now - 3600, until: now, nowS: now }).diagnostic
    ).toBe(
      `no event in this window; newest is ${new Date((now - 5 * 86_400) * 1000).toISOString().replace('.000Z', 'Z')}`
    )
  })
  it('explains that bans older than dbpurgeage come from BanGUI’s own history', () => {
    const r = bansByJail(s.db, {
      server: null,
      since: now - 30 * 86_400,
      until: now,
      nowS: now,
      purgeAgeS: 86_400
    })
    expect(r.total).toBe(1)
    expect(r.diagnostic).toMatch(
      /^fail2ban's database only keeps 1 day \(dbpurgeage\): older bans come from BanGUI's own history/
    )
    expect(
      bansByJail(s.db, {
        server: null,
        since: now - 6 * 86_400,
        until: now,
        nowS: now,
        purgeAgeS: 7 * 86_400
      }).diagnostic
    ).toBeNull()
  })
  it('picks buckets that keep a series within a screen', () => {
    expect(bucketFor(3600)).toBe(60)
    expect(bucketFor(86_400)).toBe(300)
    expect(bucketFor(30 * 86_400)).toBe(3 * 3600)
    expect(bucketFor(365 * 86_400)).toBe(86_400)
    expect(bucketFor(20 * 365 * 86_400)).toBe(7 * 86_400 * 3)
  })
})
