import { defineConfig } from '@playwright/test'
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './e2e/support/chromium.ts'

/**
 * e2e: the real built renderer in Debian's Chromium, wired through `page.exposeBinding` to the
 * real main-process services over a private real fail2ban-server (see e2e/support).
 */
// E2E_PORT lets several checkouts run their e2e at once on one machine.
const port = Number(process.env.E2E_PORT ?? 47173)

export default defineConfig({
  testDir: './e2e',
  outputDir: './test-results',
  reporter: [['list']],
  workers: 1,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  globalSetup: './e2e/support/global-setup.ts',
  use: {
    browserName: 'chromium',
    headless: true,
    baseURL: `http://127.0.0.1:${port}`,
    viewport: { width: 1366, height: 860 },
    launchOptions: {
      executablePath: CHROMIUM_PATH,
      args: CHROMIUM_ARGS
    }
  },
  webServer: {
    command: `npx vite preview --outDir out/renderer --host 127.0.0.1 --port ${port} --strictPort`,
    url: `http://127.0.0.1:${port}`,
    reuseExistingServer: !process.env.CI
  }
})
