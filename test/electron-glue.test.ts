/**
 * The thin Electron glue with `electron` mocked (its binary is not needed): the preload exposes
 * only the typed api, never ipcRenderer or the event object; the IPC binding refuses untrusted
 * senders before anything reaches a service.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { channelOf, eventNames, invokeNames } from '../src/shared/channels.ts'

const exposed = new Map<string, unknown>()
const rendererListeners = new Map<string, (event: unknown, payload: unknown) => void>()
const handlers = new Map<string, (event: unknown, req: unknown) => Promise<unknown>>()
const invoke = vi.fn(async (channel: string, req: unknown) => ({
  ok: true,
  value: { channel, req }
}))

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => exposed.set(key, api) },
  ipcRenderer: {
    invoke: (channel: string, req: unknown) => invoke(channel, req),
    on: (channel: string, l: (event: unknown, payload: unknown) => void) =>
      rendererListeners.set(channel, l),
    removeListener: (channel: string) => rendererListeners.delete(channel)
  },
  ipcMain: {
    handle: (channel: string, h: (event: unknown, req: unknown) => Promise<unknown>) =>
      handlers.set(channel, h),
    removeHandler: (channel: string) => handlers.delete(channel)
  }
}))

describe('preload', () => {
  beforeEach(async () => {
    exposed.clear()
    vi.resetModules()
    await import('../src/preload/index.ts')
  })

  it('exposes exactly one object, window.bangui, with one function per contract entry', () => {
    expect([...exposed.keys()]).toEqual(['bangui'])
    const api = exposed.get('bangui') as Record<string, unknown>
    const expected = [
      ...invokeNames,
      ...eventNames.map((n) => `on${n[0]!.toUpperCase()}${n.slice(1)}`)
    ]
    expect(Object.keys(api).sort()).toEqual(expected.sort())
    expect(Object.values(api).every((v) => typeof v === 'function')).toBe(true)
    expect(Object.isFrozen(api)).toBe(true)
    expect(JSON.stringify(Object.keys(api))).not.toMatch(/ipc|send|invoke\b/i)
  })

  it('invokes on the channel of the contract entry', async () => {
    const api = exposed.get('bangui') as { listBans: (r: unknown) => Promise<unknown> }
    await expect(api.listBans({ jail: 'sshd' })).resolves.toEqual({
      ok: true,
      value: { channel: channelOf('listBans'), req: { jail: 'sshd' } }
    })
  })

  it('passes event payloads to listeners without the IPC event object, and unsubscribes', () => {
    const api = exposed.get('bangui') as {
      onJailsChanged: (l: (...a: unknown[]) => void) => () => void
    }
    const got: unknown[][] = []
    const off = api.onJailsChanged((...args) => got.push(args))
    rendererListeners.get(channelOf('jailsChanged'))!({ sender: 'SECRET-EVENT' }, [
      { name: 'sshd' }
    ])
    expect(got).toEqual([[[{ name: 'sshd' }]]])
    off()
    expect(rendererListeners.has(channelOf('jailsChanged'))).toBe(false)
  })
})

describe('IPC binding', () => {
  it('registers every channel and refuses untrusted senders without dispatching', async () => {
    const { registerIpc } = await import('../src/main/ipc/bind.ipc.ts')
    const appUrl = 'app://bangui/index.html'
    const mainFrame = { url: appUrl, parent: null }
    const webContents = { mainFrame }
    const win = { webContents }
    const dispatch = vi.fn(async () => ({ ok: true as const, value: 'dispatched' }))
    const warn = vi.fn()
    const refused: string[] = []
    const unregister = registerIpc(
      dispatch,
      () => win as never,
      () => appUrl,
      { debug() {}, info() {}, warn, error() {} },
      (channel, reason) => refused.push(`${channel}: ${reason}`)
    )
    expect([...handlers.keys()].sort()).toEqual(invokeNames.map(channelOf).sort())

    const handler = handlers.get(channelOf('unbanAll'))!
    const trusted = await handler(
      { sender: webContents, senderFrame: mainFrame },
      { jail: null, confirm: 'all jails' }
    )
    expect(trusted).toEqual({ ok: true, value: 'dispatched' })
    expect(dispatch).toHaveBeenCalledTimes(1)

    const iframe = { url: appUrl, parent: mainFrame }
    const otherContents = { mainFrame: { url: 'https://evil.example/', parent: null } }
    for (const event of [
      { sender: webContents, senderFrame: iframe },
      { sender: otherContents, senderFrame: otherContents.mainFrame },
      { sender: webContents, senderFrame: { url: 'https://evil.example/', parent: null } },
      { sender: webContents, senderFrame: null }
    ]) {
      await expect(handler(event, { jail: null, confirm: 'all jails' })).resolves.toMatchObject({
        ok: false,
        error: { code: 'forbidden' }
      })
    }
    expect(dispatch).toHaveBeenCalledTimes(1)
    expect(warn).toHaveBeenCalledTimes(4)
    expect(refused).toHaveLength(4) // recorded for the audit log, with the reason
    expect(refused[2]).toBe('unbanAll: untrusted sender https://evil.example/')
    unregister()
    expect(handlers.size).toBe(0)
  })
})
