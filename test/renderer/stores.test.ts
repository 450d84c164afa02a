/** Connection, jails, search and reload stores against a fake window.bangui. */
import { beforeEach, describe, expect, it, vi } from 'vitest'
import type { ConnectionState, Jail, JailSettings, ReloadResult } from '../../src/shared/model.ts'
import {
  initialConnectionState,
  useConnectionStore
} from '../../src/renderer/src/features/connection/store.ts'
import {
  bannerModel,
  selectIsConnected
} from '../../src/renderer/src/features/connection/selectors.ts'
import {
  initialJailsState,
  keepSelection,
  useJailsStore
} from '../../src/renderer/src/features/jails/store.ts'
import {
  defaultBanJail,
  incrementText,
  selectRunningNamesKey,
  selectTotalBanned,
  selectWatchedJail
} from '../../src/renderer/src/features/jails/selectors.ts'
import { initialSearchState, useSearchStore } from '../../src/renderer/src/features/search/store.ts'
import {
  initialReloadState,
  reloadRequest,
  useReloadStore
} from '../../src/renderer/src/features/reload/store.ts'
import { reloadHeadline } from '../../src/renderer/src/features/reload/selectors.ts'
import { createFakeBangui, deferred, failure, type FakeBangui } from './fake-bangui.ts'

const jail = (name: string, running = true, currentlyBanned = 0): Jail => ({
  name,
  running,
  currentlyFailed: 0,
  totalFailed: 0,
  currentlyBanned,
  totalBanned: currentlyBanned
})
const conn = (
  status: ConnectionState['status'],
  nextRetryAt: number | null = null
): ConnectionState => ({
  status,
  socketPath: '/run/fail2ban/fail2ban.sock',
  message: status === 'connected' ? '' : 'No fail2ban socket at /run/fail2ban/fail2ban.sock.',
  nextRetryAt,
  since: 0
})

let fake: FakeBangui
beforeEach(() => {
  fake = createFakeBangui()
  vi.stubGlobal('window', { bangui: fake.api })
  useConnectionStore.setState(initialConnectionState)
  useJailsStore.setState(initialJailsState)
  useSearchStore.setState(initialSearchState)
  useReloadStore.setState(initialReloadState)
})

describe('connection', () => {
  it('loads the state, and the server info once connected', async () => {
    fake.answers.getConnection = conn('connected')
    fake.answers.getServerInfo = { version: '1.1.0', socketPath: '/s', db: {} }
    await useConnectionStore.getState().load()
    expect(fake.names()).toEqual(['getConnection', 'getServerInfo'])
    expect(selectIsConnected(useConnectionStore.getState())).toBe(true)
    expect(useConnectionStore.getState().server?.version).toBe('1.1.0')
  })

  it('does not ask for server info while disconnected', async () => {
    fake.answers.getConnection = conn('socket-missing')
    await useConnectionStore.getState().load()
    expect(fake.names()).toEqual(['getConnection'])
  })

  it('retry reconnects now and flags itself while it runs', async () => {
    const answer = deferred<unknown>()
    fake.answers.retryConnection = () => answer.promise
    const running = useConnectionStore.getState().retry()
    expect(useConnectionStore.getState().retrying).toBe(true)
    await useConnectionStore.getState().retry() // a second click while retrying sends nothing
    answer.resolve(conn('not-answering'))
    await running
    expect(fake.names()).toEqual(['retryConnection'])
    expect(useConnectionStore.getState()).toMatchObject({
      retrying: false,
      connection: { status: 'not-answering' }
    })
  })

  it('the banner says the status in words, main’s message, what to do, and counts down', () => {
    expect(bannerModel(conn('connected'), 0)).toBeNull()
    expect(bannerModel(null, 0)).toBeNull()
    const b = bannerModel(conn('socket-missing', 10_000), 2_500)!
    expect(b.title).toBe('fail2ban is not running')
    expect(b.message).toMatch(/No fail2ban socket/)
    // One advice line: main's message says what to do, so the generic hint is not repeated.
    expect(b.hint).toBe('')
    expect(bannerModel({ ...conn('socket-missing'), message: '' }, 0)!.hint).toMatch(
      /systemctl start fail2ban/
    )
    expect(b.tone).toBe('error')
    expect(b.retryIn).toBe(8)
    expect(bannerModel(conn('socket-missing', 10_000), 11_000)!.retryIn).toBe(0)
    expect(bannerModel(conn('permission-denied'), 0)!.title).toMatch(/No permission/)
    expect(bannerModel(conn('not-answering'), 0)!.retryIn).toBeNull()
  })
})

