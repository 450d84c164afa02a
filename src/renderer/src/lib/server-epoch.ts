/**
 * Which server the per-server views belong to, as a counter: a switch of the active server
 * bumps it, and an answer that was asked for before the switch (the old server's jails,
 * settings or version) is dropped when it arrives.
 */
let epoch = 0

export const serverEpoch = (): number => epoch

/** The active server changed (app/wiring.ts, before the views start over). */
export function nextServerEpoch(): void {
  epoch++
}
