/** Events from main reach the stores; errors from the bridge become AppErrors. */
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { connectEvents, openBanDialog } from '../../src/renderer/src/app/wiring.ts'
import {
  AppError,
  call,
  errorMessage,
  isAppError,
  unwrap
} from '../../src/renderer/src/lib/app-error.ts'
import {
  initialBanDialogState,
  useBanDialogStore
} from '../../src/renderer/src/features/ban-dialog/store.ts'
import { initialBansState, useBansStore } from '../../src/renderer/src/features/bans/store.ts'
import {
  initialConnectionState,
  useConnectionStore
} from '../../src/renderer/src/features/connection/store.ts'
import { initialJailsState, useJailsStore } from '../../src/renderer/src/features/jails/store.ts'
import { createFakeBangui, type FakeBangui } from './fake-bangui.ts'

let fake: FakeBangui
beforeEach(() => {
  fake = createFakeBangui()
  vi.stubGlobal('window', { bangui: fake.api })
  useConnectionStore.setState(initialConnectionState)
  useJailsStore.setState(initialJailsState)
  useBansStore.setState(initialBansState)
  useBanDialogStore.setState(initialBanDialogState)
})

const jail = (name: string, currentlyBanned: number) => ({
  name,
  running: true,
  currentlyFailed: 0,
  totalFailed: 0,
  currentlyBanned,
  totalBanned: currentlyBanned
})

describe('connectEvents', () => {
  it('subscribes to every event and unsubscribes all of them', () => {
    const off = connectEvents()
    for (const e of ['connectionChanged', 'jailsChanged', 'bansChanged', 'banProgress'] as const)
      expect(fake.listenerCount(e)).toBe(1)
    off()
    for (const e of ['connectionChanged', 'jailsChanged', 'bansChanged', 'banProgress'] as const)
      expect(fake.listenerCount(e)).toBe(0)
  })

  it('live jail counts and ban diffs land in their stores', async () => {
    const off = connectEvents()
    fake.emit('jailsChanged', [jail('sshd', 3)])
    expect(useJailsStore.getState().jails[0]!.currentlyBanned).toBe(3)
    fake.answers.listBans = []
    await useBansStore.getState().show('sshd')
    const b = {
      ip: '192.0.2.1',
      jail: 'sshd',
      bannedAt: 1,
      bantime: 600,
      expiresAt: 600_001,
      permanent: false
    }
    fake.emit('bansChanged', { jail: 'sshd', added: [b], removed: [] })
    expect(useBansStore.getState().bans).toEqual([b])
    off()
  })

  it('coming back from a disconnection refreshes what is on screen', () => {
    const off = connectEvents()
    fake.emit('connectionChanged', {
      status: 'socket-missing',
      socketPath: '/s',
      message: 'gone',
      nextRetryAt: null,
      since: 0
    })
    expect(fake.names()).toEqual([])
    fake.emit('connectionChanged', {
      status: 'connected',
      socketPath: '/s',
      message: '',
      nextRetryAt: null,
      since: 1
    })
    expect(fake.names()).toEqual(expect.arrayContaining(['listJails', 'getServerInfo']))
    expect(useConnectionStore.getState().connection?.status).toBe('connected')
    off()
  })

  it('Ctrl+B opens the ban dialog on the selected running jail', () => {
    useJailsStore.getState().apply([jail('a', 0), { ...jail('b', 0), running: false }])
    useJailsStore.getState().select('b')
    openBanDialog()
    expect(useBanDialogStore.getState()).toMatchObject({ open: true, jail: 'a' })
  })
})

describe('Result → AppError', () => {
  it('unwrap returns the value or throws the code and message', () => {
    expect(unwrap({ ok: true, value: 5 })).toBe(5)
    try {
      unwrap({ ok: false, error: { code: 'unknown-jail', message: 'no jail "x"' } })
      expect.unreachable()
    } catch (e) {
      expect(isAppError(e, 'unknown-jail')).toBe(true)
      expect(errorMessage(e)).toBe('no jail "x"')
    }
  })

  it('a rejected bridge call becomes an internal AppError', async () => {
    await expect(call(Promise.reject(new Error('channel closed')))).rejects.toMatchObject({
      code: 'internal',
      message: expect.stringMatching(/channel closed/)
    })
    await expect(call(Promise.resolve({ ok: true as const, value: 'v' }))).resolves.toBe('v')
    expect(new AppError({ code: 'busy', message: 'm' })).toBeInstanceOf(Error)
    expect(errorMessage('plain')).toBe('plain')
  })
})
