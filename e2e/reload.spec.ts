/**
 * Honest reload and start (issue 10, seen 3 and 4): "nothing was reloaded" is told from "these
 * jails failed to start", failed jails stay visible, and starting a jail says it reloads.
 */
import { readFile, writeFile } from 'node:fs/promises'
import { cliGet } from './support/cli.ts'
import { ARTIFACTS, expect, test } from './support/fixtures.ts'

test('seen 3: a missing filter is "reloaded, but broken failed", and the jail stays in the sidebar', async ({
  app
}) => {
  const { page, backend } = app
  const conf = `${backend.server.dir}/conf/jail.conf`
  const before = await readFile(conf, 'utf8')
  await writeFile(
    conf,
    `${before}\n[broken]\nenabled = true\nfilter = doesnotexist\nlogpath = ${backend.server.dir}/broken.log\n`
  )
  try {
    await page.getByTestId('reload-button').click()
    await page.getByTestId('reload-run').click()
    const result = page.getByTestId('reload-result')
    await expect(result).toHaveAttribute('data-outcome', 'partial', { timeout: 30_000 })
    await expect(result).toContainText('Reloaded, but 1 jail failed to start')
    await expect(page.getByTestId('reload-failures')).toContainText(
      "broken Unable to read the filter 'doesnotexist'"
    )
    await page.screenshot({ path: `${ARTIFACTS}/reload-partial.png` })
    await page.getByTestId('reload-dialog').getByRole('button', { name: 'Close' }).click()
    await expect(page.getByTestId('jail-item-broken')).toHaveAttribute('data-state', 'failed')
    await expect(page.getByTestId('jail-problem-broken')).toBeVisible()
    await page.getByTestId('jail-item-broken').click()
    await expect(page.getByTestId('jail-problem')).toContainText('Unable to read the filter')
    // Once the admin removes it from the configuration, a reload drops it from the list.
    await writeFile(conf, before)
    await backend.dispatch('reload', { scope: { kind: 'all' } })
    await expect(page.getByTestId('jail-item-broken')).toHaveCount(0)
  } finally {
    await writeFile(conf, before)
  }
})

test('seen 3: a missing log file is "nothing was reloaded", with fail2ban’s reason', async ({
  app
}) => {
  const { page, backend } = app
  const sock = backend.server.socketPath
  const conf = `${backend.server.dir}/conf/jail.conf`
  const before = await readFile(conf, 'utf8')
  await backend.services.commands.setBantime('sshd', 1234)
  await writeFile(conf, `${before}\n[nolog]\nenabled = true\nlogpath = /nonexistent-dir/x.log\n`)
  try {
    await page.getByTestId('reload-button').click()
    await page.getByTestId('reload-run').click()
    const result = page.getByTestId('reload-result')
    await expect(result).toHaveAttribute('data-outcome', 'not-reloaded', { timeout: 30_000 })
    await expect(result).toContainText(
      'Nothing was reloaded: Have not found any log file for nolog jail'
    )
    await page.screenshot({ path: `${ARTIFACTS}/reload-nothing.png` })
    // Proof that nothing was reloaded: the runtime edit is still there.
    expect(await cliGet(sock, 'sshd', 'bantime')).toBe('1234')
  } finally {
    await writeFile(conf, before)
    await backend.services.commands.setBantime('sshd', 600)
  }
})

test('seen 4: "Start jail" says it reloads everything; edits say runtime-only; lowering bantime warns', async ({
  app
}) => {
  const { page, backend } = app
  await backend.services.commands.banIps('sshd', ['192.0.2.88'])
  try {
    await page.getByTestId('jail-item-sshd').click()
    await expect(page.getByTestId('ban-row')).toHaveCount(1)
    await page.waitForTimeout(2_100) // the ban is now more than 1 s old
    await page.getByTestId('value-bantime').click()
    await expect(page.getByTestId('runtime-note-bantime')).toContainText('next reload')
    await page.getByTestId('edit-bantime').fill('1s')
    await expect(page.getByTestId('bantime-impact')).toContainText('1 ban of 1 ends at once')
    await page.keyboard.press('Escape')

    await page.getByTestId('jail-item-webapp').click()
    await page.getByTestId('jail-toggle').click()
    await page.getByTestId('confirm-stop').click()
    await expect(page.getByTestId('jail-state')).toHaveText('stopped', { timeout: 15_000 })
    await page.getByTestId('start-jail').click()
    await expect(page.getByTestId('start-explainer')).toContainText('reload --all')
    await page.screenshot({ path: `${ARTIFACTS}/start-jail-explainer.png` })
    await page.getByTestId('confirm-start').click()
    await expect(page.getByTestId('jail-state')).toHaveText('running', { timeout: 30_000 })
  } finally {
    await backend.services.commands.unbanAll()
  }
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
