/** Small building blocks shared by every feature's dialogs and panels. */
import type { ReactNode } from 'react'
import { formatCountdown } from '../lib/format.ts'
import { selectNow, useNow } from '../lib/ticker.ts'

/** An error sentence in a live region: always styled as an error, never as a success notice. */
export function ErrorBlock(props: { children: ReactNode; testId?: string; inline?: boolean }) {
  if (props.children === null || props.children === undefined || props.children === '') return null
  return (
    <p
      className={props.inline ? 'error-text' : 'inline-alert error'}
      role="alert"
      data-testid={props.testId}
    >
      {props.children}
    </p>
  )
}

/**
 * The footer of a dialog: a cancel/close button, then the primary action (if any). Buttons are
 * disabled while busy; `busyLabel` replaces the action's label then.
 */
export function DialogFooter(props: {
  onCancel: () => void
  cancelLabel?: string
  busy?: boolean
  action?: {
    label: string
    busyLabel?: string
    onClick?: () => void
    disabled?: boolean
    tone?: 'primary' | 'danger'
    submit?: boolean
    testId?: string
    autoFocus?: boolean
  }
  cancelAutoFocus?: boolean
}) {
  const a = props.action
  return (
    <div className="dialog-actions">
      <button
        type="button"
        onClick={props.onCancel}
        disabled={props.busy}
        data-autofocus={props.cancelAutoFocus ? true : undefined}
      >
        {props.cancelLabel ?? 'Cancel'}
      </button>
      {a && (
        <button
          type={a.submit ? 'submit' : 'button'}
          className={a.tone === 'danger' ? 'danger solid' : 'primary'}
          disabled={props.busy || a.disabled}
          onClick={a.onClick}
          data-testid={a.testId}
          data-autofocus={a.autoFocus ? true : undefined}
        >
          {props.busy && a.busyLabel ? a.busyLabel : a.label}
        </button>
      )}
    </div>
  )
}

/** A one-line notice with its tone; errors are announced as alerts and styled as errors. */
export function Notice(props: {
  text: string
  tone: 'ok' | 'error'
  onDismiss: () => void
  testId?: string
}) {
  return (
    <div
      className={`notice ${props.tone === 'error' ? 'notice-error' : 'notice-ok'}`}
      role={props.tone === 'error' ? 'alert' : 'status'}
      data-testid={props.testId}
      data-tone={props.tone}
    >
      <span>{props.text}</span>
      <button type="button" className="icon-button" onClick={props.onDismiss} aria-label="Dismiss">
        ×
      </button>
    </div>
  )
}

/** A live countdown to `at`: re-renders once a second from the shared clock, nothing else does. */
export function Countdown({ at }: { at: number }) {
  const now = useNow(selectNow)
  const text = formatCountdown(at, now)
  return <span className={`countdown${text === 'expired' ? ' expired' : ''}`}>{text}</span>
}
