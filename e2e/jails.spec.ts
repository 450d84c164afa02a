/**
 * Jails: the list with live counts, a jail’s settings, log-triggered bans.
 * The real renderer in Chromium over the real services and a real fail2ban-server; every test
 * starts from no bans (the fixture clears them), so tests do not depend on each other's order.
 */
import { ARTIFACTS, expect, test } from './support/fixtures.ts'

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
