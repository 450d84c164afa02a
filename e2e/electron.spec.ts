/**
 * The real app in the real Electron binary, where it exists. The binary cannot be downloaded
 * in offline environments (its host is unreachable), so there this spec is skipped and says why.
 */
import { existsSync, readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { _electron as electron, expect, test } from '@playwright/test'
import { startTestServer } from '../test/support/f2b-server.ts'

const root = resolve(import.meta.dirname, '..')

function electronBinary(): string | null {
  const dir = resolve(root, 'node_modules/electron')
  const pathFile = resolve(dir, 'path.txt')
  if (!existsSync(pathFile)) return null
  const bin = resolve(dir, 'dist', readFileSync(pathFile, 'utf8').trim())
  return existsSync(bin) ? bin : null
}

const binary = electronBinary()

test('the packaged app starts hardened and lists jails', async () => {
  test.skip(
    binary === null,
    'skipped: the Electron binary is not installed (node_modules/electron/dist is missing: its download host is unreachable here). Everything else runs in plain Node and Chromium.'
  )
  const server = await startTestServer()
  const app = await electron.launch({
    executablePath: binary!,
    // CI runs as root: the app refuses that without --allow-root (src/main/root-guard.ts).
    args: [root, '--no-sandbox', ...(process.getuid?.() === 0 ? ['--allow-root'] : [])],
    env: {
      ...process.env,
      BANGUI_SOCKET: server.socketPath,
      BANGUI_FAIL2BAN_CONF: `${server.dir}/conf`
    }
  })
  try {
    const page = await app.firstWindow()
    await expect(page.getByTestId('jail-item-sshd')).toBeVisible()
    // Served from the app:// protocol, not file:// (docs/SECURITY.md, item 18).
    expect(page.url()).toBe('app://bangui/index.html')
    // No Node in the page, and the bridge is the frozen typed api only.
    expect(await page.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe(
      'undefined'
    )
    expect(await page.evaluate(() => typeof (globalThis as { process?: unknown }).process)).toBe(
      'undefined'
    )
    expect(await page.evaluate(() => Object.isFrozen(window.bangui))).toBe(true)
    expect(await page.evaluate(() => window.open('https://example.com/'))).toBeNull()
    await page.evaluate(() => (location.href = 'https://example.com/'))
    await expect(page.getByTestId('jail-item-sshd')).toBeVisible()
  } finally {
    await app.close()
    await server.stop()
  }
})
