/**
 * The ban table (issue 10, seen 8): a duration column, counts that say what they count, plurals
 * right, and rows as wide as the header.
 */
import { ARTIFACTS, expect, test } from './support/fixtures.ts'

test('seen 8: duration column, "1 ban" not "1 bans", rows aligned with the header', async ({
  app
}) => {
  const { page, backend } = app
  await backend.services.commands.banIps('webapp', ['192.0.2.31'])
  try {
    await page.getByTestId('jail-item-webapp').click()
    const row = page.getByTestId('ban-row').filter({ hasText: '192.0.2.31' })
    await expect(row.getByTestId('ban-duration')).toHaveText('10 min')
    await expect(page.getByRole('columnheader', { name: 'Duration' })).toBeVisible()
    await expect(page.getByTestId('ban-counts')).toHaveText('1 ban')
    await expect(page.getByTestId('ban-filter')).toHaveAttribute(
      'placeholder',
      'Filter 1 ban by IP…'
    )
    await expect(page.getByTestId('total-banned')).toHaveText('1 ban')
    // Every cell starts where its header starts, and the row ends where the header ends.
    const head = await page
      .locator('.ban-row.header > [role="columnheader"]')
      .evaluateAll((els) => els.map((e) => e.getBoundingClientRect()))
    const cells = await row
      .locator('[role="gridcell"]')
      .evaluateAll((els) => els.map((e) => e.getBoundingClientRect()))
    expect(cells).toHaveLength(head.length)
    for (let i = 0; i < head.length; i++) {
      expect(Math.abs(cells[i]!.left - head[i]!.left)).toBeLessThanOrEqual(1)
      expect(Math.abs(cells[i]!.right - head[i]!.right)).toBeLessThanOrEqual(1)
    }
    const headRow = await page.locator('.ban-row.header').boundingBox()
    const rowBox = await row.boundingBox()
    expect(Math.abs(headRow!.x + headRow!.width - (rowBox!.x + rowBox!.width))).toBeLessThanOrEqual(
      1
    )
    await page.screenshot({ path: `${ARTIFACTS}/bans-duration-column.png` })
  } finally {
    await backend.services.commands.unbanIps('webapp', ['192.0.2.31'])
  }
})
