/** Search (issue 10, seen 7): an IP inside a banned network is reported with that network. */
import { fail2banClient } from './support/cli.ts'
import { ARTIFACTS, expect, test } from './support/fixtures.ts'

test('seen 7: search reports an IP covered by a banned network', async ({ app }) => {
  const { page, backend } = app
  await backend.services.commands.banIps('sshd', ['198.51.100.0/24'])
  try {
    // fail2ban itself finds exact entries only.
    expect(
      (await fail2banClient(backend.server.socketPath, ['banned', '198.51.100.7'])).trim()
    ).toBe('[[]]')
    await page.getByTestId('search-input').fill('198.51.100.7')
    await page.keyboard.press('Enter')
    await expect(page.getByTestId('search-result')).toContainText('inside 198.51.100.0/24 in sshd')
    await page.screenshot({ path: `${ARTIFACTS}/search-cidr.png` })
    await page.getByTestId('search-net-sshd').click()
    await expect(page.getByTestId('jail-detail')).toContainText('sshd')
  } finally {
    await backend.services.commands.unbanIps('sshd', ['198.51.100.0/24'])
  }
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
