/**
 * Launch settings for Debian's Chromium, shared by Playwright's config and the bench. Never
 * `npx playwright install`: its browser download cannot work here. The background-networking
 * flags stop Chromium from reaching for Google's hosts on a closed network.
 */
export const CHROMIUM_PATH = '/usr/bin/chromium'

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync'
]
