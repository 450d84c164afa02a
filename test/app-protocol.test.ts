/**
 * The renderer served from app:// (Electron checklist item 18): only files under the renderer's
 * build dir, never a path outside it; the dev server URL only in an unpackaged app; the
 * app refuses to run as root without --allow-root. Plain Node: web-standard Request/Response.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ALLOW_ROOT_FLAG, rootRefusal } from '../src/main/root-guard.ts'
import {
  APP_SCHEME_PRIVILEGES,
  APP_URL,
  appProtocolHandler,
  rendererUrl,
  resolveAppPath
} from '../src/main/window/app-protocol.ts'
import { CONTENT_SECURITY_POLICY } from '../src/main/window/security.ts'

let base: string
let root: string
beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'bangui-proto-'))
  root = join(base, 'renderer')
  mkdirSync(join(root, 'assets'), { recursive: true })
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>BanGUI</title>')
  writeFileSync(join(root, 'assets', 'index-abc.js'), 'export {}')
  writeFileSync(join(base, 'secret.html'), 'outside the root')
})
afterAll(() => rmSync(base, { recursive: true, force: true }))

describe('app:// protocol', () => {
  it('the window loads app://bangui/index.html from a standard, secure scheme', () => {
    expect(APP_URL).toBe('app://bangui/index.html')
    expect(APP_SCHEME_PRIVILEGES).toMatchObject({
      scheme: 'app',
      privileges: { standard: true, secure: true }
    })
  })

  it('serves files under the root with their type and the CSP header', async () => {
    const handle = appProtocolHandler(root)
    const page = await handle(new Request('app://bangui/index.html'))
    expect(page.status).toBe(200)
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(page.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY)
    expect(await page.text()).toContain('<title>BanGUI</title>')
    const js = await handle(new Request('app://bangui/assets/index-abc.js'))
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8')
    expect((await handle(new Request('app://bangui/'))).status).toBe(200)
  })

  it('never serves a path outside the root, another host, or an unknown type', async () => {
    const handle = appProtocolHandler(root)
    for (const url of [
      'app://bangui/../secret.html',
      'app://bangui/%2e%2e/secret.html',
      'app://bangui/assets/%2e%2e%2f%2e%2e%2fsecret.html',
      'app://bangui/..%2fsecret.html',
      'app://bangui/%2e%2e%5csecret.html',
      'app://bangui/index.html%00.js',
      'app://evil/index.html',
      'app://bangui/missing.html',
      'app://bangui/assets',
      'app://bangui/%E0%A4%A'
    ]) {
      const res = await handle(new Request(url))
      expect(res.status, url).toBe(404)
      expect(await res.text(), url).not.toContain('outside the root')
    }
    expect(resolveAppPath(root, 'file:///etc/passwd')).toBeNull()
    expect(resolveAppPath(root, 'app://bangui/../../../../etc/passwd')).toBeNull()
    // The URL parser already folds dot segments: what is left stays inside the root.
    expect(resolveAppPath(root, 'app://bangui/%2e%2e/%2e%2e/etc/shadow.html')).toBe(
      join(root, 'etc', 'shadow.html')
    )
    const post = await handle(new Request('app://bangui/index.html', { method: 'POST', body: 'x' }))
    expect(post.status).toBe(405)
  })
})

describe('the page URL', () => {
  it('uses ELECTRON_RENDERER_URL only in an unpackaged app, and only on loopback', () => {
    const dev = { ELECTRON_RENDERER_URL: 'http://localhost:5173/' }
    expect(rendererUrl(false, dev)).toBe('http://localhost:5173/')
    expect(rendererUrl(true, dev)).toBe(APP_URL)
    expect(rendererUrl(true, { ELECTRON_RENDERER_URL: 'https://evil.example/' })).toBe(APP_URL)
    expect(rendererUrl(false, { ELECTRON_RENDERER_URL: 'https://evil.example/' })).toBe(APP_URL)
    expect(rendererUrl(false, {})).toBe(APP_URL)
  })

  it('main/index.ts wires it: app:// handled, the URL from rendererUrl(app.isPackaged, …)', () => {
    const src = readFileSync(new URL('../src/main/index.ts', import.meta.url), 'utf8')
    expect(src).toMatch(/protocol\.registerSchemesAsPrivileged\(\[APP_SCHEME_PRIVILEGES\]\)/)
    expect(src).toMatch(/protocol\.handle\(APP_SCHEME, appProtocolHandler\(/)
    expect(src).toMatch(/rendererUrl\(app\.isPackaged, process\.env\)/)
    expect(src).not.toMatch(/pathToFileURL|file:\/\//)
    expect(src).not.toMatch(/process\.env\.ELECTRON_RENDERER_URL/)
    expect(src).toMatch(/rootRefusal\(process\.getuid\?\.\(\), process\.argv\)/)
  })
})

describe('running as root', () => {
  it('refuses root without --allow-root, with a message that says what to do', () => {
    const why = rootRefusal(0, ['/opt/BanGUI/bangui'])
    expect(why).toMatch(/running as root/)
    expect(why).toContain(ALLOW_ROOT_FLAG)
    expect(why).toMatch(/helper/)
    expect(rootRefusal(0, ['/opt/BanGUI/bangui', '--allow-root'])).toBeNull()
    expect(rootRefusal(1000, ['/opt/BanGUI/bangui'])).toBeNull()
  })
})
