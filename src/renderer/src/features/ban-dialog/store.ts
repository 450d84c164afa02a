/**
 * The ban dialog: text checked as the user types, a chunked ban with progress and cancel,
 * and the summary. One operation at a time, identified by a random operationId.
 */
import { create } from 'zustand'
import type { BanProgress } from '../../../../shared/model.ts'
import { errorMessage, isAppError } from '../../lib/app-error.ts'
import {
  EMPTY_SUMMARY,
  isSubmittable,
  summarizeIpInput,
  type IpInputSummary
} from './lib/ip-input.ts'
import { banDialogApi } from './api.ts'

export interface BanOutcome {
  newlyBanned: number
  /** IPs sent to fail2ban (the rest were not, after a cancel). */
  submitted: number
  cancelled: boolean
  /** IPs the user asked for. */
  total: number
}

export interface BanDialogState {
  open: boolean
  jail: string
  text: string
  summary: IpInputSummary
  /** A large paste is being checked (debounced); the summary is from the previous text. */
  checking: boolean
  status: 'editing' | 'running' | 'done' | 'error'
  operationId: string | null
  progress: BanProgress | null
  outcome: BanOutcome | null
  cancelling: boolean
  error: string | null
}

export interface BanDialogActions {
  /** Opens the dialog for a jail ('' when no jail runs), with optional text. */
  show(jail: string | null, text?: string): void
  /** Closes unless a ban is running (cancel it first). */
  close(): void
  setJail(jail: string): void
  setText(text: string): void
  submit(): Promise<void>
  cancel(): Promise<void>
  /** Applies a `banProgress` event of the running operation. */
  applyProgress(p: BanProgress): void
  /** Back to editing after a result or an error, keeping the text. */
  edit(): void
}

export type BanDialogStore = BanDialogState & BanDialogActions

export const initialBanDialogState: BanDialogState = {
  open: false,
  jail: '',
  text: '',
  summary: EMPTY_SUMMARY,
  checking: false,
  status: 'editing',
  operationId: null,
  progress: null,
  outcome: null,
  cancelling: false,
  error: null
}

/** Texts up to this length are checked on every keystroke; longer pastes after a pause. */
export const SYNC_CHECK_CHARS = 20_000
export const CHECK_DELAY_MS = 200

export const useBanDialogStore = create<BanDialogStore>()((set, get) => {
  let checkTimer: ReturnType<typeof setTimeout> | null = null
  const stopTimer = (): void => {
    if (checkTimer !== null) clearTimeout(checkTimer)
    checkTimer = null
  }
  const checkNow = (): IpInputSummary => {
    stopTimer()
    const summary = summarizeIpInput(get().text)
    set({ summary, checking: false })
    return summary
  }

  return {
    ...initialBanDialogState,
    show(jail, text = '') {
      stopTimer()
      set({
        ...initialBanDialogState,
        open: true,
        jail: jail ?? '',
        text,
        summary: summarizeIpInput(text)
      })
    },
    close() {
      if (get().status === 'running') return
      stopTimer()
      set({ open: false })
    },
    setJail(jail) {
      if (get().status !== 'running') set({ jail })
    },
    setText(text) {
      if (get().status === 'running') return
      set({ text, status: 'editing', outcome: null, error: null })
      if (text.length <= SYNC_CHECK_CHARS) {
        checkNow()
        return
      }
      stopTimer()
      set({ checking: true })
      checkTimer = setTimeout(checkNow, CHECK_DELAY_MS)
    },
    async submit() {
      const s = get()
      if (s.status === 'running' || s.jail === '') return
      const summary = s.checking ? checkNow() : s.summary
      if (!isSubmittable(summary)) return
      const { jail } = s
      const ips = summary.valid
      const operationId = crypto.randomUUID()
      set({
        status: 'running',
        operationId,
        cancelling: false,
        error: null,
        outcome: null,
        progress: { operationId, jail, done: 0, total: ips.length, newlyBanned: 0 }
      })
      let outcome: BanOutcome
      try {
        const r = await banDialogApi.ban(jail, ips, operationId)
        outcome = { ...r, total: ips.length }
      } catch (e) {
        if (isAppError(e, 'cancelled')) {
          const p = get().progress
          outcome = {
            newlyBanned: p?.newlyBanned ?? 0,
            submitted: p?.done ?? 0,
            cancelled: true,
            total: ips.length
          }
        } else {
          set({ status: 'error', error: errorMessage(e), cancelling: false })
          return
        }
      }
      // Main refreshed counts and the shown list (as events) before it answered.
      set({ status: 'done', outcome, cancelling: false })
    },
    async cancel() {
      const { operationId, status, cancelling } = get()
      if (operationId === null || status !== 'running' || cancelling) return
      set({ cancelling: true })
      try {
        await banDialogApi.cancel(operationId)
      } catch (e) {
        set({ cancelling: false, error: `Could not cancel: ${errorMessage(e)}` })
      }
    },
    applyProgress(p) {
      const { operationId, progress } = get()
      if (p.operationId !== operationId) return
      // Events may overtake each other; progress never goes backwards.
      if (progress && p.done < progress.done) return
      set({ progress: p })
    },
    edit() {
      if (get().status !== 'running') set({ status: 'editing', outcome: null, error: null })
    }
  }
})