describe('jails', () => {
  it('lists the jails, selecting the first', async () => {
    fake.answers.listJails = [jail('a', true, 2), jail('b', false)]
    await useJailsStore.getState().load()
    expect(useJailsStore.getState()).toMatchObject({ status: 'ready', selected: 'a' })
    expect(selectTotalBanned(useJailsStore.getState())).toBe(2)
  })

  it('a failed list is an error state with main’s message', async () => {
    fake.answers.listJails = failure('not-connected', 'Not connected to fail2ban')
    await useJailsStore.getState().load()
    expect(useJailsStore.getState()).toMatchObject({
      status: 'error',
      error: 'Not connected to fail2ban'
    })
  })

  it('keeps the selection while the jail exists, else falls back to the first', () => {
    expect(keepSelection([jail('a'), jail('b')], 'b')).toBe('b')
    expect(keepSelection([jail('c')], 'b')).toBe('c')
    expect(keepSelection([], 'b')).toBeNull()
    useJailsStore.getState().apply([jail('a'), jail('b')])
    useJailsStore.getState().select('b')
    useJailsStore.getState().apply([jail('b', false)])
    expect(useJailsStore.getState().selected).toBe('b')
  })

  it('only a running selected jail is watched; bans go to a running jail', () => {
    useJailsStore.getState().apply([jail('a', false), jail('b'), jail('c')])
    expect(selectWatchedJail(useJailsStore.getState())).toBeNull()
    expect(defaultBanJail(useJailsStore.getState())).toBe('b')
    expect(selectRunningNamesKey(useJailsStore.getState())).toBe('b\nc')
    useJailsStore.getState().select('c')
    expect(selectWatchedJail(useJailsStore.getState())).toBe('c')
    expect(defaultBanJail(useJailsStore.getState())).toBe('c')
    useJailsStore.getState().apply([jail('a', false)])
    expect(defaultBanJail(useJailsStore.getState())).toBeNull()
  })

  it('stop asks first; then stops without re-listing (main pushes the new list)', async () => {
    useJailsStore.getState().apply([jail('sshd')])
    useJailsStore.getState().askStop('sshd')
    expect(useJailsStore.getState().confirmStop).toBe('sshd')
    expect(fake.calls).toEqual([])
    await useJailsStore.getState().stop('sshd')
    expect(fake.calls).toEqual([{ name: 'stopJail', request: { jail: 'sshd' } }])
    expect(useJailsStore.getState()).toMatchObject({ confirmStop: null, busy: null })
  })

  it('a failed start is shown with its reason', async () => {
    fake.answers.startJail = failure('command-failed', 'Jail sshd failed to start: no log file')
    await useJailsStore.getState().start('sshd')
    expect(useJailsStore.getState()).toMatchObject({
      busy: null,
      actionError: 'Jail sshd failed to start: no log file'
    })
  })

  it('settings load, and a saved value patches them without a reload', async () => {
    const settings: JailSettings = {
      name: 'sshd',
      bantime: 600,
      findtime: 600,
      maxretry: 5,
      logpath: [],
      ignoreip: [],
      failregex: [],
      actions: [],
      usedns: 'warn',
      increment: {
        enabled: true,
        factor: '2',
        formula: null,
        multipliers: null,
        maxtime: 604800,
        rndtime: null,
        overalljails: true
      }
    }
    fake.answers.getJailSettings = settings
    useJailsStore.getState().apply([jail('sshd')])
    await useJailsStore.getState().loadSettings('sshd')
    expect(useJailsStore.getState().settings.sshd?.bantime).toBe(600)
    expect(incrementText(settings)).toBe('factor 2, max 1 w, across all jails')
    expect(
      incrementText({ ...settings, increment: { ...settings.increment, enabled: false } })
    ).toBe('off')
    fake.answers.setJailValue = 3600
    expect(
      await useJailsStore.getState().setValue({ jail: 'sshd', key: 'bantime', value: 3600 })
    ).toBe(true)
    expect(fake.calls.at(-1)).toEqual({
      name: 'setJailValue',
      request: { jail: 'sshd', key: 'bantime', value: 3600 }
    })
    expect(useJailsStore.getState().settings.sshd?.bantime).toBe(3600)
    fake.answers.setJailValue = failure('invalid-argument', 'bantime out of range')
    expect(
      await useJailsStore.getState().setValue({ jail: 'sshd', key: 'bantime', value: 1 })
    ).toBe(false)
    expect(useJailsStore.getState()).toMatchObject({
      settingsError: 'bantime out of range',
      saving: null
    })
  })
})

