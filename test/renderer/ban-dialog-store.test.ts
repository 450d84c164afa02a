/** The ban dialog store: validate as you type, operationId, progress, cancel, summary. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { Ban } from '../../src/shared/model.ts'
import {
  initialBanDialogState,
  SYNC_CHECK_CHARS,
  useBanDialogStore
} from '../../src/renderer/src/features/ban-dialog/store.ts'
import {
  outcomeText,
  progressPercent,
  progressText,
  selectBlockedReason,
  selectCanSubmit
} from '../../src/renderer/src/features/ban-dialog/selectors.ts'
import { initialBansState, useBansStore } from '../../src/renderer/src/features/bans/store.ts'
import { createFakeBangui, deferred, failure, type FakeBangui } from './fake-bangui.ts'

const state = () => useBanDialogStore.getState()
const OP = '6f1c1e9e-0000-4000-8000-000000000001'
let fake: FakeBangui

beforeEach(() => {
  fake = createFakeBangui()
  vi.stubGlobal('window', { bangui: fake.api })
  vi.stubGlobal('crypto', { randomUUID: () => OP })
  useBanDialogStore.setState(initialBanDialogState)
  useBansStore.setState(initialBansState)
})
afterEach(() => {
  vi.useRealTimers()
})

describe('checking as you type', () => {
  it('summarises valid, duplicate and invalid entries with reasons', () => {
    state().show('sshd')
    state().setText('192.0.2.9, 2001:DB8::9\n192.0.2.9 nope')
    expect(state().summary).toMatchObject({
      valid: ['192.0.2.9', '2001:db8::9'],
      duplicates: 1,
      invalid: [{ input: 'nope', reason: expect.stringMatching(/not a valid IPv4/) }]
    })
    expect(selectCanSubmit(state())).toBe(false)
    expect(selectBlockedReason(state())).toBe('Fix or remove the invalid entry first.')
  })

  it('opens with text already checked', () => {
    state().show('sshd', '203.0.113.1')
    expect(state().summary.valid).toEqual(['203.0.113.1'])
    expect(selectCanSubmit(state())).toBe(true)
  })

  it('without a running jail nothing can be sent, and the dialog says why', () => {
    state().show(null, '203.0.113.1')
    expect(selectCanSubmit(state())).toBe(false)
    expect(selectBlockedReason(state())).toMatch(/No jail is running/)
  })

  it('a large paste is checked after a pause, not on every keystroke', () => {
    vi.useFakeTimers()
    state().show('sshd')
    const big = Array.from({ length: 2000 }, (_, i) => `198.51.${i >> 8}.${i & 255}`).join('\n')
    expect(big.length).toBeGreaterThan(SYNC_CHECK_CHARS)
    state().setText(big)
    expect(state().checking).toBe(true)
    expect(selectCanSubmit(state())).toBe(false)
    vi.runAllTimers()
    expect(state()).toMatchObject({ checking: false })
    expect(state().summary.valid).toHaveLength(2000)
  })

  it('submitting during the pause checks first (never sends a stale list)', async () => {
    vi.useFakeTimers()
    fake.answers.banIps = { newlyBanned: 1, submitted: 1, cancelled: false }
    state().show('sshd')
    state().setText(`${'192.0.2.1\n'.repeat(3000)}not-an-ip`)
    await state().submit()
    expect(fake.names()).not.toContain('banIps')
    expect(state().summary.invalid).toHaveLength(1)
  })
})

describe('banning', () => {
  it('sends the normalised, de-duplicated list with a fresh operationId', async () => {
    fake.answers.banIps = { newlyBanned: 2, submitted: 2, cancelled: false }
    state().show('sshd')
    state().setText('192.0.2.9, 2001:DB8::9\n192.0.2.9')
    await state().submit()
    expect(fake.calls.find((c) => c.name === 'banIps')?.request).toEqual({
      jail: 'sshd',
      ips: ['192.0.2.9', '2001:db8::9'],
      operationId: OP
    })
    expect(state()).toMatchObject({ status: 'done', outcome: { newlyBanned: 2, total: 2 } })
    expect(outcomeText(state().outcome!)).toBe('2 newly banned, 0 already banned.')
  })

  it('refuses to send anything while an entry is invalid', async () => {
    state().show('sshd')
    state().setText('192.0.2.9 nope')
    await state().submit()
    expect(fake.calls).toEqual([])
    expect(state().status).toBe('editing')
  })

  it('shows progress of its own operation only, never going backwards', async () => {
    const answer = deferred<unknown>()
    fake.answers.banIps = () => answer.promise
    state().show('sshd', '192.0.2.1 192.0.2.2 192.0.2.3 192.0.2.4')
    const running = state().submit()
    expect(state().status).toBe('running')
    expect(state().progress).toMatchObject({ done: 0, total: 4 })
    state().applyProgress({
      operationId: 'someone-else',
      jail: 'sshd',
      done: 3,
      total: 9,
      newlyBanned: 3
    })
    expect(state().progress?.done).toBe(0)
    state().applyProgress({ operationId: OP, jail: 'sshd', done: 2, total: 4, newlyBanned: 1 })
    state().applyProgress({ operationId: OP, jail: 'sshd', done: 1, total: 4, newlyBanned: 1 })
    expect(state().progress).toMatchObject({ done: 2, newlyBanned: 1 })
    expect(progressPercent(2, 4)).toBe(50)
    expect(progressText(state())).toBe('2 of 4 IPs sent (50 %) · 1 newly banned')
    state().close()
    expect(state().open).toBe(true) // cannot close while running
    answer.resolve({ newlyBanned: 3, submitted: 4, cancelled: false })
    await running
    expect(outcomeText(state().outcome!)).toBe('3 newly banned, 1 already banned.')
  })

  it('cancel asks main to stop after the current chunk; the summary says what was not sent', async () => {
    const answer = deferred<unknown>()
    fake.answers.banIps = () => answer.promise
    fake.answers.cancelBan = true
    state().show('sshd', '192.0.2.1 192.0.2.2 192.0.2.3 192.0.2.4 192.0.2.5')
    const running = state().submit()
    await state().cancel()
    expect(fake.calls.find((c) => c.name === 'cancelBan')?.request).toEqual({ operationId: OP })
    expect(state().cancelling).toBe(true)
    expect(progressText(state())).toMatch(/cancelling after this chunk/)
    answer.resolve({ newlyBanned: 2, submitted: 2, cancelled: true })
    await running
    expect(outcomeText(state().outcome!)).toBe(
      'Cancelled: 2 newly banned, 0 already banned, 3 not sent.'
    )
  })

  it('a "cancelled" error is a cancelled outcome built from the last progress', async () => {
    const answer = deferred<unknown>()
    fake.answers.banIps = () => answer.promise
    state().show('sshd', '192.0.2.1 192.0.2.2 192.0.2.3')
    const running = state().submit()
    state().applyProgress({ operationId: OP, jail: 'sshd', done: 1, total: 3, newlyBanned: 1 })
    answer.resolve(failure('cancelled', 'cancelled by the user'))
    await running
    expect(state()).toMatchObject({
      status: 'done',
      outcome: { cancelled: true, newlyBanned: 1, submitted: 1, total: 3 }
    })
  })

  it('any other error is shown as is and the text is kept for another try', async () => {
    fake.answers.banIps = failure('unknown-jail', 'fail2ban has no jail named "sshd"')
    state().show('sshd', '192.0.2.1')
    await state().submit()
    expect(state()).toMatchObject({ status: 'error', error: 'fail2ban has no jail named "sshd"' })
    state().edit()
    expect(state()).toMatchObject({ status: 'editing', text: '192.0.2.1', error: null })
  })

  it('does not re-pull the table after a ban: main pushed the fresh list before answering', async () => {
    fake.answers.listBans = [] as Ban[]
    await useBansStore.getState().show('sshd')
    fake.calls.length = 0
    fake.answers.banIps = { newlyBanned: 1, submitted: 1, cancelled: false }
    state().show('sshd', '192.0.2.1')
    await state().submit()
    expect(fake.names()).toEqual(['banIps'])
  })
})
