/**
 * The stores of the new screens against a fake window.bangui: settings saved field by field
 * with main's refusal shown at its field, the audit filter, the ignore list, online state.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest'
import type { AuditEntry, JailSettings } from '../../src/shared/model.ts'
import { DEFAULT_SETTINGS, type SettingsState } from '../../src/shared/settings.ts'
import {
  EMPTY_FILTER,
  filterAudit,
  initialAuditState,
  useAuditStore
} from '../../src/renderer/src/features/audit/store.ts'
import { initialJailsState, useJailsStore } from '../../src/renderer/src/features/jails/store.ts'
import {
  initialSettingsState,
  useSettingsStore
} from '../../src/renderer/src/features/settings/store.ts'
import { setOnline, staleAge, useOnline } from '../../src/renderer/src/lib/online.ts'
import { createFakeBangui, failure, type FakeBangui } from './fake-bangui.ts'

let fake: FakeBangui
const state = (over: Partial<SettingsState['settings']> = {}): SettingsState => ({
  settings: { ...DEFAULT_SETTINGS, ...over },
  warnings: [],
  file: null,
  restartRequired: [],
  effectiveSocketPath: DEFAULT_SETTINGS.socketPath
})

beforeEach(() => {
  fake = createFakeBangui()
  vi.stubGlobal('window', { bangui: fake.api })
  useSettingsStore.setState(initialSettingsState)
  useAuditStore.setState(initialAuditState)
  useJailsStore.setState(initialJailsState)
  useOnline.setState({ online: false, downSince: null })
})

describe('settings', () => {
  it('loads on show, saves one field, and shows main’s refusal at that field only', async () => {
    fake.answers.getSettings = state()
    useSettingsStore.getState().show()
    await vi.waitFor(() => expect(useSettingsStore.getState().status).toBe('ready'))
    fake.answers.updateSettings = state({ pollIntervalMs: 2000 })
    await expect(
      useSettingsStore.getState().save('pollIntervalMs', { pollIntervalMs: 2000 })
    ).resolves.toBe(true)
    expect(useSettingsStore.getState()).toMatchObject({
      saved: 'pollIntervalMs',
      state: { settings: { pollIntervalMs: 2000 } }
    })
    fake.answers.updateSettings = failure(
      'invalid-argument',
      'socketPath: /tmp/x.sock is writable by others; BanGUI only trusts a socket owned by root'
    )
    await expect(
      useSettingsStore.getState().save('socketPath', { socketPath: '/tmp/x.sock' })
    ).resolves.toBe(false)
    expect(useSettingsStore.getState().errors).toEqual({
      socketPath:
        'socketPath: /tmp/x.sock is writable by others; BanGUI only trusts a socket owned by root'
    })
    expect(useSettingsStore.getState().state?.settings.pollIntervalMs).toBe(2000)
    expect(fake.calls.at(-1)).toEqual({
      name: 'updateSettings',
      request: { socketPath: '/tmp/x.sock' }
    })
  })

  it('a settingsChanged event replaces the state', () => {
    useSettingsStore.getState().apply(state({ closeToTray: false }))
    expect(useSettingsStore.getState().state?.settings.closeToTray).toBe(false)
  })
})

describe('audit filter', () => {
  const entry = (over: Partial<AuditEntry>): AuditEntry => ({
    time: '2026-11-26T00:00:00.000Z',
    action: 'ban',
    target: 'sshd',
    params: { ips: { count: 1, first: ['192.0.2.1'] } },
    result: { ok: true },
    durationMs: 3,
    ...over
  })
  const log = [
    entry({}),
    entry({ action: 'unban', target: null, params: { ips: { count: 1, first: ['192.0.2.9'] } } }),
    entry({
      action: 'setJailValue',
      target: 'webapp',
      params: { key: 'bantime', value: 60 },
      result: { ok: false, code: 'unknown-jail', message: 'no jail' }
    })
  ]

  it('filters by action, jail (or every jail), outcome and free text', () => {
    expect(filterAudit(log, EMPTY_FILTER)).toHaveLength(3)
    expect(filterAudit(log, { ...EMPTY_FILTER, action: 'unban' })).toEqual([log[1]])
    expect(filterAudit(log, { ...EMPTY_FILTER, jail: 'webapp' })).toEqual([log[2]])
    expect(filterAudit(log, { ...EMPTY_FILTER, jail: '*' })).toEqual([log[1]])
    expect(filterAudit(log, { ...EMPTY_FILTER, outcome: 'failed' })).toEqual([log[2]])
    expect(filterAudit(log, { ...EMPTY_FILTER, outcome: 'ok' })).toHaveLength(2)
    expect(filterAudit(log, { ...EMPTY_FILTER, text: '192.0.2.9' })).toEqual([log[1]])
    expect(filterAudit(log, { ...EMPTY_FILTER, text: 'BANTIME' })).toEqual([log[2]])
  })

  it('live entries go on top only once the viewer has loaded', async () => {
    useAuditStore.getState().append(log[0]!)
    expect(useAuditStore.getState().entries).toEqual([])
    fake.answers.listAudit = [log[1]]
    await useAuditStore.getState().load()
    useAuditStore.getState().append(log[0]!)
    expect(useAuditStore.getState().entries).toEqual([log[0], log[1]])
    expect(fake.calls[0]).toEqual({ name: 'listAudit', request: { limit: 5000 } })
  })
})

describe('ignore list', () => {
  it('keeps the list fail2ban returns (its stored form), and shows a refusal', async () => {
    const s = { name: 'sshd', ignoreip: ['127.0.0.1/8'] } as unknown as JailSettings
    useJailsStore.setState({ settings: { sshd: s } })
    fake.answers.changeIgnoreIp = ['127.0.0.1/8', '10.0.0.0/8']
    await expect(
      useJailsStore.getState().changeIgnoreIp('sshd', 'add', '10.1.2.3/8')
    ).resolves.toEqual(['127.0.0.1/8', '10.0.0.0/8'])
    expect(useJailsStore.getState().settings.sshd?.ignoreip).toEqual(['127.0.0.1/8', '10.0.0.0/8'])
    fake.answers.changeIgnoreIp = failure('invalid-argument', 'entry: too broad')
    await expect(
      useJailsStore.getState().changeIgnoreIp('sshd', 'add', '10.0.0.0/1')
    ).resolves.toBe(null)
    expect(useJailsStore.getState()).toMatchObject({
      ignoreBusy: null,
      ignoreError: 'entry: too broad'
    })
  })
})

describe('online', () => {
  it('keeps the time the connection went down, and says the age in words', () => {
    setOnline(false, 1000)
    setOnline(false, 5000)
    expect(useOnline.getState()).toEqual({ online: false, downSince: 1000 })
    expect(staleAge(1000, 43_000)).toBe('42 s')
    expect(staleAge(1000, 1000 + 150_000)).toBe('2 min')
    setOnline(true, 9000)
    expect(useOnline.getState()).toEqual({ online: true, downSince: null })
  })
})
