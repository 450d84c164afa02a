/**
 * The fleet as an admin meets it: this machine plus SSH servers reached through a private sshd
 * on 127.0.0.1 (test/support/ssh-lab.ts: its own host keys, ssh config, known_hosts), each
 * with its own real fail2ban-server. Add a server in the Servers dialog, accept its unknown
 * host key, see its jails; then search, ban and unban across three servers from the All
 * servers view. What each server has is read with `fail2ban-client` on its own socket.
 */
import { execFileSync } from 'node:child_process'
import { test as base, expect } from '@playwright/test'
import { createDispatch } from '../src/main/ipc/registry.ts'
import { createAppServices, type AppServices } from '../src/main/services/app-services.ts'
import { ReconnectPolicy } from '../src/main/ssh/reconnect.ts'
import { fail2banClient } from '../test/support/f2b-server.ts'
import { sshLabUnavailable } from '../test/support/sshd.ts'
import { startSshLab, type SshLab } from '../test/support/ssh-lab.ts'
import { ARTIFACTS } from './support/fixtures.ts'
import { wirePage } from './support/wire.ts'

const why = sshLabUnavailable()
if (why) console.log(`SKIPPED e2e/fleet.spec.ts: ${why}`)

const test = base.extend<{ fleet: { lab: SshLab; services: AppServices } }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright reads the fixture list from this pattern
  fleet: async ({}, use) => {
    const lab = await startSshLab(3)
    const services = createAppServices({
      socketPath: lab.f2b[0]!.socketPath,
      pollIntervalMs: 500,
      reconnectBackoffMs: 250,
      ssh: {
        helperSource: lab.helperSource,
        policy: new ReconnectPolicy({ baseMs: 200, jitter: 0 })
      }
    })
    await services.start()
    try {
      await use({ lab, services })
    } finally {
      await services.dispose()
      await lab.stop()
    }
  }
})

const banned = (socket: string): Promise<string> =>
  fail2banClient(socket, ['get', 'sshd', 'banned'])

test.skip(!!why, why ?? '')

