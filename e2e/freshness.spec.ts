/**
 * What the window shows is what fail2ban has, after every action (issue 10, seen 1, 2, 5):
 * compared with `fail2ban-client -s SOCK get …`.
 */
import { cliBanEnds, cliGet, fail2banClient } from './support/cli.ts'
import { ARTIFACTS, expect, test } from './support/fixtures.ts'

test('seen 1: the settings panel follows a reload (no stale "2 h")', async ({ app }) => {
  const { page, backend } = app
  const sock = backend.server.socketPath
  await page.getByTestId('jail-item-sshd').click()
  await page.getByTestId('value-bantime').click()
  await expect(page.getByTestId('runtime-note-bantime')).toContainText('next reload')
  await page.getByTestId('edit-bantime').fill('2h')
  await page.getByTestId('save-bantime').click()
  await expect(page.getByTestId('value-bantime')).toHaveText('2 h')
  expect(await cliGet(sock, 'sshd', 'bantime')).toBe('7200')
  await page.getByTestId('reload-button').click()
  await page.getByTestId('reload-run').click()
  await expect(page.getByTestId('reload-result')).toHaveAttribute('data-outcome', 'reloaded', {
    timeout: 30_000
  })
  await page.getByTestId('reload-dialog').getByRole('button', { name: 'Close' }).click()
  // fail2ban is back at the configured value; so is the panel, without pressing R.
  expect(await cliGet(sock, 'sshd', 'bantime')).toBe('600')
  await expect(page.getByTestId('value-bantime')).toHaveText('10 min')
})

test('seen 2: end times follow a bantime change made behind the app’s back', async ({ app }) => {
  const { page, backend } = app
  const sock = backend.server.socketPath
  await backend.services.commands.banIps('sshd', ['192.0.2.77'])
  try {
    await page.getByTestId('jail-item-sshd').click()
    const row = page.getByTestId('ban-row').filter({ hasText: '192.0.2.77' })
    await expect(row.getByTestId('ban-duration')).toHaveText('10 min')
    await fail2banClient(sock, ['set', 'sshd', 'bantime', '7200'])
    // The ban count did not change; the end time did.
    const cli = (await cliBanEnds(sock, 'sshd')).get('192.0.2.77')!
    expect(cli.bantime).toBe(7200)
    await expect(row.getByTestId('ban-duration')).toHaveText('2 h', { timeout: 10_000 })
    await expect(row.locator('[title^="Expires"]')).toHaveAttribute('title', `Expires ${cli.end}`)
    await expect(page.getByTestId('value-bantime')).toHaveText('2 h')
    await page.screenshot({ path: `${ARTIFACTS}/end-times-follow-bantime.png` })
  } finally {
    await fail2banClient(sock, ['set', 'sshd', 'bantime', '600'])
    await backend.services.commands.unbanIps('sshd', ['192.0.2.77'])
  }
})

test('seen 5: counters agree with the rows right after the app’s own ban (no poll lag)', async ({
  app
}) => {
  const { page, backend } = app
  await page.getByTestId('jail-item-webapp').click()
  await expect(page.getByTestId('bans-empty')).toBeVisible()
  // No poll may help: only the app's own refresh can update the counters. stop() also drops a
  // poll already scheduled; one under way now reads the counts from before the ban.
  backend.services.monitor.stop()
  try {
    await page.getByTestId('open-ban-dialog').click()
    const ips = Array.from({ length: 7 }, (_, i) => `192.0.2.${100 + i}`)
    await page.getByTestId('ban-input').fill(ips.join('\n'))
    await page.getByTestId('ban-submit').click()
    await expect(page.getByTestId('ban-summary')).toContainText('7 newly banned')
    await page.getByTestId('ban-dialog').getByRole('button', { name: 'Close' }).click()
    await expect(page.getByTestId('ban-row')).toHaveCount(7, { timeout: 2_000 })
    await expect(page.getByTestId('stat-banned')).toHaveText('7', { timeout: 2_000 })
    await expect(page.getByTestId('jail-count-webapp')).toHaveText('7', { timeout: 2_000 })
  } finally {
    backend.services.monitor.start()
    await backend.services.commands.unbanAll()
  }
})
