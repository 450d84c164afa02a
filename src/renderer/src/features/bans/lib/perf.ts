/**
 * The first-paint figure the e2e and `npm run bench` read: milliseconds from a ban list arriving
 * in the renderer to its rows being painted, published as `window.__banguiFirstPaintMs`.
 */
type PerfWindow = { __banguiFirstPaintMs?: number }

/** Forgets the last figure (a new list is on its way). */
export function resetFirstPaint(): void {
  delete (globalThis as PerfWindow).__banguiFirstPaintMs
}

/** Publishes the time from `since` (performance.now()) to the next painted frame. */
export function markFirstPaint(since: number): void {
  // rAF runs before the paint; a task queued from it runs after the frame has been painted.
  requestAnimationFrame(() => {
    setTimeout(() => {
      ;(globalThis as PerfWindow).__banguiFirstPaintMs = performance.now() - since
    }, 0)
  })
}
