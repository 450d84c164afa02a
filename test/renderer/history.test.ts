/** The History view's store (against a fake window.bangui) and its CSV/JSON export. */
import { beforeEach, describe, expect, it, vi } from 'vitest'
import {
  historyFileName,
  historyToCsv,
  historyToJson
} from '../../src/renderer/src/features/history/export.ts'
import { selectIsZoomed } from '../../src/renderer/src/features/history/selectors.ts'
import {
  initialHistoryState,
  PRESET_SECONDS,
  useHistoryStore
} from '../../src/renderer/src/features/history/store.ts'
import type { HistoryEvent, Timeline } from '../../src/shared/history.ts'
import { createFakeBangui, deferred, failure, type FakeBangui } from './fake-bangui.ts'

const ev: HistoryEvent = {
  server: 'local',
  jail: 'sshd',
  ip: '192.0.2.1',
  time: 1_764_000_000,
  bantime: 600,
  bancount: 2,
  kind: 'ban',
  source: 'imported',
  failures: 3,
  matches: ['=cmd|x', 'line "two", with comma']
}

describe('history export', () => {
  it('writes RFC 4180 CSV with ISO times, matched lines in one quoted field, formulas defused', () => {
    const csv = historyToCsv([
      ev,
      { ...ev, kind: 'unban', bantime: null, bancount: null, failures: null, matches: [] }
    ])
    const lines = csv.split('\r\n')
    expect(lines[0]).toBe(
      'time,server,jail,ip,kind,source,bantime_seconds,bancount,failures,matches'
    )
    expect(lines[1]).toBe(
      `2025-11-24T16:00:00.000Z,local,sshd,192.0.2.1,ban,imported,600,2,3,"'=cmd|x\nline ""two"", with comma"`
    )
    expect(
      csv.endsWith('2025-11-24T16:00:00.000Z,local,sshd,192.0.2.1,unban,imported,,,,\r\n')
    ).toBe(true)
  })

  it('writes JSON with every field and ISO times', () => {
    expect(JSON.parse(historyToJson([ev]))).toEqual([{ ...ev, time: '2025-11-24T16:00:00.000Z' }])
  })

  it('names the file after the window', () => {
    expect(historyFileName(1_764_000_000, 1_764_086_400, 'csv')).toMatch(
      /^bangui-history-\d{8}-\d{4}-to-\d{8}-\d{4}\.csv$/
    )
  })
})

describe('history store', () => {
  let fake: FakeBangui
  const tl = (since: number, until: number): Timeline => ({
    since,
    until,
    bucketS: 60,
    starts: [since],
    series: []
  })
  beforeEach(() => {
    fake = createFakeBangui()
    vi.stubGlobal('window', { bangui: fake.api })
    useHistoryStore.setState(initialHistoryState(1_000_000))
    fake.answers.historyTimeline = (r: unknown) => {
      const { since, until } = r as { since: number; until: number }
      return tl(since, until)
    }
    fake.answers.historySummary = {
      servers: [],
      byJail: { since: 0, until: 1, rows: [], total: 0, diagnostic: null },
      top: [],
      repeat: [],
      countries: [],
      warnings: []
    }
  })

  it('asks for the preset window and its timeline', async () => {
    await useHistoryStore.getState().setPreset('7d', 2_000_000)
    const s = useHistoryStore.getState()
    expect(s.status).toBe('ready')
    const want = { server: null, since: 2_000_000 - PRESET_SECONDS['7d'], until: 2_000_060 }
    expect(fake.calls).toEqual([
      { name: 'historyTimeline', request: want },
      { name: 'historySummary', request: { ...want, limit: 20, minRepeat: 3 } }
    ])
  })

  it('zooms and pans the timeline only, and resets to the view window', async () => {
    await useHistoryStore.getState().setPreset('24h', 2_000_000)
    fake.calls.length = 0
    await useHistoryStore.getState().zoomTo(1_990_000.7, 1_950_000.2)
    expect(fake.calls).toEqual([
      { name: 'historyTimeline', request: { server: null, since: 1_950_000, until: 1_990_001 } }
    ])
    expect(selectIsZoomed(useHistoryStore.getState())).toBe(true)
    await useHistoryStore.getState().pan(-0.5)
    expect(useHistoryStore.getState().zoom).toEqual({ since: 1_930_000, until: 1_970_001 })
    await useHistoryStore.getState().zoomTo(10, 20) // under a minute: nothing to ask
    expect(fake.calls).toHaveLength(2)
    await useHistoryStore.getState().resetZoom()
    expect(selectIsZoomed(useHistoryStore.getState())).toBe(false)
  })

  it('keeps the newest answer when an older one arrives late', async () => {
    const slow = deferred<Timeline>()
    fake.answers.historyTimeline = () => slow.promise
    const first = useHistoryStore.getState().zoomTo(0, 1000)
    fake.answers.historyTimeline = () => tl(5000, 9000)
    await useHistoryStore.getState().zoomTo(5000, 9000)
    slow.resolve(tl(0, 1000))
    await first
    expect(useHistoryStore.getState().timeline?.since).toBe(5000)
  })

  it('refuses a custom range that ends before it starts, without asking main', async () => {
    await useHistoryStore.getState().setCustom(500, 400)
    expect(useHistoryStore.getState().error).toBe('The range must start before it ends.')
    expect(fake.calls).toEqual([])
  })

  it('shows main’s error for the summary and for the IP panel', async () => {
    fake.answers.historySummary = failure('internal', 'disk full')
    await useHistoryStore.getState().load()
    expect(useHistoryStore.getState()).toMatchObject({ status: 'error', error: 'disk full' })
    fake.answers.historyIp = failure('invalid-argument', 'bad ip')
    await useHistoryStore.getState().openIp('x')
    expect(useHistoryStore.getState().ip).toMatchObject({ status: 'error', error: 'bad ip' })
  })
})
