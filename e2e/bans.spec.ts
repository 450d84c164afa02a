/**
 * The ban table: unban selected / all, and 20k bans.
 * The real renderer in Chromium over the real services and a real fail2ban-server; every test
 * starts from no bans (the fixture clears them), so tests do not depend on each other's order.
 */
import { ARTIFACTS, expect, test } from './support/fixtures.ts'

test('unban selected, and unban all with typed confirmation', async ({ app }) => {
  const { page, backend } = app
  await backend.services.commands.banIps('webapp', ['192.0.2.21', '192.0.2.22', '192.0.2.23'])
  await page.getByTestId('jail-item-webapp').click()
  await expect(page.getByTestId('ban-row')).toHaveCount(3)
  await page.getByTestId('ban-row').filter({ hasText: '192.0.2.21' }).click()
  // the History view hides the table: its keys do not act on it unseen
  await page.getByTestId('history-button').click()
  await page.keyboard.press('Delete')
  await expect(page.getByTestId('confirm-unban')).toHaveCount(0)
  await page.getByTestId('history-button').click()
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
