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
