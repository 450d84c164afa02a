/**
 * The ban dialog: IPv4 and IPv6 with progress, refusals with reasons.
 * The real renderer in Chromium over the real services and a real fail2ban-server; every test
 * starts from no bans (the fixture clears them), so tests do not depend on each other's order.
 */
import { readFile } from 'node:fs/promises'
import { ARTIFACTS, expect, test } from './support/fixtures.ts'

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
