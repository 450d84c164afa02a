/** The bans store against a fake window.bangui: loading, live diffs, selection, unban. */
import { beforeEach, describe, expect, it, vi } from 'vitest'
import type { Ban } from '../../src/shared/model.ts'
import { useBansStore, initialBansState } from '../../src/renderer/src/features/bans/store.ts'
import { countsText, selectedIpsInOrder } from '../../src/renderer/src/features/bans/selectors.ts'
import { createFakeBangui, deferred, failure, type FakeBangui } from './fake-bangui.ts'

const ban = (ip: string, bannedAt = 1000, jail = 'sshd'): Ban => ({
  ip,
  jail,
  bannedAt,
  bantime: 600,
  expiresAt: bannedAt + 600_000,
  permanent: false
})
const state = () => useBansStore.getState()
const shownIps = () => state().view.map((b) => b.ip)

let fake: FakeBangui
beforeEach(() => {
  fake = createFakeBangui()
  vi.stubGlobal('window', { bangui: fake.api })
  useBansStore.setState(initialBansState)
})

describe('showing a jail', () => {
  it('watches the jail, then lists its bans, newest first', async () => {
    fake.answers.listBans = [ban('192.0.2.1', 1), ban('192.0.2.2', 3), ban('192.0.2.3', 2)]
    await state().show('sshd')
    expect(fake.calls).toEqual([
      { name: 'watchJail', request: { jail: 'sshd' } },
      { name: 'listBans', request: { jail: 'sshd' } }
    ])
    expect(state()).toMatchObject({ jail: 'sshd', status: 'ready', error: null })
    expect(shownIps()).toEqual(['192.0.2.2', '192.0.2.3', '192.0.2.1'])
    expect(state().loadedAt).toBeGreaterThan(0)
  })

  it('does not reload the jail it already shows', async () => {
    fake.answers.listBans = [ban('192.0.2.1')]
    await state().show('sshd')
    await state().show('sshd')
    expect(fake.names()).toEqual(['watchJail', 'listBans'])
  })

  it('showing none tells main to watch nothing', async () => {
    fake.answers.listBans = [ban('192.0.2.1')]
    await state().show('sshd')
    await state().show(null)
    expect(fake.calls.at(-1)).toEqual({ name: 'watchJail', request: { jail: null } })
    expect(state()).toMatchObject({ jail: null, status: 'idle', bans: [] })
  })

  it('an error from main becomes the error state, with main’s message', async () => {
    fake.answers.listBans = failure('unknown-jail', 'fail2ban has no jail named "gone"')
    await state().show('gone')
    expect(state()).toMatchObject({ status: 'error', error: 'fail2ban has no jail named "gone"' })
  })

  it('a late answer for a jail no longer shown is dropped', async () => {
    const slow = deferred<Ban[]>()
    fake.answers.listBans = (r: unknown) =>
      (r as { jail: string }).jail === 'slow' ? slow.promise : [ban('198.51.100.1', 1, 'fast')]
    const first = state().show('slow')
    await state().show('fast')
    slow.resolve([ban('203.0.113.9', 1, 'slow')])
    await first
    expect(state().jail).toBe('fast')
    expect(shownIps()).toEqual(['198.51.100.1'])
  })

  it('a diff that arrives while the list loads is applied on top of it', async () => {
    const list = deferred<Ban[]>()
    fake.answers.listBans = () => list.promise
    const loading = state().show('sshd')
    await Promise.resolve()
    await Promise.resolve()
    expect(state().status).toBe('loading')
    state().applyDiff({ jail: 'sshd', added: [ban('203.0.113.5', 5)], removed: ['192.0.2.1'] })
    list.resolve([ban('192.0.2.1', 1), ban('192.0.2.2', 2)])
    await loading
    expect(shownIps()).toEqual(['203.0.113.5', '192.0.2.2'])
  })

  it('a failed refresh keeps the rows and says so', async () => {
    fake.answers.listBans = [ban('192.0.2.1')]
    await state().show('sshd')
    fake.answers.listBans = failure('timeout', 'fail2ban did not answer in time')
    await state().refresh()
    expect(state().status).toBe('ready')
    expect(shownIps()).toEqual(['192.0.2.1'])
    expect(state().notice?.text).toMatch(/Refresh failed: fail2ban did not answer/)
    // An error is never shown in the success style, and goes once its cause is gone.
    expect(state().notice?.tone).toBe('error')
    state().clearErrorNotice()
    expect(state().notice).toBeNull()
  })
})

