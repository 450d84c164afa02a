/** Switching servers through app/wiring.ts: the per-server views start over as on a fresh start. */
import { beforeEach, describe, expect, it, vi } from 'vitest'
import {
  connectEvents,
  openFleetAction,
  reloadOnServer,
  showAllServers,
  showJailOnServer,
  showServer
} from '../../src/renderer/src/app/wiring.ts'
import { initialBansState, useBansStore } from '../../src/renderer/src/features/bans/store.ts'
import {
  initialConnectionState,
  useConnectionStore
} from '../../src/renderer/src/features/connection/store.ts'
import {
  initialFleetActionState,
  useFleetActionStore
} from '../../src/renderer/src/features/fleet/action-store.ts'
import { initialFleetState, useFleetStore } from '../../src/renderer/src/features/fleet/store.ts'
import { initialJailsState, useJailsStore } from '../../src/renderer/src/features/jails/store.ts'
import { initialReloadState, useReloadStore } from '../../src/renderer/src/features/reload/store.ts'
import { initialSearchState, useSearchStore } from '../../src/renderer/src/features/search/store.ts'
import {
  initialServersState,
  useServersStore
} from '../../src/renderer/src/features/servers/store.ts'
import { createFakeBangui, deferred, type FakeBangui } from './fake-bangui.ts'
import { server, serversState } from './servers-fixtures.ts'
import { emptyFleetBans } from '../../src/shared/servers.ts'

let fake: FakeBangui
let off: () => void
beforeEach(() => {
  fake = createFakeBangui()
  vi.stubGlobal('window', { bangui: fake.api })
  for (const [store, initial] of [
    [useConnectionStore, initialConnectionState],
    [useJailsStore, initialJailsState],
    [useBansStore, initialBansState],
    [useSearchStore, initialSearchState],
    [useReloadStore, initialReloadState],
    [useServersStore, initialServersState],
    [useFleetStore, initialFleetState],
    [useFleetActionStore, initialFleetActionState]
  ] as const) {
    ;(store as { setState(s: unknown): void }).setState(initial)
  }
  off = connectEvents()
  return () => off()
})

const jail = (name: string) => ({
  name,
  running: true,
  currentlyFailed: 0,
  totalFailed: 0,
  currentlyBanned: 1,
  totalBanned: 1
})
const settle = () => new Promise((r) => setTimeout(r, 0))

/** The renderer as it stands on server `local`: jails, a selection, search results, server info. */
function onLocal(): void {
  fake.emit('serversChanged', serversState('local', [server('local'), server('web')]))
  useJailsStore.getState().apply([jail('sshd'), jail('recidive')])
  useJailsStore.getState().select('recidive')
  useJailsStore.setState({ settings: { recidive: { name: 'recidive' } as never } })
  useSearchStore.setState({
    query: '192.0.2.1',
    status: 'done',
    result: { ip: '192.0.2.1', jails: ['sshd'], networks: [] }
  })
  useConnectionStore.setState({ server: { version: '1.0.2' } as never })
  fake.calls.length = 0
}

