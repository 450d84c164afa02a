/**
 * The e2e harness: one private real fail2ban-server per worker, the real main services and
 * handler registry on it, wired into the real renderer through page.exposeBinding and the
 * preload's own api factory (bridge.js). Events flow back through page.evaluate.
 */
import { resolve } from 'node:path'
import { test as base, expect, type Page } from '@playwright/test'
import { createDispatch, type Dispatch } from '../../src/main/ipc/registry.ts'
import { createAppServices, type AppServices } from '../../src/main/services/app-services.ts'
import { startTestServer, type TestServer } from '../../test/support/f2b-server.ts'
import { wirePage } from './wire.ts'

export { expect }

const root = resolve(import.meta.dirname, '../..')
export const ARTIFACTS = resolve(root, 'e2e/artifacts')

export interface Backend {
  server: TestServer
  services: AppServices
  dispatch: Dispatch
}

export interface AppFixture {
  page: Page
  backend: Backend
  /** Requests the page made, by channel (to prove what was and was not sent). */
  calls: { name: string; request: unknown }[]
}

export const test = base.extend<{ app: AppFixture }, { backend: Backend }>({
  backend: [
    // eslint-disable-next-line no-empty-pattern -- Playwright reads the fixture list from this pattern
    async ({}, use) => {
      const server = await startTestServer({ bulkJails: 1 })
      const services = createAppServices({
        socketPath: server.socketPath,
        confDir: `${server.dir}/conf`,
        pollIntervalMs: 500,
        reconnectBackoffMs: 250
      })
      await services.start()
      try {
        await use({ server, services, dispatch: createDispatch(services) })
      } finally {
        await services.dispose()
        await server.stop()
      }
    },
    { scope: 'worker', timeout: 60_000 }
  ],
  app: async ({ page, backend }, use) => {
    // Every test starts from no bans and a polling monitor, whatever ran before it.
    await backend.services.commands.unbanAll({ timeoutMs: 120_000 })
    backend.services.monitor.setPaused(false)
    const { calls, unsubscribe } = await wirePage(page, backend.dispatch, backend.services.events)
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(e.message))
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text())
    })
    await page.goto('/')
    // The app is ready (its listeners installed) once it shows the server's jails.
    await expect(page.locator('[data-testid^="jail-item-"]').first()).toBeVisible()
    try {
      await use({ page, backend, calls })
    } finally {
      unsubscribe()
      backend.services.monitor.watch(null)
    }
    expect(errors, 'no page errors (CSP violations included)').toEqual([])
  }
})
