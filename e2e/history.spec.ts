/**
 * The History view in the real renderer over the real services: a month of recorded bans plus
 * a real log-triggered ban imported from fail2ban's database; range presets with the
 * diagnostic, the uPlot timeline with zoom and pan, offenders with countries, the per-IP panel
 * with matched log lines, and the export. Screenshots go to e2e/artifacts/history-*.png.
 */
import { readFile } from 'node:fs/promises'
import type { NewEvent } from '../src/main/history/store.ts'
import { ARTIFACTS, expect, test } from './support/fixtures.ts'

test.describe.configure({ mode: 'serial' })

const DAY = 86_400

/** A month of bans (some IPs come back often) in the backend's history store. */
function seed(now: number): NewEvent[] {
  const out: NewEvent[] = []
  const ips = [
    '8.8.8.8',
    '5.9.0.1',
    '77.88.8.8',
    '114.114.114.114',
    '200.160.0.8',
    '8.8.4.4',
    '185.220.101.1',
    '203.0.113.5'
  ]
  const jails = ['sshd', 'webapp', 'bulk']
  for (let i = 0; i < 900; i++) {
    const t = now - 29 * DAY + Math.floor((i * 29 * DAY) / 900) + (i % 7) * 13
    out.push({
      server: 'local',
      jail: jails[i % 3 === 0 ? 1 : i % 5 === 0 ? 2 : 0]!,
      // a few public IPs come back often (weighted towards the first ones)
      ip: i % 4 === 0 ? ips[Math.floor(((i / 4) % 36) ** 2 / 170)]! : `198.51.100.${i % 200}`,
      time: t,
      kind: 'ban',
      source: 'imported',
      bantime: 600,
      bancount: 1 + (i % 3),
      failures: 3,
      matches: [`2026-11-01 00:00:00 FAIL login user=bob from seed-${i}`]
    })
  }
  return out
}

test('shows the history: ranges, diagnostic, timeline zoom and pan, offenders, IP panel, export', async ({
  app
}) => {
  const { page, backend } = app
  const history = backend.services.history
  const now = Math.floor(Date.now() / 1000)
  history.store.insert(seed(now))
  // a real ban through fail2ban's log, imported from its database with its matched lines
  await backend.server.appendFailures('webapp', '192.0.2.77', 3)
  await expect
    .poll(async () => (await history.importNow())?.read ?? 0, { timeout: 15_000 })
    .toBeGreaterThan(0)

  await page.getByTestId('history-button').click()
  await expect(page.getByTestId('history-view')).toBeVisible()
  // default: the last 24 h, with the real ban
  await expect(page.getByTestId('history-jail-webapp')).toBeVisible()

  // 30 days: older than fail2ban's dbpurgeage, so the view says where those bans come from
  await page.getByTestId('history-range-30d').click()
  await expect(page.getByTestId('history-diagnostic')).toHaveText(
    /fail2ban's database only keeps 1 day \(dbpurgeage\): older bans come from BanGUI's own history/
  )
  await expect(page.getByTestId('history-jail-sshd')).toBeVisible()
  const chart = page.getByTestId('history-timeline-chart')
  await expect(chart.locator('canvas')).toBeVisible()
  await expect(page.getByTestId('history-timeline')).toContainText('per 3 h')
  await expect(page.getByTestId('history-top')).toContainText('United States')
  await expect(page.getByTestId('history-repeat')).toContainText('8.8.8.8')
  await expect(page.getByTestId('history-countries')).toContainText('US United States')
  await page.screenshot({ path: `${ARTIFACTS}/history-timeline.png` })

  // drag across the chart: main answers with finer buckets for the chosen range
  const over = chart.locator('.u-over')
  const box = (await over.boundingBox())!
  await page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2)
  await page.mouse.down()
  await page.mouse.move(box.x + box.width * 0.7, box.y + box.height / 2, { steps: 5 })
  await page.mouse.up()
  await expect(page.getByTestId('history-timeline')).toContainText(/per (5|15) min|per 1 h/)
  await expect(page.getByTestId('history-zoom-reset')).toBeEnabled()
  const zoomed = await page.getByTestId('history-timeline').locator('h3').innerText()
  await page.getByTestId('history-pan-back').click()
  await expect(page.getByTestId('history-timeline').locator('h3')).not.toHaveText(zoomed)
  await page.getByTestId('history-zoom-reset').click()
  await expect(page.getByTestId('history-timeline')).toContainText('per 3 h')
  await page.getByTestId('history-top').scrollIntoViewIfNeeded()
  await page.screenshot({ path: `${ARTIFACTS}/history-offenders.png` })

  // the per-IP panel from the offenders table, and for the real ban its matched log lines
  await page.getByTestId('history-top-ip-8.8.8.8').click()
  const panel = page.getByTestId('history-ip-panel')
  await expect(panel).toContainText('US United States')
  await expect(panel.getByTestId('history-ip-event').first()).toContainText('Banned in')
  await page.getByTestId('history-ip-input').fill('192.0.2.77')
  await page.getByTestId('history-ip-input').press('Enter')
  await expect(panel).toContainText('192.0.2.77')
  await expect(panel.getByTestId('history-ip-matches')).toContainText(
    'FAIL login user=bob from 192.0.2.77'
  )
  await expect(panel).toContainText('failures')
  await page.screenshot({ path: `${ARTIFACTS}/history-ip-panel.png` })

  // a bad IP is refused in the view, nothing is sent
  const before = app.calls.filter((c) => c.name === 'historyIp').length
  await page.getByTestId('history-ip-input').fill('not-an-ip')
  await page.getByTestId('history-ip-input').press('Enter')
  await expect(page.getByRole('alert').first()).toBeVisible()
  expect(app.calls.filter((c) => c.name === 'historyIp').length).toBe(before)

  // export of the window
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('history-export-csv').click()
  ])
  const csv = await readFile((await download.path())!, 'utf8')
  const lines = csv.trimEnd().split('\r\n')
  expect(lines[0]).toBe('time,server,jail,ip,kind,source,bantime_seconds,bancount,failures,matches')
  expect(lines.length).toBeGreaterThan(900)
  expect(csv).toContain('192.0.2.77')

  // an empty window although rows exist: the diagnostic names the newest event
  await page.getByTestId('history-range-custom').click()
  await page.getByTestId('history-custom-from').fill('2020-01-01T00:00')
  await page.getByTestId('history-custom-to').fill('2020-01-02T00:00')
  await page.getByTestId('history-custom-apply').click()
  await expect(page.getByTestId('history-diagnostic')).toContainText(
    'no event in this window; the nearest is after it; newest is'
  )
  await expect(page.getByTestId('history-credit')).toHaveText(
    'IP geolocation by DB-IP, CC BY 4.0 (db-ip.com)'
  )

  await page.getByTestId('history-button').click()
  await expect(page.getByTestId('history-view')).toHaveCount(0)
  await expect(page.getByTestId('jail-item-sshd')).toBeVisible()
})
