/**
 * The screens the README promises (issue 10, seen 9): settings, ignoreip, audit log, About.
 * Each saves a screenshot into e2e/artifacts/.
 */
import { cliGet } from './support/cli.ts'
import { ARTIFACTS, expect, test } from './support/fixtures.ts'

test('seen 9: settings are shown, validated and applied live', async ({ app }) => {
  const { page, backend } = app
  const before = backend.services.settings.current.pollIntervalMs
  await page.getByTestId('open-settings').click()
  const dialog = page.getByTestId('settings-dialog')
  await expect(page.getByTestId('set-socket')).toHaveValue(/\.sock$/)
  await page.getByTestId('set-poll').fill('0.2')
  await expect(page.getByTestId('save-poll')).toBeDisabled()
  await page.getByTestId('set-poll').fill('2')
  await page.getByTestId('save-poll').click()
  await expect(page.getByTestId('settings-saved-pollIntervalMs')).toBeVisible()
  expect(backend.services.settings.current.pollIntervalMs).toBe(2000)
  await page.getByTestId('set-socket').fill('relative.sock')
  await expect(dialog).toContainText('must be absolute')
  await expect(page.getByTestId('save-socket')).toBeDisabled()
  await page.getByTestId('set-notify-sshd').uncheck()
  await expect(page.getByTestId('set-notify-sshd')).not.toBeChecked()
  expect(backend.services.settings.current.notifications.perJail.sshd).toBe(false)
  await page.getByTestId('set-close-to-tray').uncheck()
  await expect.poll(() => backend.services.settings.current.closeToTray).toBe(false)
  await page.screenshot({ path: `${ARTIFACTS}/settings.png` })
  await backend.services.settings.update({
    pollIntervalMs: before,
    notifications: { perJail: { sshd: true } },
    closeToTray: true
  })
  // The harness polls faster than the settings allow; give the other tests their 500 ms back.
  backend.services.monitor.intervalMs = 500
})

test('seen 9: ignoreip add/remove per jail, as fail2ban stores it', async ({ app }) => {
  const { page, backend } = app
  const sock = backend.server.socketPath
  await page.getByTestId('jail-item-webapp').click()
  await page.getByTestId('ignore-input').fill('not an ip')
  await expect(page.getByTestId('ignore-invalid')).toBeVisible()
  await expect(page.getByTestId('ignore-add')).toBeDisabled()
  await page.getByTestId('ignore-input').fill('192.0.2.0/24')
  await page.getByTestId('ignore-add').click()
  await expect(page.getByTestId('ignore-entry').filter({ hasText: '192.0.2.0/24' })).toBeVisible()
  expect(await cliGet(sock, 'webapp', 'ignoreip')).toContain('192.0.2.0/24')
  await page.screenshot({ path: `${ARTIFACTS}/ignoreip.png` })
  await page.getByTestId('ignore-del-192.0.2.0/24').click()
  await expect(page.getByTestId('ignore-entry').filter({ hasText: '192.0.2.0/24' })).toHaveCount(0)
  expect(await cliGet(sock, 'webapp', 'ignoreip')).not.toContain('192.0.2.0/24')
})

test('seen 9: the audit log viewer filters by action, jail, outcome and text', async ({ app }) => {
  const { page, backend } = app
  await backend.dispatch('banIps', { jail: 'sshd', ips: ['192.0.2.41'], operationId: 'aud-1' })
  await backend.dispatch('unbanIps', { jail: 'sshd', ips: ['192.0.2.41'] })
  await backend.dispatch('setJailValue', { jail: 'nosuchjail', key: 'maxretry', value: 3 })
  await page.getByTestId('open-audit').click()
  await expect(page.getByTestId('audit-table')).toBeVisible()
  await page.getByTestId('audit-search').fill('192.0.2.41')
  await expect(page.getByTestId('audit-row')).toHaveCount(2)
  await page.getByTestId('audit-action').selectOption('ban')
  await expect(page.getByTestId('audit-row')).toHaveCount(1)
  await page.getByTestId('audit-jail').selectOption('sshd')
  await expect(page.getByTestId('audit-row')).toHaveCount(1)
  await page.getByTestId('audit-search').fill('')
  await page.getByTestId('audit-action').selectOption('')
  await page.getByTestId('audit-jail').selectOption('')
  await page.getByTestId('audit-outcome').selectOption('failed')
  await expect(page.getByTestId('audit-row').first()).toHaveAttribute('data-ok', 'false')
  await expect(page.getByTestId('audit-row').first()).toContainText('nosuchjail')
  await page.getByTestId('audit-outcome').selectOption('')
  // Live: a new action appears while the viewer is open.
  await backend.dispatch('banIps', { jail: 'sshd', ips: ['192.0.2.42'], operationId: 'aud-2' })
  await page.getByTestId('audit-search').fill('192.0.2.42')
  await expect(page.getByTestId('audit-row')).toHaveCount(1)
  await page.getByTestId('audit-search').fill('')
  await page.screenshot({ path: `${ARTIFACTS}/audit-log.png` })
  await backend.services.commands.unbanAll()
})

test('seen 9: About shows versions and credits DB-IP', async ({ app }) => {
  const { page } = app
  await page.getByTestId('open-about').click()
  await expect(page.getByTestId('about-versions')).toContainText('BanGUI')
  await expect(page.getByTestId('about-versions')).toContainText(/Node\.js\s*v?\d+\./)
  await expect(page.getByTestId('about-versions')).toContainText('1.0.2')
  await expect(page.getByTestId('dbip-credit')).toHaveText(
    'IP geolocation by DB-IP (https://db-ip.com)'
  )
  await expect(page.getByTestId('about-licences')).toContainText('CC BY 4.0')
  await page.screenshot({ path: `${ARTIFACTS}/about.png` })
})
