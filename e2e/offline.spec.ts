/** Disconnected (issue 10, seen 6): stale data marked with its age, actions off, errors cleared. */
import { ARTIFACTS, expect, test } from './support/fixtures.ts'

test('seen 6: offline marks last-known data, disables actions, one advice line; recovers clean', async ({
  app
}) => {
  const { page, backend } = app
  await page.getByTestId('jail-item-sshd').click()
  await expect(page.getByTestId('jail-item-sshd')).toHaveAttribute('data-state', 'on')
  await expect(page.getByTestId('bans-empty')).toBeVisible() // the list is there: now go offline
  await backend.server.stop()
  try {
    await expect(page.getByTestId('connection-banner')).toBeVisible({ timeout: 15_000 })
    await expect(page.getByTestId('stale-note')).toContainText(/last known \d+ s ago/)
    await expect(page.getByTestId('jail-item-sshd')).toHaveAttribute('data-state', 'unknown')
    await expect(page.getByTestId('jail-count-sshd')).toHaveClass(/stale/)
    await expect(page.getByTestId('open-ban-dialog')).toBeDisabled()
    await expect(page.getByTestId('jail-toggle')).toBeDisabled()
    // One advice line: main's sentence, not the same advice twice.
    await expect(page.locator('.banner-hint')).toHaveCount(0)
    await expect(page.getByTestId('banner-settings')).toBeVisible()
    // A refresh while offline fails, as an error, never in the success style.
    await page.keyboard.press('r')
    await expect(page.getByTestId('ban-notice')).toHaveAttribute('data-tone', 'error')
    await page.screenshot({ path: `${ARTIFACTS}/offline-stale.png` })
  } finally {
    await backend.server.restart()
  }
  await expect(page.getByTestId('connection-banner')).toBeHidden({ timeout: 20_000 })
  await expect(page.getByTestId('ban-notice')).toBeHidden()
  await expect(page.getByTestId('stale-note')).toBeHidden()
  await expect(page.getByTestId('jail-item-sshd')).toHaveAttribute('data-state', 'on')
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