describe('search', () => {
  it('refuses an invalid IP with the shared reason and sends nothing', async () => {
    useSearchStore.getState().setQuery('300.1.1.1')
    await useSearchStore.getState().search()
    expect(fake.calls).toEqual([])
    expect(useSearchStore.getState()).toMatchObject({
      status: 'error',
      error: expect.stringMatching(/not a valid IPv4/)
    })
    useSearchStore.getState().setQuery('  ')
    await useSearchStore.getState().search()
    expect(useSearchStore.getState().error).toBe('Type an IP address to find.')
  })

  it('sends the normalised IP and keeps the jails that ban it', async () => {
    fake.answers.findIp = { ip: '2001:db8::1', jails: ['sshd', 'webapp'] }
    useSearchStore.getState().setQuery(' 2001:DB8:0::1 ')
    await useSearchStore.getState().search()
    expect(fake.calls).toEqual([{ name: 'findIp', request: { ip: '2001:db8::1' } }])
    expect(useSearchStore.getState()).toMatchObject({
      status: 'done',
      result: { jails: ['sshd', 'webapp'] }
    })
  })

  it('an older answer does not overwrite a newer search', async () => {
    const slow = deferred<unknown>()
    fake.answers.findIp = (r: unknown) =>
      (r as { ip: string }).ip === '192.0.2.1' ? slow.promise : { ip: '192.0.2.2', jails: [] }
    useSearchStore.getState().setQuery('192.0.2.1')
    const first = useSearchStore.getState().search()
    useSearchStore.getState().setQuery('192.0.2.2')
    await useSearchStore.getState().search()
    slow.resolve({ ip: '192.0.2.1', jails: ['sshd'] })
    await first
    expect(useSearchStore.getState().result).toEqual({ ip: '192.0.2.2', jails: [] })
  })
})

describe('reload', () => {
  const result = (over: Partial<ReloadResult> = {}): ReloadResult => ({
    ok: true,
    outcome: 'reloaded',
    error: null,
    jails: ['a', 'b'],
    missing: [],
    failures: [],
    output: '',
    durationMs: 812.4,
    ...over
  })

  it('builds the request: all or one jail; unban only together with restart', () => {
    const s = { ...initialReloadState, jail: 'sshd' }
    expect(reloadRequest(s)).toEqual({ scope: { kind: 'all' }, restart: false, unban: false })
    expect(reloadRequest({ ...s, target: 'jail' })).toEqual({
      scope: { kind: 'include', jails: ['sshd'] },
      restart: false,
      unban: false
    })
    expect(reloadRequest({ ...s, unban: true }).unban).toBe(false)
    expect(reloadRequest({ ...s, restart: true, unban: true }).unban).toBe(true)
  })

  it('runs and keeps the result, without re-pulling the jails (they arrive as events)', async () => {
    fake.answers.reload = result()
    fake.answers.listJails = [jail('a'), jail('b')]
    const r = useReloadStore.getState()
    r.show('b')
    r.setJail('b')
    await useReloadStore.getState().run()
    expect(fake.calls[0]).toEqual({
      name: 'reload',
      request: { scope: { kind: 'include', jails: ['b'] }, restart: false, unban: false }
    })
    expect(fake.names()).toEqual(['reload'])
    expect(useReloadStore.getState()).toMatchObject({ status: 'done', result: { ok: true } })
  })

  it('a refused reload (one already runs) is an error with main’s message', async () => {
    fake.answers.reload = failure('busy', 'A reload is already running')
    useReloadStore.getState().show(null)
    await useReloadStore.getState().run()
    expect(useReloadStore.getState()).toMatchObject({
      status: 'error',
      error: 'A reload is already running'
    })
  })

  it('the headline tells "reloaded" from "these jails failed" from "nothing was reloaded"', () => {
    expect(reloadHeadline(result())).toEqual({
      tone: 'ok',
      text: 'Reloaded: 2 jails running (812 ms)'
    })
    const failures = [{ jail: 'recidive', reason: "Unable to read the filter 'x'" }]
    expect(
      reloadHeadline(result({ ok: false, outcome: 'partial', missing: ['recidive'], failures }))
    ).toEqual({ tone: 'warn', text: 'Reloaded, but 1 jail failed to start:' })
    const none = reloadHeadline(
      result({
        ok: false,
        outcome: 'not-reloaded',
        error: 'Have not found any log file for apache-auth jail',
        missing: ['apache-auth'],
        failures: [
          { jail: 'apache-auth', reason: 'Have not found any log file for apache-auth jail' }
        ]
      })
    )
    expect(none.tone).toBe('error')
    expect(none.text).toMatch(
      /^Nothing was reloaded: Have not found any log file for apache-auth jail\. fail2ban still runs the previous configuration\./
    )
  })
})
