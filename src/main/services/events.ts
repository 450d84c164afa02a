/** How services publish contract events; the IPC binding or the e2e harness delivers them. */
import type { EventContract, EventName } from '../../shared/contract.ts'

export type EventSink = <K extends EventName>(name: K, payload: EventContract[K]) => void

/** A fan-out sink: services emit once, every subscriber (window, tray, notifier) receives. */
export class EventHub {
  #listeners = new Set<EventSink>()

  readonly emit: EventSink = (name, payload) => {
    for (const l of this.#listeners) l(name, payload)
  }

  /** Adds a subscriber; returns the function that removes it. */
  subscribe(listener: EventSink): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }
}