describe('live updates', () => {
  beforeEach(async () => {
    fake.answers.listBans = [ban('192.0.2.1', 1), ban('192.0.2.2', 2)]
    await state().show('sshd')
  })

  it('applies added and removed bans of the shown jail only', () => {
    state().applyDiff({ jail: 'webapp', added: [ban('203.0.113.1', 9, 'webapp')], removed: [] })
    expect(shownIps()).toEqual(['192.0.2.2', '192.0.2.1'])
    state().applyDiff({ jail: 'sshd', added: [ban('203.0.113.1', 9)], removed: ['192.0.2.2'] })
    expect(shownIps()).toEqual(['203.0.113.1', '192.0.2.1'])
  })

  it('removed IPs leave the selection; others stay selected', () => {
    state().selectAll()
    state().applyDiff({ jail: 'sshd', added: [], removed: ['192.0.2.1'] })
    expect([...state().selection.selected]).toEqual(['192.0.2.2'])
  })

  it('a diff that changes nothing does not replace the list (no re-render)', () => {
    const before = state().bans
    state().applyDiff({ jail: 'sshd', added: [], removed: ['203.0.113.77'] })
    expect(state().bans).toBe(before)
  })

  it('new rows respect the filter', () => {
    state().setFilter('203.')
    state().applyDiff({
      jail: 'sshd',
      added: [ban('203.0.113.1', 9), ban('198.51.100.1', 9)],
      removed: []
    })
    expect(shownIps()).toEqual(['203.0.113.1'])
    expect(countsText(state())).toBe('1 of 4 bans')
  })
})

describe('sort, filter and selection', () => {
  beforeEach(async () => {
    fake.answers.listBans = ['10.0.0.10', '10.0.0.9', '2001:db8::1', '9.9.9.9'].map((ip, i) =>
      ban(ip, i)
    )
    await state().show('sshd')
  })

  it('clicking a column sorts by it; clicking again reverses', () => {
    state().setSort('ip')
    expect(shownIps()).toEqual(['9.9.9.9', '10.0.0.9', '10.0.0.10', '2001:db8::1'])
    state().setSort('ip')
    expect(shownIps()).toEqual(['2001:db8::1', '10.0.0.10', '10.0.0.9', '9.9.9.9'])
  })

  it('the filter narrows the rows, counts say so, and the selection is cleared', () => {
    state().selectAll()
    state().setFilter('10.0.0')
    expect(shownIps()).toEqual(['10.0.0.9', '10.0.0.10'])
    expect(state().selection.selected.size).toBe(0)
    expect(countsText(state())).toBe('2 of 4 bans')
  })

  it('click, shift-click, keyboard and select all act on the rows in view', () => {
    state().setSort('ip')
    state().click(0, { shift: false, toggle: false })
    state().click(2, { shift: true, toggle: false })
    expect(selectedIpsInOrder(state())).toEqual(['9.9.9.9', '10.0.0.9', '10.0.0.10'])
    expect(countsText(state())).toBe('4 bans · 3 selected')
    expect(state().moveCursor(1, false)).toBe(true)
    expect(selectedIpsInOrder(state())).toEqual(['2001:db8::1'])
    expect(state().moveToEdge('first', true)).toBe(true)
    expect(state().selection.selected.size).toBe(4)
    expect(state().clearSelection()).toBe(true)
    expect(state().clearSelection()).toBe(false)
    expect(state().selectAll()).toBe(true)
    expect(state().selection.selected.size).toBe(4)
  })

  it('keyboard moves report false when there is nothing to move in', () => {
    state().setFilter('no-such-ip')
    expect(state().moveCursor(1, false)).toBe(false)
    expect(state().selectAll()).toBe(false)
  })
})

