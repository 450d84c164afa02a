/**
 * The real renderer in Chromium, wired to the real main services over a real fail2ban-server.
 * Screenshots of the main views go to e2e/artifacts/.
 */
import { readFile } from 'node:fs/promises'
import { ARTIFACTS, expect, test } from './support/fixtures.ts'

test.describe.configure({ mode: 'serial' })

test('lists the jails with live counts and shows a jail’s settings', async ({ app }) => {
  const { page } = app
  for (const jail of ['bulk', 'bulk1', 'sshd', 'webapp']) {
    await expect(page.getByTestId(`jail-item-${jail}`)).toBeVisible()
  }
  await page.getByTestId('jail-item-sshd').click()
  await expect(page.getByTestId('settings-panel')).toContainText('10 min')
  await expect(page.getByTestId('settings-panel')).toContainText('dummy')
  await expect(page.getByTestId('bans-empty')).toBeVisible()
  await page.screenshot({ path: `${ARTIFACTS}/jails-empty.png` })
})

test('a log-triggered ban appears without reloading', async ({ app }) => {
  const { page, backend } = app
  await page.getByTestId('jail-item-webapp').click()
  await expect(page.getByTestId('bans-empty')).toBeVisible()
  await backend.server.appendFailures('webapp', '198.51.100.42', 2)
  await expect(page.getByTestId('ban-row').filter({ hasText: '198.51.100.42' })).toBeVisible({
    timeout: 15_000
  })
  await expect(page.getByTestId('jail-count-webapp')).toHaveText('1')
  await backend.services.commands.unbanIps('webapp', ['198.51.100.42'])
  await expect(page.getByTestId('ban-row')).toHaveCount(0, { timeout: 15_000 })
})

test('bans IPv4 and IPv6 through the dialog, with progress and a summary', async ({ app }) => {
  const { page, backend } = app
  await page.getByTestId('jail-item-sshd').click()
  await page.keyboard.press('Control+b')
  const dialog = page.getByTestId('ban-dialog')
  await expect(dialog).toBeVisible()
  await page.getByTestId('ban-input').fill('203.0.113.10\n2001:DB8::10, 203.0.113.10')
  await expect(page.getByTestId('ban-check')).toContainText('2 valid')
  await expect(page.getByTestId('ban-check')).toContainText('1 duplicate')
  await page.getByTestId('ban-submit').click()
  await expect(page.getByTestId('ban-summary')).toContainText('2 newly banned')
  await page.screenshot({ path: `${ARTIFACTS}/ban-dialog.png` })
  await dialog.getByRole('button', { name: 'Close' }).click()
  await expect(page.getByTestId('ban-row')).toHaveCount(2)
  await expect(page.getByTestId('ban-table')).toContainText('2001:db8::10')
  expect((await backend.services.commands.bannedIps('sshd')).sort()).toEqual([
    '2001:db8::10',
    '203.0.113.10'
  ])
  const actions = await readFile(backend.server.actionsFile('sshd'), 'utf8')
  expect(actions).toContain('+203.0.113.10')
})

test('an invalid IP is refused with its reason and nothing is sent', async ({ app }) => {
  const { page, backend, calls } = app
  await page.getByTestId('jail-item-webapp').click()
  await page.getByTestId('open-ban-dialog').click()
  await page.getByTestId('ban-input').fill('192.0.2.1\nnot-an-ip\n10.0.0.0/4')
  await expect(page.getByTestId('ban-invalid')).toContainText(
    '"not-an-ip" is not a valid IPv4 address'
  )
  await expect(page.getByTestId('ban-invalid')).toContainText('too broad')
  await expect(page.getByTestId('ban-submit')).toBeDisabled()
  await page.screenshot({ path: `${ARTIFACTS}/ban-invalid.png` })
  expect(calls.filter((c) => c.name === 'banIps')).toEqual([])
  // Even a request forged past the UI is refused at the IPC boundary.
  const forged = await page.evaluate(() =>
    window.bangui.banIps({ jail: 'webapp', ips: ['not-an-ip'], operationId: 'forged' })
  )
  expect(forged).toMatchObject({ ok: false, error: { code: 'invalid-argument' } })
  expect(await backend.services.commands.bannedIps('webapp')).toEqual([])
})

