/**
 * Renderer stores against a fake window.bangui (the real bridge needs a browser: the e2e
 * covers that). Checks the stores' state transitions and what they send.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest'
import type { Ban } from '../../src/shared/model.ts'

const calls: { name: string; req: unknown }[] = []
const responses: Record<string, unknown> = {}
const fake = new Proxy(
  {},
  {
    get: (_t, name: string) =>
      name.startsWith('on')
        ? () => () => undefined
        : async (req: unknown) => {
            calls.push({ name, req })
            const r = responses[name]
            return r instanceof Error
              ? { ok: false, error: { code: 'command-failed', message: r.message } }
              : { ok: true, value: r }
          }
  }
)
;(globalThis as unknown as { bangui: unknown }).bangui = fake
vi.stubGlobal('crypto', { randomUUID: () => 'op-uuid-1' })

const { useBans, useBanDialog } = await import('../../src/renderer/src/features/bans/store.ts')
const { useJails } = await import('../../src/renderer/src/features/jails/store.ts')

const ban = (ip: string): Ban => ({
  ip,
  jail: 'sshd',
  bannedAt: 1,
  bantime: 600,
  expiresAt: 2,
  permanent: false
})

beforeEach(() => {
  calls.length = 0
})

describe('bans store', () => {
  it('loads a jail: watches it, lists its bans, resets selection on switch', async () => {
    responses.watchJail = null
    responses.listBans = [ban('192.0.2.1'), ban('192.0.2.2')]
    await useBans.getState().load('sshd')
    expect(calls.map((c) => c.name)).toEqual(['watchJail', 'listBans'])
    expect(useBans.getState()).toMatchObject({ jail: 'sshd', status: 'ready' })
    expect(useBans.getState().bans).toHaveLength(2)
  })

  it('selection: click, ctrl-click, shift-click range, arrows, select all', () => {
    const view = useBans.getState().bans.concat([ban('192.0.2.3'), ban('192.0.2.4')])
    const s = useBans.getState()
    s.click(view, 0, { shift: false, ctrl: false })
    expect([...useBans.getState().selected]).toEqual(['192.0.2.1'])
    useBans.getState().click(view, 2, { shift: true, ctrl: false })
    expect([...useBans.getState().selected]).toEqual(['192.0.2.1', '192.0.2.2', '192.0.2.3'])
    useBans.getState().click(view, 1, { shift: false, ctrl: true })
    expect([...useBans.getState().selected].sort()).toEqual(['192.0.2.1', '192.0.2.3'])
    useBans.getState().moveCursor(view, 1, false)
    expect([...useBans.getState().selected]).toEqual(['192.0.2.3'])
    useBans.getState().moveCursor(view, 5, true)
    expect([...useBans.getState().selected]).toEqual(['192.0.2.3', '192.0.2.4'])
    useBans.getState().selectAll(view)
    expect(useBans.getState().selected.size).toBe(4)
  })

  it('applies monitor diffs only for its own jail, dropping removed IPs from the selection', () => {
    useBans.getState().selectAll(useBans.getState().bans)
    useBans.getState().applyDiff('webapp', [ban('203.0.113.1')], [])
    expect(useBans.getState().bans).toHaveLength(2)
    useBans.getState().applyDiff('sshd', [ban('203.0.113.1')], ['192.0.2.1'])
    expect(
      useBans
        .getState()
        .bans.map((b) => b.ip)
        .sort()
    ).toEqual(['192.0.2.2', '203.0.113.1'])
    expect([...useBans.getState().selected]).toEqual(['192.0.2.2'])
  })

  it('an error from main becomes the store’s error state', async () => {
    responses.listBans = new Error('fail2ban has no jail named "gone"')
    await useBans.getState().load('gone')
    expect(useBans.getState()).toMatchObject({
      status: 'error',
      error: 'fail2ban has no jail named "gone"'
    })
  })
})

describe('ban dialog store', () => {
  it('validates as you type and sends only the valid, normalised, de-duplicated list', async () => {
    const d = useBanDialog.getState()
    d.show('sshd')
    d.setText('192.0.2.9, 2001:DB8::9\n192.0.2.9')
    expect(useBanDialog.getState().check).toMatchObject({
      valid: ['192.0.2.9', '2001:db8::9'],
      duplicates: 1,
      invalid: []
    })
    responses.banIps = { newlyBanned: 2, submitted: 2, cancelled: false }
    responses.listBans = []
    await useBanDialog.getState().submit()
    expect(calls.find((c) => c.name === 'banIps')?.req).toEqual({
      jail: 'sshd',
      ips: ['192.0.2.9', '2001:db8::9'],
      operationId: 'op-uuid-1'
    })
    expect(useBanDialog.getState()).toMatchObject({ status: 'done', result: { newlyBanned: 2 } })
  })

  it('refuses to submit while anything is invalid', async () => {
    useBanDialog.getState().show('sshd')
    useBanDialog.getState().setText('192.0.2.9 nope')
    await useBanDialog.getState().submit()
    expect(calls).toEqual([])
    expect(useBanDialog.getState().check.invalid[0]?.reason).toMatch(/not a valid IPv4/)
  })
})

describe('jails store', () => {
  it('keeps the selection when it still exists, else picks the first jail', () => {
    useJails.getState().apply([
      {
        name: 'a',
        running: true,
        currentlyFailed: 0,
        totalFailed: 0,
        currentlyBanned: 1,
        totalBanned: 1
      },
      {
        name: 'b',
        running: true,
        currentlyFailed: 0,
        totalFailed: 0,
        currentlyBanned: 2,
        totalBanned: 2
      }
    ])
    expect(useJails.getState().selected).toBe('a')
    useJails.getState().select('b')
    useJails.getState().apply([
      {
        name: 'b',
        running: false,
        currentlyFailed: 0,
        totalFailed: 0,
        currentlyBanned: 0,
        totalBanned: 2
      }
    ])
    expect(useJails.getState().selected).toBe('b')
    useJails.getState().apply([
      {
        name: 'c',
        running: true,
        currentlyFailed: 0,
        totalFailed: 0,
        currentlyBanned: 0,
        totalBanned: 0
      }
    ])
    expect(useJails.getState().selected).toBe('c')
  })
})
