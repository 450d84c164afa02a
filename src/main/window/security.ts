/**
 * The window's security choices, as plain data and small functions over structural types, so
 * unit tests assert them without the Electron binary. main/index.ts applies them.
 */
import type { BrowserWindowConstructorOptions } from 'electron'

/** The app's Content-Security-Policy (also in renderer/index.html as a meta tag). */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'"
].join('; ')

/** What {@link createAppWindow} needs of BrowserWindow's constructor (a fake in tests). */
export type WindowConstructor<W> = new (options: BrowserWindowConstructorOptions) => W

/**
 * Creates the app window. The options are written out literally at the `new BrowserWindow`
 * call, not assembled elsewhere, so that static scanners (Electronegativity, run by `npm test`)
 * see them where they look; {@link windowOptions} records the very same object for the tests.
 */
export function createAppWindow<W>(BrowserWindow: WindowConstructor<W>, preloadPath: string): W {
  return new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 900,
    minHeight: 560,
    show: false,
    title: 'BanGUI',
    backgroundColor: '#1b1e23',
    autoHideMenuBar: true,
    webPreferences: {
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      // Middle-click (auxclick) could open links in new windows; they are denied anyway.
      disableBlinkFeatures: 'Auxclick',
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: false,
      preload: preloadPath
    }
  })
}

/** Stands in for BrowserWindow to record what {@link createAppWindow} passes. */
class RecordedWindow {
  readonly options: BrowserWindowConstructorOptions
  constructor(options: BrowserWindowConstructorOptions) {
    this.options = options
  }
}

/** The options {@link createAppWindow} passes to BrowserWindow. */
export function windowOptions(preloadPath: string): BrowserWindowConstructorOptions {
  return createAppWindow(RecordedWindow, preloadPath).options
}

/** The parts of WebContents the hardening touches (structural, for tests). */
export interface HardenableContents {
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void
  on(
    event: 'will-navigate' | 'will-redirect' | 'will-attach-webview',
    listener: (event: { preventDefault(): void }, ...args: unknown[]) => void
  ): unknown
}

/** Denies new windows, every navigation and redirect away from the loaded page, and webviews. */
export function hardenContents(
  contents: HardenableContents,
  onBlocked?: (what: string, url: string) => void
): void {
  contents.setWindowOpenHandler(({ url }) => {
    onBlocked?.('new-window', url)
    return { action: 'deny' }
  })
  for (const event of ['will-navigate', 'will-redirect'] as const) {
    contents.on(event, (e, url) => {
      e.preventDefault()
      onBlocked?.(event, String(url))
    })
  }
  contents.on('will-attach-webview', (e) => e.preventDefault())
}

/** The parts of Session the hardening touches. */
export interface HardenableSession {
  setPermissionRequestHandler(
    handler: (wc: unknown, permission: string, callback: (granted: boolean) => void) => void
  ): void
  setPermissionCheckHandler(handler: (...args: unknown[]) => boolean): void
  webRequest: {
    onHeadersReceived(
      listener: (
        details: { responseHeaders?: Record<string, string[]> },
        callback: (response: { responseHeaders: Record<string, string[]> }) => void
      ) => void
    ): void
  }
}

/** Denies every permission request and check, and adds the CSP header to every response. */
export function hardenSession(session: HardenableSession): void {
  session.setPermissionRequestHandler((_wc, _permission, callback) => callback(false))
  session.setPermissionCheckHandler(() => false)
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: {
        ...details.responseHeaders,
        'Content-Security-Policy': [CONTENT_SECURITY_POLICY]
      }
    })
  })
}

/**
 * IPC sender check: only the main frame of our own window, showing our own page, may invoke.
 * `appUrl` is the loaded page's URL (app://bangui/index.html, or the dev server's origin).
 * `app:` is not a special scheme to WHATWG URL (its origin is "null"), so host and path are
 * compared instead.
 */
export function isTrustedSender(
  frame: { url: string; parent: unknown } | null | undefined,
  mainFrame: unknown,
  appUrl: string
): boolean {
  if (!frame || frame !== mainFrame || frame.parent !== null) return false
  try {
    const got = new URL(frame.url)
    const want = new URL(appUrl)
    if (want.protocol === 'http:' || want.protocol === 'https:') return got.origin === want.origin
    return (
      got.protocol === want.protocol && got.host === want.host && got.pathname === want.pathname
    )
  } catch {
    return false
  }
}