test('unban selected, and unban all with typed confirmation', async ({ app }) => {
  const { page, backend } = app
  await backend.services.commands.banIps('webapp', ['192.0.2.21', '192.0.2.22', '192.0.2.23'])
  await page.getByTestId('jail-item-webapp').click()
  await expect(page.getByTestId('ban-row')).toHaveCount(3)
  await page.getByTestId('ban-row').filter({ hasText: '192.0.2.21' }).click()
  await page.keyboard.press('Delete')
  await page.getByTestId('confirm-unban').click()
  await expect(page.getByTestId('ban-row')).toHaveCount(2)
  expect((await backend.services.commands.bannedIps('webapp')).sort()).toEqual([
    '192.0.2.22',
    '192.0.2.23'
  ])

  await page.getByTestId('unban-all').click()
  await page.getByTestId('confirm-input').fill('sshd')
  await expect(page.getByTestId('confirm-unban-all')).toBeDisabled()
  await page.getByTestId('confirm-input').fill('webapp')
  await page.screenshot({ path: `${ARTIFACTS}/unban-all-confirm.png` })
  await page.getByTestId('confirm-unban-all').click()
  await expect(page.getByTestId('bans-empty')).toBeVisible()
  expect(await backend.services.commands.bannedIps('webapp')).toEqual([])
})

test('search finds the jails that ban an IP', async ({ app }) => {
  const { page, backend } = app
  await backend.services.commands.banIps('sshd', ['198.51.100.99'])
  await backend.services.commands.banIps('webapp', ['198.51.100.99'])
  await page.keyboard.press('/')
  await expect(page.getByTestId('search-input')).toBeFocused()
  await page.keyboard.type('198.51.100.99')
  await page.keyboard.press('Enter')
  await expect(page.getByTestId('search-result')).toContainText('banned in')
  await expect(page.getByTestId('search-hit-sshd')).toBeVisible()
  await page.getByTestId('search-hit-webapp').click()
  await expect(page.getByTestId('jail-detail')).toContainText('webapp')
  await page.getByTestId('search-input').fill('203.0.113.250')
  await page.keyboard.press('Enter')
  await expect(page.getByTestId('search-result')).toContainText('not banned anywhere')
  await backend.services.commands.unbanEverywhere(['198.51.100.99'])
})

test('reload shows the verification result', async ({ app }) => {
  const { page } = app
  await page.getByTestId('reload-button').click()
  await page.getByTestId('reload-run').click()
  await expect(page.getByTestId('reload-result')).toContainText('Reloaded: 4 jails running', {
    timeout: 30_000
  })
  await page.screenshot({ path: `${ARTIFACTS}/reload.png` })
})

test('server stopped → banner → server back → recovered', async ({ app }) => {
  const { page, backend } = app
  await backend.server.stop()
  await expect(page.getByTestId('connection-banner')).toBeVisible({ timeout: 15_000 })
  await expect(page.getByTestId('connection-status')).toHaveText(
    /not running|not answering|Reconnecting/
  )
  await page.screenshot({ path: `${ARTIFACTS}/disconnected.png` })
  await backend.server.restart()
  await expect(page.getByTestId('connection-banner')).toBeHidden({ timeout: 20_000 })
  await expect(page.getByTestId('jail-item-sshd')).toBeVisible()
})

test('a 20k-ban jail renders fast and scrolls', async ({ app }) => {
  const { page, backend } = app
  const ips = Array.from(
    { length: 20_000 },
    (_, i) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`
  )
  for (let i = 0; i < ips.length; i += 5000)
    await backend.services.commands.banIps('bulk1', ips.slice(i, i + 5000))
  await page.getByTestId('jail-item-bulk1').click()
  await expect(page.getByTestId('ban-counts')).toContainText('20,000')
  const firstPaint = await page.waitForFunction(
    () => (window as unknown as { __banguiFirstPaintMs?: number }).__banguiFirstPaintMs
  )
  const ms = (await firstPaint.jsonValue()) as number
  console.log(`20k rows: data to first paint ${ms.toFixed(0)} ms`)
  const rows = await page.getByTestId('ban-row').count()
  expect(rows).toBeGreaterThan(10)
  expect(rows).toBeLessThan(200) // virtualized: only the visible rows exist
  await page.getByTestId('ban-scroll').evaluate((el) => (el.scrollTop = el.scrollHeight))
  await expect(page.getByTestId('ban-row').last()).toBeVisible()
  await page.getByTestId('sort-ip').click()
  await page.getByTestId('ban-scroll').evaluate((el) => (el.scrollTop = 0))
  await expect(page.getByTestId('ban-row').first()).toContainText('10.0.0.0')
  await page.screenshot({ path: `${ARTIFACTS}/bans-20k.png` })
  await page.getByTestId('ban-filter').fill('10.0.77.')
  await expect(page.getByTestId('ban-counts')).toContainText('256 of 20,000')
})
