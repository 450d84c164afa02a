/**
 * Renderer figures for `npm run bench`: the real built renderer in Debian's Chromium, wired to
 * the real services (as in the e2e), showing a jail with N bans.
 * - first paint: from the ban list arriving in the renderer to the first rows painted;
 * - scroll frames: rAF intervals over 5 s of continuous scrolling, p95;
 * - JS heap after the list is shown (CDP Performance.getMetrics);
 * - the main side's memory (this process runs the same services main runs) with the list shown.
 */
import { chromium } from '@playwright/test'
import { preview } from 'vite'
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../e2e/support/chromium.ts'
import globalSetup from '../e2e/support/global-setup.ts'
import { wirePage } from '../e2e/support/wire.ts'
import { createDispatch } from '../src/main/ipc/registry.ts'
import { createAppServices } from '../src/main/services/app-services.ts'

export interface RenderFigures {
  firstPaintMs: number
  scrollFrameP95Ms: number
  scrollFrames: number
  heapMb: number
  /** Main-side JS heap and resident set with the list watched (services of this process). */
  mainHeapMb: number
  mainRssMb: number
}

export async function benchRender(
  socketPath: string,
  jail: string,
  expected: number,
  scrollMs = 5000
): Promise<RenderFigures> {
  await globalSetup()
  const server = await preview({
    root: 'out/renderer',
    preview: { host: '127.0.0.1', port: 0 },
    build: { outDir: '.' },
    logLevel: 'silent',
    configFile: false
  })
  const url = server.resolvedUrls?.local[0]
  if (!url) throw new Error('vite preview did not start')
  const services = createAppServices({ socketPath, pollIntervalMs: 5000 })
  await services.start()
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS
  })
  try {
    const page = await browser.newPage({ viewport: { width: 1366, height: 860 } })
    const wiring = await wirePage(page, createDispatch(services), services.events)
    await page.goto(url)
    await page.getByTestId(`jail-item-${jail}`).click()
    await page.getByTestId('ban-row').first().waitFor({ timeout: 120_000 })
    const firstPaintMs = (await (
      await page.waitForFunction(
        () => (globalThis as unknown as { __banguiFirstPaintMs?: number }).__banguiFirstPaintMs,
        undefined,
        { timeout: 120_000 }
      )
    ).jsonValue()) as number
    const counts = await page.getByTestId('ban-counts').textContent()
    if (!counts?.replace(/,/g, '').includes(String(expected)))
      throw new Error(`renderer shows "${counts}", expected ${expected} bans`)

    const frames = await page.getByTestId('ban-scroll').evaluate(
      (el, ms) =>
        new Promise<number[]>((resolve) => {
          const g = globalThis as unknown as {
            requestAnimationFrame(cb: (t: number) => void): number
          }
          const raf = (cb: (t: number) => void): number => g.requestAnimationFrame(cb)
          const deltas: number[] = []
          let last = performance.now()
          const end = last + ms
          const step = (t: number): void => {
            deltas.push(t - last)
            last = t
            el.scrollTop = (el.scrollTop + 600) % Math.max(1, el.scrollHeight - el.clientHeight)
            if (t < end) raf(step)
            else resolve(deltas.slice(1))
          }
          raf(step)
        }),
      scrollMs
    )
    frames.sort((a, b) => a - b)
    const cdp = await page.context().newCDPSession(page)
    await cdp.send('HeapProfiler.collectGarbage')
    await cdp.send('Performance.enable')
    const { metrics } = await cdp.send('Performance.getMetrics')
    const heap = metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? Number.NaN
    const main = process.memoryUsage()
    wiring.unsubscribe()
    return {
      firstPaintMs: Math.round(firstPaintMs),
      scrollFrameP95Ms: Math.round(frames[Math.floor(frames.length * 0.95)]! * 10) / 10,
      scrollFrames: frames.length,
      heapMb: Math.round(heap / 1e5) / 10,
      mainHeapMb: Math.round(main.heapUsed / 1e5) / 10,
      mainRssMb: Math.round(main.rss / 1e5) / 10
    }
  } finally {
    await browser.close()
    await services.dispose()
    await new Promise<void>((r) => server.httpServer.close(() => r()))
  }
}
