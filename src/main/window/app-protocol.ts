/**
 * The renderer is served from `app://bangui/…`, a custom protocol (Electron security checklist,
 * item 18), not from `file://`: a `file://` page shares its origin with every local file, and
 * keeping it would need the `grantFileProtocolExtraPrivileges` fuse on. The handler serves only
 * files under the renderer's build directory, read by main; everything else is a 404.
 * Plain functions over web-standard Request/Response: tested in Node without Electron.
 */
import { readFile } from 'node:fs/promises'
import { extname, join, normalize, sep } from 'node:path'
import { CONTENT_SECURITY_POLICY } from './security.ts'

export const APP_SCHEME = 'app'
export const APP_HOST = 'bangui'
/** The page the window loads in a packaged (or built) app. */
export const APP_URL = `${APP_SCHEME}://${APP_HOST}/index.html`

/** For `protocol.registerSchemesAsPrivileged`, before the app is ready. */
export const APP_SCHEME_PRIVILEGES = {
  scheme: APP_SCHEME,
  // standard: relative URLs and an origin; secure: a secure context, as file:// was;
  // supportFetchAPI as in Electron's own protocol.handle example (the CSP still allows no
  // fetch: connect-src 'none'). Other origins get no CORS access (corsEnabled is not set).
  privileges: { standard: true, secure: true, supportFetchAPI: true }
} as const

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf'
}

/**
 * The file an `app://` URL names inside `root`, or null if it names anything else: another
 * host, a path that leaves `root` (`..`, encoded or not), a NUL byte, an unknown file type.
 */
export function resolveAppPath(root: string, url: string): string | null {
  let u: URL
  try {
    u = new URL(url)
  } catch {
    return null
  }
  if (u.protocol !== `${APP_SCHEME}:` || u.host !== APP_HOST) return null
  let path: string
  try {
    path = decodeURIComponent(u.pathname)
  } catch {
    return null
  }
  if (path.includes('\0') || path.includes('\\')) return null
  if (path === '/' || path === '') path = '/index.html'
  const rootNorm = normalize(root + sep)
  const file = normalize(join(rootNorm, path))
  if (!file.startsWith(rootNorm)) return null
  if (!(extname(file) in MIME)) return null
  return file
}

/** The `protocol.handle` handler for `app://`: files under `root`, with the CSP header. */
export function appProtocolHandler(root: string): (request: Request) => Promise<Response> {
  return async (request) => {
    const notFound = (): Response => new Response('not found', { status: 404 })
    if (request.method !== 'GET') return new Response('method not allowed', { status: 405 })
    const file = resolveAppPath(root, request.url)
    if (file === null) return notFound()
    let body: Buffer
    try {
      body = await readFile(file)
    } catch {
      return notFound()
    }
    return new Response(new Uint8Array(body), {
      status: 200,
      headers: {
        'Content-Type': MIME[extname(file)]!,
        'Content-Security-Policy': CONTENT_SECURITY_POLICY,
        'X-Content-Type-Options': 'nosniff'
      }
    })
  }
}

/**
 * The URL the window loads: `ELECTRON_RENDERER_URL` (electron-vite's dev server) only in an
 * unpackaged app; a packaged app always loads its own `app://` page, whatever the environment.
 */
export function rendererUrl(isPackaged: boolean, env: Record<string, string | undefined>): string {
  const dev = env.ELECTRON_RENDERER_URL
  if (!isPackaged && dev && isLoopbackHttp(dev)) return dev
  return APP_URL
}

/** A dev server is on this machine: http(s) on a loopback host. */
function isLoopbackHttp(url: string): boolean {
  try {
    const u = new URL(url)
    return (
      (u.protocol === 'http:' || u.protocol === 'https:') &&
      ['localhost', '127.0.0.1', '[::1]'].includes(u.hostname)
    )
  } catch {
    return false
  }
}