test('add a server, accept its host key, see its jails; fleet-wide search, ban and unban on 3 servers', async ({
  page,
  fleet
}) => {
  test.setTimeout(150_000)
  const { lab, services } = fleet
  const { unsubscribe } = await wirePage(page, createDispatch(services), services.events)
  const errors: string[] = []
  page.on('pageerror', (e) => errors.push(e.message))
  try {
    await page.goto('/')
    await expect(page.locator('[data-testid^="jail-item-"]').first()).toBeVisible()

    // 1. add "web1": its host key is not in known_hosts yet (HostKeyAlias bangui-new)
    await page.getByTestId('servers-open').click()
    await page.getByTestId('server-add').click()
    await page.getByTestId('server-form-name').fill('web1')
    await page.getByTestId('server-form-target').fill('srv-new')
    await page.getByTestId('server-form-socket').fill(lab.f2b[1]!.socketPath)
    await page.getByTestId('server-form-sshconfig').fill(lab.sshConfig)
    await page.getByTestId('server-form-save').click()
    await expect(page.getByTestId('server-profile-web1')).toBeVisible()
    await page.getByTestId('servers-dialog').getByRole('button', { name: /close/i }).first().click()

    // 2. the host-key question, as ssh-keygen -lf prints the server's key
    const dialog = page.getByTestId('hostkey-dialog')
    await expect(dialog).toBeVisible({ timeout: 30_000 })
    await expect(page.getByTestId('hostkey-fingerprint')).toHaveText(lab.a.fingerprint())
    await expect(dialog).toContainText('ED25519')
    await expect(dialog).toContainText('bangui-new')
    await page.screenshot({ path: `${ARTIFACTS}/fleet-host-key-prompt.png` })
    await page.getByTestId('hostkey-accept').click()
    await expect(dialog).toBeHidden()
    await expect(page.getByTestId('server-state-web1')).toHaveAttribute('data-state', 'connected', {
      timeout: 30_000
    })
    // the key is in known_hosts as OpenSSH writes it
    expect(
      execFileSync('/usr/bin/ssh-keygen', ['-F', 'bangui-new', '-f', lab.knownHosts], {
        encoding: 'utf8'
      })
    ).toContain('bangui-new ssh-ed25519')

    // 3. its jails, as fail2ban-client lists them there
    await page.getByTestId('server-item-web1').click()
    const status = await fail2banClient(lab.f2b[1]!.socketPath, ['status'])
    const names = /Jail list:\s*(.*)$/m.exec(status)![1]!.split(/,\s*/)
    for (const j of names) await expect(page.getByTestId(`jail-item-${j}`)).toBeVisible()
    await expect(page.getByTestId('active-server-name')).toContainText('web1')

    // 4. a third server (its key is known), added over the same channel the dialog uses
    await services.fleet.save(
      null,
      lab.profile('srv-root', { name: 'web2', remoteSocket: lab.f2b[2]!.socketPath })
    )
    await expect(page.getByTestId('server-state-web2')).toHaveAttribute('data-state', 'connected', {
      timeout: 30_000
    })

    // 5. All servers: every server's jails and the totals
    await page.getByTestId('server-all').click()
    await expect(page.getByTestId('fleet-view')).toBeVisible()
    for (const id of ['local', 'web1', 'web2'])
      await expect(page.getByTestId(`fleet-server-${id}`)).toBeVisible()
    await expect(page.getByTestId('fleet-total-connected')).toContainText('3')

    // 6. fleet-wide ban of two IPs in sshd on all three
    await page.getByTestId('fleet-ban-open').click()
    for (const id of ['local', 'web1', 'web2'])
      await expect(page.getByTestId(`fleet-ban-server-${id}`)).toBeChecked()
    await page.getByTestId('fleet-ban-jail').fill('sshd')
    await page.getByTestId('fleet-ban-ips').fill('198.51.100.60\n198.51.100.61')
    await page.getByTestId('fleet-ban-submit').click()
    for (const id of ['local', 'web1', 'web2'])
      await expect(page.getByTestId(`fleet-result-${id}`)).toHaveAttribute('data-ok', 'true')
    for (const s of lab.f2b) {
      const list = await banned(s.socketPath)
      expect(list).toContain('198.51.100.60')
      expect(list).toContain('198.51.100.61')
    }
    await page.keyboard.press('Escape')

    // the merged list shows them with their server
    await page.getByTestId('fleet-refresh').click()
    await expect(
      page.locator('[data-testid="fleet-ban-row"][data-server="web2"]').first()
    ).toBeVisible()
    await page.screenshot({ path: `${ARTIFACTS}/fleet-all-servers.png` })

    // 7. fleet-wide search: which servers and jails ban it
    await page.getByTestId('fleet-search-input').fill('198.51.100.61')
    await page.getByTestId('fleet-search-submit').click()
    for (const id of ['local', 'web1', 'web2']) {
      const r = page.getByTestId(`fleet-search-result-${id}`)
      await expect(r).toHaveAttribute('data-ok', 'true')
      await expect(r).toContainText('sshd')
    }

    // 8. fleet-wide unban
    await page.getByTestId('fleet-unban-open').click()
    await page.getByTestId('fleet-unban-ips').fill('198.51.100.60\n198.51.100.61')
    await page.getByTestId('fleet-unban-submit').click()
    for (const id of ['local', 'web1', 'web2'])
      await expect(page.getByTestId(`fleet-result-${id}`)).toHaveAttribute('data-ok', 'true')
    for (const s of lab.f2b) expect(await banned(s.socketPath)).not.toMatch(/198\.51\.100\.6[01]/)
    expect(errors).toEqual([])
  } finally {
    unsubscribe()
  }
})
