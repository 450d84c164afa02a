/**
 * Ban notifications: new bans computed from the monitor's jail counts, coalesced over a window
 * (fake timers), switchable per jail, quiet while the window has focus.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { Jail } from '../src/shared/model.ts'
import type { NotificationSettings } from '../src/shared/settings.ts'
import { EventHub } from '../src/main/services/events.ts'
import { formatNewBans, NotifierService } from '../src/main/services/notifier.service.ts'

const jail = (name: string, totalBanned: number, running = true): Jail => ({
  name,
  running,
  totalBanned,
  currentlyBanned: totalBanned,
  totalFailed: 0,
  currentlyFailed: 0
})

let shown: { title: string; body: string }[]
let quiet: boolean
let cfg: NotificationSettings
let n: NotifierService

beforeEach(() => {
  vi.useFakeTimers()
  shown = []
  quiet = false
  cfg = { enabled: true, perJail: {} }
  n = new NotifierService({
    show: (title, body) => shown.push({ title, body }),
    isQuiet: () => quiet,
    settings: () => cfg,
    windowMs: 3000
  })
})
afterEach(() => {
  n.dispose()
  vi.useRealTimers()
})

describe('notifier', () => {
  it('the first list is a baseline: starting BanGUI with 40 bans is not news', () => {
    n.update([jail('sshd', 40), jail('nginx', 3)])
    vi.advanceTimersByTime(10_000)
    expect(shown).toEqual([])
  })

  it('coalesces new bans in one jail over the window into one message', () => {
    n.update([jail('sshd', 10)])
    n.update([jail('sshd', 13)])
    vi.advanceTimersByTime(1000)
    n.update([jail('sshd', 20)])
    vi.advanceTimersByTime(1000)
    n.update([jail('sshd', 22)])
    expect(shown).toEqual([])
    vi.advanceTimersByTime(999)
    expect(shown).toEqual([]) // 3 s after the first new ban, not after the last
    vi.advanceTimersByTime(1)
    expect(shown).toEqual([
      { title: '12 new bans in sshd', body: 'BanGUI: open it to see who was banned.' }
    ])
    // the next window starts with the next new ban
    n.update([jail('sshd', 23)])
    vi.advanceTimersByTime(3000)
    expect(shown.at(-1)!.title).toBe('1 new ban in sshd')
  })

  it('several jails: "15 new bans in 3 jails", busiest first', () => {
    n.update([jail('sshd', 0), jail('nginx', 0), jail('postfix', 5)])
    n.update([jail('sshd', 9), jail('nginx', 3), jail('postfix', 8)])
    vi.advanceTimersByTime(3000)
    expect(shown).toEqual([{ title: '15 new bans in 3 jails', body: 'sshd 9, nginx 3, postfix 3' }])
  })

  it('a switched-off jail is left out; all off means nothing at all', () => {
    cfg = { enabled: true, perJail: { nginx: false } }
    n.update([jail('sshd', 0), jail('nginx', 0)])
    n.update([jail('sshd', 2), jail('nginx', 50)])
    vi.advanceTimersByTime(3000)
    expect(shown.map((s) => s.title)).toEqual(['2 new bans in sshd'])
    n.update([jail('sshd', 3), jail('nginx', 60)])
    cfg = { enabled: false, perJail: {} }
    n.update([jail('sshd', 9), jail('nginx', 70)])
    vi.advanceTimersByTime(3000)
    // the ban collected before the switch-off is dropped too: the setting counts at show time
    expect(shown).toHaveLength(1)
  })

  it('stays quiet while the window has focus (bans are dropped, not queued for later)', () => {
    n.update([jail('sshd', 0)])
    quiet = true
    n.update([jail('sshd', 4)])
    vi.advanceTimersByTime(3000)
    expect(shown).toEqual([])
    quiet = false
    vi.advanceTimersByTime(10_000)
    expect(shown).toEqual([])
    n.update([jail('sshd', 5)])
    vi.advanceTimersByTime(3000)
    expect(shown.map((s) => s.title)).toEqual(['1 new ban in sshd'])
  })

  it('a restarted jail (total went down, or it stopped) is a new baseline', () => {
    n.update([jail('sshd', 100)])
    n.update([jail('sshd', 4)]) // restarted: bans restored from the DB are not new
    vi.advanceTimersByTime(3000)
    expect(shown).toEqual([])
    n.update([jail('sshd', 0, false)])
    n.update([jail('sshd', 7)])
    vi.advanceTimersByTime(3000)
    expect(shown).toEqual([])
    n.update([jail('sshd', 8)])
    vi.advanceTimersByTime(3000)
    expect(shown.map((s) => s.title)).toEqual(['1 new ban in sshd'])
  })

  it('a jail that appears later starts with a baseline too', () => {
    n.update([jail('sshd', 1)])
    n.update([jail('sshd', 1), jail('recidive', 30)])
    vi.advanceTimersByTime(3000)
    expect(shown).toEqual([])
  })

  it('subscribes to the event hub: jailsChanged only', () => {
    const hub = new EventHub()
    hub.subscribe(n.sink)
    hub.emit('jailsChanged', [jail('sshd', 1)])
    hub.emit('bansChanged', { jail: 'sshd', added: [], removed: [] })
    hub.emit('jailsChanged', [jail('sshd', 3)])
    vi.advanceTimersByTime(3000)
    expect(shown.map((s) => s.title)).toEqual(['2 new bans in sshd'])
  })

  it('dispose drops pending bans and the timer', () => {
    n.update([jail('sshd', 0)])
    n.update([jail('sshd', 4)])
    n.dispose()
    vi.advanceTimersByTime(3000)
    expect(shown).toEqual([])
    expect(vi.getTimerCount()).toBe(0)
  })

  it('formats long jail lists with "and N more"', () => {
    const m = new Map(Array.from({ length: 8 }, (_, i) => [`j${i}`, 8 - i] as const))
    expect(formatNewBans(m)).toEqual({
      title: '36 new bans in 8 jails',
      body: 'j0 8, j1 7, j2 6, j3 5, j4 4, and 3 more jails'
    })
  })

  it('names the SSH server the bans are on (escaped); this machine is not named', () => {
    expect(formatNewBans(new Map([['sshd', 2]]), 'web 1').title).toBe('2 new bans in sshd on web 1')
    expect(
      formatNewBans(
        new Map([
          ['a', 1],
          ['b', 1]
        ]),
        'db<b>'
      ).title
    ).toBe('2 new bans in 2 jails on db?b?')
    expect(formatNewBans(new Map([['sshd', 2]])).title).toBe('2 new bans in sshd')
  })

  it('a notifier of a server names it in what it shows', () => {
    const shown: string[] = []
    const n = new NotifierService({
      show: (title) => shown.push(title),
      isQuiet: () => false,
      settings: () => ({ enabled: true, perJail: {} }),
      server: 'web1'
    })
    const j = (totalBanned: number) => ({ name: 'sshd', running: true, totalBanned }) as Jail
    n.update([j(1)])
    n.update([j(4)])
    n.flush()
    expect(shown).toEqual(['3 new bans in sshd on web1'])
  })
})

describe('server-supplied jail names in notifications', () => {
  it('never pass markup or odd characters to the notification server', () => {
    const evil = '<a href="file:///etc/passwd">x</a>&amp;<img src=x>'
    const one = formatNewBans(new Map([[evil, 2]]))
    const many = formatNewBans(
      new Map([
        [evil, 3],
        ['sshd', 1],
        ['x'.repeat(500), 1]
      ])
    )
    for (const text of [one.title, one.body, many.title, many.body]) {
      expect(text).not.toMatch(/[<>&"]/)
      expect(text.length).toBeLessThan(400)
    }
    expect(one.title).toMatch(/^2 new bans in \?a\?href\?\?file:\?\?\?etc\?passwd/)
    expect(many.body).toContain('sshd 1')
  })
})
