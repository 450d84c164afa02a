/**
 * First run without root: the socket refuses the app, the access screen explains the choices,
 * and "Connect as administrator" starts the real helper, after which the app works through it
 * (jails listed, a ban made through the helper is what fail2ban-client reports).
 *
 * The Playwright process runs as root, and the kernel never refuses root a socket, so the
 * refusal is played by a connector that fails with EACCES; everything after it is real. The
 * helper is started directly (as root) instead of through pkexec, whose own path is tested in
 * test/helper-pkexec.test.ts.
 */
import { execFileSync } from 'node:child_process'
import { resolve } from 'node:path'
import { test as base, expect } from '@playwright/test'
import { createDispatch } from '../src/main/ipc/registry.ts'
import { createAppServices, type AppServices } from '../src/main/services/app-services.ts'
import { startTestServer, type TestServer } from '../test/support/f2b-server.ts'
import { ARTIFACTS } from './support/fixtures.ts'
import { wirePage } from './support/wire.ts'

const HELPER = resolve(import.meta.dirname, '../src/helper/bangui-helper.py')

const test = base.extend<{ backend: { server: TestServer; services: AppServices } }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright reads the fixture list from this pattern
  backend: async ({}, use) => {
    const server = await startTestServer()
    const services = createAppServices({
      socketPath: server.socketPath,
      pollIntervalMs: 500,
      reconnectBackoffMs: 250,
      directConnector: () =>
        Promise.reject(
          Object.assign(new Error(`connect EACCES ${server.socketPath}`), { code: 'EACCES' })
        ),
      helper: { path: HELPER, extraArgs: ['--conf', `${server.dir}/conf`], via: () => 'direct' }
    })
    await services.start()
    try {
      await use({ server, services })
    } finally {
      await services.dispose()
      await server.stop()
    }
  }
})

test('permission denied shows the access screen; connecting as administrator works through the helper', async ({
  page,
  backend
}) => {
  const { services, server } = backend
  const wiring = await wirePage(page, createDispatch(services), services.events)
  await page.goto('/')
  const screen = page.getByTestId('access-screen')
  await expect(screen).toBeVisible()
  await expect(page.getByTestId('connection-banner')).toHaveAttribute(
    'data-status',
    'permission-denied'
  )
  await expect(page.getByTestId('sudoers-line')).toContainText(`NOPASSWD: ${HELPER} --stdio`)
  await page.screenshot({ path: `${ARTIFACTS}/access-first-run.png` })

  await page.getByTestId('access-pkexec').click()
  await expect(screen).toBeHidden()
  await expect(page.getByTestId('jail-item-sshd')).toBeVisible()
  expect(services.access.state().helper.status).toBe('running')
  expect(services.settings.current.access).toBe('pkexec')

  // A ban through the helper is what fail2ban itself reports.
  await services.bans.ban('sshd', ['203.0.113.61'], 'op-access-1')
  const cli = execFileSync(
    '/usr/bin/fail2ban-client',
    ['-s', server.socketPath, 'get', 'sshd', 'banip'],
    {
      env: { PATH: '/usr/bin:/bin' }
    }
  ).toString()
  expect(cli).toContain('203.0.113.61')
  await expect(page.getByTestId('jail-item-sshd')).toContainText('1')

  // A reload goes through the helper too (it runs fail2ban-client as root) and is verified.
  const reload = await services.jails.reload({
    scope: { kind: 'all' },
    restart: false,
    unban: false
  })
  expect(reload).toMatchObject({ ok: true, outcome: 'reloaded', missing: [] })
  wiring.unsubscribe()
})

test('a helper that cannot start says why and is not retried by itself', async ({
  page,
  backend
}) => {
  const { services } = backend
  const wiring = await wirePage(page, createDispatch(services), services.events)
  await page.goto('/')
  await expect(page.getByTestId('access-screen')).toBeVisible()
  // The helper refuses a socket path it does not trust: a clear failure on the screen.
  const bad = createAppServices({
    socketPath: '/nonexistent/f2b.sock',
    helper: { path: HELPER, via: () => 'direct' }
  })
  const state = await bad.access.choose('pkexec')
  expect(state.helper.status).toBe('failed')
  expect(state.helper.message).not.toBe('')
  await bad.dispose()
  wiring.unsubscribe()
})