describe('unban', () => {
  beforeEach(async () => {
    fake.answers.listBans = [ban('192.0.2.1', 1), ban('192.0.2.2', 2), ban('192.0.2.3', 3)]
    await state().show('sshd')
  })

  it('asks first, and only with a selection', () => {
    expect(state().askUnbanSelected()).toBe(false)
    expect(state().confirm).toBeNull()
    state().click(0, { shift: false, toggle: false })
    expect(state().askUnbanSelected()).toBe(true)
    expect(state().confirm).toEqual({ kind: 'unban-selected' })
  })

  it('unbans the selected IPs in this jail and removes their rows at once', async () => {
    fake.answers.unbanIps = 2
    state().click(0, { shift: false, toggle: false })
    state().click(1, { shift: true, toggle: false })
    state().askUnbanSelected()
    await state().unbanSelected()
    const req = fake.calls.find((c) => c.name === 'unbanIps')?.request as {
      jail: string
      ips: string[]
    }
    expect(req.jail).toBe('sshd')
    expect(req.ips.sort()).toEqual(['192.0.2.2', '192.0.2.3'])
    expect(shownIps()).toEqual(['192.0.2.1'])
    expect(state()).toMatchObject({
      confirm: null,
      actionStatus: 'idle',
      notice: { text: '2 IPs unbanned in sshd.', tone: 'ok' }
    })
    expect(state().selection.selected.size).toBe(0)
  })

  it('a refused unban keeps the dialog open with the reason and the rows in place', async () => {
    fake.answers.unbanIps = failure('permission-denied', 'Permission denied on the socket')
    state().click(0, { shift: false, toggle: false })
    state().askUnbanSelected()
    await state().unbanSelected()
    expect(state()).toMatchObject({
      confirm: { kind: 'unban-selected' },
      actionStatus: 'error',
      actionError: 'Permission denied on the socket'
    })
    expect(shownIps()).toHaveLength(3)
  })

  it('unban all sends the typed confirmation and empties the table', async () => {
    fake.answers.unbanAll = 3
    state().askUnbanAll('sshd')
    await state().unbanAll('sshd', 'sshd')
    expect(fake.calls.at(-1)).toEqual({
      name: 'unbanAll',
      request: { jail: 'sshd', confirm: 'sshd' }
    })
    expect(state()).toMatchObject({
      confirm: null,
      bans: [],
      notice: { text: '3 bans lifted in sshd.', tone: 'ok' }
    })
  })

  it('unban all in every jail sends jail null with "all jails"', async () => {
    fake.answers.unbanAll = 7
    await state().unbanAll(null, 'all jails')
    expect(fake.calls.at(-1)).toEqual({
      name: 'unbanAll',
      request: { jail: null, confirm: 'all jails' }
    })
    expect(state().notice).toEqual({ text: '7 bans lifted in every jail.', tone: 'ok' })
    expect(state().bans).toEqual([])
  })

  it('unban all of another jail leaves this table alone', async () => {
    fake.answers.unbanAll = 1
    await state().unbanAll('webapp', 'webapp')
    expect(shownIps()).toHaveLength(3)
  })
})

describe('reveal (search result navigation)', () => {
  it('selects the IP once that jail’s list is shown', async () => {
    fake.answers.listBans = [ban('192.0.2.1', 1), ban('192.0.2.2', 2)]
    state().revealIp('sshd', '192.0.2.1')
    expect(state().selection.selected.size).toBe(0)
    await state().show('sshd')
    expect([...state().selection.selected]).toEqual(['192.0.2.1'])
    expect(state().selection.cursor).toBe('192.0.2.1')
  })

  it('clears a filter that hides it, and says so when the IP is gone', async () => {
    fake.answers.listBans = [ban('192.0.2.1', 1), ban('192.0.2.2', 2)]
    await state().show('sshd')
    state().setFilter('192.0.2.2')
    state().revealIp('sshd', '192.0.2.1')
    expect(state().filter).toBe('')
    expect(state().selection.cursor).toBe('192.0.2.1')
    state().revealIp('sshd', '203.0.113.99')
    expect(state().notice?.text).toBe('203.0.113.99 is no longer banned in sshd.')
  })

  it('a reveal for another jail waits for that jail', async () => {
    fake.answers.listBans = [ban('192.0.2.1', 1)]
    await state().show('sshd')
    state().revealIp('webapp', '192.0.2.1')
    expect(state().selection.selected.size).toBe(0)
    expect(state().reveal).toEqual({ jail: 'webapp', ip: '192.0.2.1' })
  })
})