describe('switching the active server', () => {
  it('a serversChanged with a new active server resets and reloads the per-server state', async () => {
    onLocal()
    fake.answers.listJails = [jail('sshd')]
    fake.answers.listBans = []
    fake.answers.getConnection = {
      status: 'connecting',
      socketPath: 'web',
      message: '',
      nextRetryAt: null,
      since: 0
    }
    fake.emit('serversChanged', serversState('web', [server('local'), server('web')]))
    // at once: nothing of the old server is left on screen
    expect(useJailsStore.getState()).toMatchObject({ jails: [], selected: null, settings: {} })
    expect(useSearchStore.getState()).toMatchObject({ query: '', result: null })
    expect(useConnectionStore.getState().server).toBeNull()
    await settle()
    await settle()
    expect(fake.names()).toEqual(expect.arrayContaining(['listJails', 'getConnection']))
    expect(useJailsStore.getState().selected).toBe('sshd')
    // no App effect runs here: the wiring itself asks for the new server's watched jail's bans
    await vi.waitFor(() => expect(useBansStore.getState().jail).toBe('sshd'))
    expect(fake.names()).toContain('listBans')
  })

  it('answers the old server gives after the switch are dropped (jails, settings, version)', async () => {
    onLocal()
    const oldJails = deferred<unknown>()
    const oldSettings = deferred<unknown>()
    const oldInfo = deferred<unknown>()
    fake.answers.listJails = () => oldJails.promise
    fake.answers.getJailSettings = () => oldSettings.promise
    fake.answers.getServerInfo = () => oldInfo.promise
    void useJailsStore.getState().load()
    void useJailsStore.getState().loadSettings('recidive')
    void useConnectionStore.getState().loadServerInfo()
    // the switch, and the new server's own answers
    fake.answers.listJails = [jail('nginx')]
    fake.answers.listBans = []
    fake.answers.getConnection = {
      status: 'connecting',
      socketPath: 'web',
      message: '',
      nextRetryAt: null,
      since: 0
    }
    fake.emit('serversChanged', serversState('web', [server('local'), server('web')]))
    await vi.waitFor(() =>
      expect(useJailsStore.getState().jails.map((j) => j.name)).toEqual(['nginx'])
    )
    // now the old server answers
    oldJails.resolve([jail('sshd'), jail('recidive')])
    oldSettings.resolve({ name: 'recidive', bantime: 600 })
    oldInfo.resolve({ version: '0.11.2', socketPath: '/old.sock', db: null })
    await settle()
    await settle()
    expect(useJailsStore.getState().jails.map((j) => j.name)).toEqual(['nginx'])
    expect(useJailsStore.getState().settings).not.toHaveProperty('recidive')
    expect(useConnectionStore.getState().server).toBeNull()
  })

  it('the same active server again (an event after the select answer) resets nothing', async () => {
    onLocal()
    fake.emit(
      'serversChanged',
      serversState('local', [server('local', { banned: 3 }), server('web')])
    )
    expect(useJailsStore.getState().selected).toBe('recidive')
    expect(fake.names()).toEqual([])
  })

  it('the first state after start is not a switch', () => {
    fake.emit('serversChanged', serversState('web', [server('local'), server('web')]))
    expect(fake.names()).toEqual([])
  })

  it('clicking a server leaves the All servers view and selects it; reload opens after the switch', async () => {
    onLocal()
    fake.answers.fleetOverview = {
      servers: [],
      totals: { servers: 0, connected: 0, jails: 0, banned: 0 }
    }
    fake.answers.fleetBans = emptyFleetBans()
    showAllServers()
    expect(useFleetStore.getState().open).toBe(true)
    fake.answers.selectServer = serversState('web', [server('local'), server('web')])
    fake.answers.listJails = [jail('sshd')]
    showServer('web')
    expect(useFleetStore.getState().open).toBe(false)
    await vi.waitFor(() => expect(useServersStore.getState().state?.active).toBe('web'))
    expect(fake.calls.find((c) => c.name === 'selectServer')?.request).toEqual({ id: 'web' })

    fake.answers.selectServer = serversState('local', [server('local'), server('web')])
    await reloadOnServer('local')
    expect(useServersStore.getState().state?.active).toBe('local')
    // the reset closes dialogs of the old server; the reload dialog opens after it, for the new one
    expect(useReloadStore.getState().open).toBe(true)
  })

  it('serversChanged refreshes the open All servers view (debounced) and fleetProgress reaches the dialog', async () => {
    vi.useFakeTimers()
    try {
      useFleetStore.setState({ open: true })
      fake.answers.fleetOverview = {
        servers: [],
        totals: { servers: 0, connected: 0, jails: 0, banned: 0 }
      }
      fake.answers.fleetBans = emptyFleetBans()
      fake.emit('serversChanged', serversState('local', [server('local')]))
      fake.emit('serversChanged', serversState('local', [server('local', { banned: 1 })]))
      await vi.advanceTimersByTimeAsync(2000)
      expect(fake.names().filter((n) => n === 'fleetOverview')).toHaveLength(1)
    } finally {
      vi.useRealTimers()
    }
    useFleetActionStore.setState({ operationId: 'op-1', status: 'running' })
    fake.emit('fleetProgress', {
      operationId: 'op-1',
      server: 'local',
      done: 1,
      total: 1,
      ok: true,
      message: null
    })
    expect(Object.keys(useFleetActionStore.getState().progress)).toEqual(['local'])
  })

  it('the fleet ban dialog opens with the connected servers ticked', () => {
    fake.emit(
      'serversChanged',
      serversState('local', [
        server('local'),
        server('db', { status: 'failed', message: 'sudo needs a password' }),
        server('web')
      ])
    )
    openFleetAction('ban', '192.0.2.1')
    expect(useFleetActionStore.getState()).toMatchObject({
      open: true,
      mode: 'ban',
      servers: ['local', 'web'],
      text: '192.0.2.1'
    })
  })

  it('a jail of the All servers view opens on its server, selected once the new list is in', async () => {
    onLocal()
    useFleetStore.setState({ open: true })
    fake.answers.selectServer = serversState('web', [server('local'), server('web')])
    fake.answers.listJails = [jail('sshd'), jail('nginx')]
    fake.answers.listBans = []
    await showJailOnServer('web', 'nginx')
    expect(useFleetStore.getState().open).toBe(false)
    await vi.waitFor(() => expect(useJailsStore.getState().jails).toHaveLength(2))
    expect(useJailsStore.getState().selected).toBe('nginx')
  })

  it('"Unban it on servers…" ticks the servers given, in the switcher’s order', () => {
    fake.emit(
      'serversChanged',
      serversState('local', [server('local'), server('db'), server('web')])
    )
    openFleetAction('unban', '192.0.2.1', ['web', 'db'])
    expect(useFleetActionStore.getState().servers).toEqual(['db', 'web'])
  })

  it('unsubscribes its events and the active-server watch', () => {
    off()
    expect(fake.listenerCount('serversChanged')).toBe(0)
    expect(fake.listenerCount('fleetProgress')).toBe(0)
    useServersStore.getState().apply(serversState('local', [server('local')]))
    useServersStore.getState().apply(serversState('web', [server('local'), server('web')]))
    expect(fake.names()).toEqual([])
    off = () => undefined
  })
})
