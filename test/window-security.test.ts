/**
 * The window's security choices, asserted without the Electron binary: web preferences, CSP,
 * navigation/new-window/webview denial, permission denial, and the IPC sender check.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import {
  CONTENT_SECURITY_POLICY,
  createAppWindow,
  hardenContents,
  hardenSession,
  isTrustedSender,
  windowOptions,
  type HardenableContents,
  type HardenableSession
} from '../src/main/window/security.ts'

describe('window options', () => {
  const prefs = windowOptions('/app/out/preload/index.cjs').webPreferences!

  it('isolates the renderer: contextIsolation, sandbox, no Node anywhere', () => {
    expect(prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      preload: '/app/out/preload/index.cjs'
    })
  })

  it('turns off auxclick and enables no Blink feature', () => {
    expect(prefs.disableBlinkFeatures).toBe('Auxclick')
    expect(prefs).not.toHaveProperty('enableBlinkFeatures')
  })

  it('createAppWindow passes exactly these options to BrowserWindow', () => {
    const calls: unknown[] = []
    class FakeWindow {
      constructor(options: unknown) {
        calls.push(options)
      }
      readonly kind = 'fake'
    }
    const w = createAppWindow(FakeWindow, '/app/out/preload/index.cjs')
    expect(w).toBeInstanceOf(FakeWindow)
    expect(calls).toEqual([windowOptions('/app/out/preload/index.cjs')])
  })

  it('the CSP allows only the app’s own scripts and styles and no network', () => {
    expect(CONTENT_SECURITY_POLICY).toContain("default-src 'none'")
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'")
    expect(CONTENT_SECURITY_POLICY).toContain("connect-src 'none'")
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-(inline|eval)/)
  })

  it('the renderer’s index.html carries the same CSP (less frame-ancestors, header-only)', () => {
    const html = readFileSync(new URL('../src/renderer/index.html', import.meta.url), 'utf8')
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)
    const header = CONTENT_SECURITY_POLICY.split('; ').filter(
      (d) => !d.startsWith('frame-ancestors')
    )
    expect(meta?.[1]?.replace(/;\s*$/, '').split(/;\s*/).sort()).toEqual(header.sort())
  })
})

describe('web contents hardening', () => {
  function fakeContents() {
    const listeners = new Map<string, (e: { preventDefault(): void }, ...a: unknown[]) => void>()
    let openHandler: ((d: { url: string }) => { action: 'deny' }) | undefined
    const contents: HardenableContents = {
      setWindowOpenHandler: (h) => (openHandler = h),
      on: (event, l) => listeners.set(event, l)
    }
    return { contents, listeners, open: (url: string) => openHandler!({ url }) }
  }

  it('denies new windows, navigation, redirects and webviews', () => {
    const { contents, listeners, open } = fakeContents()
    const blocked: string[] = []
    hardenContents(contents, (what) => blocked.push(what))
    expect(open('https://evil.example/')).toEqual({ action: 'deny' })
    for (const event of ['will-navigate', 'will-redirect', 'will-attach-webview']) {
      let prevented = false
      listeners.get(event)!({ preventDefault: () => (prevented = true) }, 'https://evil.example/')
      expect(prevented, event).toBe(true)
    }
    expect(blocked).toEqual(['new-window', 'will-navigate', 'will-redirect'])
  })

  it('denies every permission request and check, and sets the CSP header', () => {
    let request: Parameters<HardenableSession['setPermissionRequestHandler']>[0] | undefined
    let check: ((...a: unknown[]) => boolean) | undefined
    let headers: Parameters<HardenableSession['webRequest']['onHeadersReceived']>[0] | undefined
    hardenSession({
      setPermissionRequestHandler: (h) => (request = h),
      setPermissionCheckHandler: (h) => (check = h),
      webRequest: { onHeadersReceived: (l) => (headers = l) }
    })
    for (const p of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal']) {
      let granted: boolean | undefined
      request!(null, p, (g) => (granted = g))
      expect(granted, p).toBe(false)
    }
    expect(check!(null, 'media')).toBe(false)
    let out: Record<string, string[]> = {}
    headers!({ responseHeaders: { 'X-A': ['1'] } }, (r) => (out = r.responseHeaders))
    expect(out).toEqual({ 'X-A': ['1'], 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] })
  })
})

describe('IPC sender validation', () => {
  const appUrl = 'app://bangui/index.html'
  const main = { url: appUrl, parent: null }

  it('accepts only the main frame showing the app page', () => {
    expect(isTrustedSender(main, main, appUrl)).toBe(true)
    expect(isTrustedSender(main, main, appUrl + '#/jail/sshd')).toBe(true)
  })

  it('refuses other frames, other pages and missing frames', () => {
    const child = { url: appUrl, parent: main }
    expect(isTrustedSender(child, main, appUrl)).toBe(false)
    const other = { url: 'file:///tmp/evil.html', parent: null }
    expect(isTrustedSender(other, other, appUrl)).toBe(false)
    for (const url of [
      'app://bangui/other.html',
      'app://evil/index.html',
      'file:///opt/bangui/resources/app.asar/out/renderer/index.html'
    ]) {
      const f = { url, parent: null }
      expect(isTrustedSender(f, f, appUrl), url).toBe(false)
    }
    const web = { url: 'https://evil.example/', parent: null }
    expect(isTrustedSender(web, web, appUrl)).toBe(false)
    expect(isTrustedSender(null, main, appUrl)).toBe(false)
    expect(isTrustedSender({ ...main }, main, appUrl)).toBe(false)
  })

  it('with a dev server, compares origins', () => {
    const dev = 'http://localhost:5173/'
    const f = { url: 'http://localhost:5173/index.html', parent: null }
    expect(isTrustedSender(f, f, dev)).toBe(true)
    const g = { url: 'http://localhost:5174/', parent: null }
    expect(isTrustedSender(g, g, dev)).toBe(false)
  })
})
