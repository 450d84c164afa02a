import { useEffect, useId, useRef, type ReactNode } from 'react'

/**
 * A modal dialog on the native <dialog> element: the browser traps focus, makes the rest of the
 * page inert and closes on Escape (routed to `onClose`, which may refuse, e.g. while busy).
 * The element marked `data-autofocus` gets the focus when it opens.
 */
export function Dialog(props: {
  title: string
  onClose: () => void
  children: ReactNode
  testId?: string
  size?: 'normal' | 'wide'
  tone?: 'normal' | 'danger'
  describedBy?: string
}) {
  const ref = useRef<HTMLDialogElement>(null)
  const titleId = useId()
  useEffect(() => {
    const d = ref.current
    if (!d) return
    const previous = document.activeElement instanceof HTMLElement ? document.activeElement : null
    if (!d.open) d.showModal()
    d.querySelector<HTMLElement>('[data-autofocus]')?.focus()
    return () => {
      // Give the focus back to where it was (the table, a button), not to <body>.
      if (previous?.isConnected) previous.focus()
    }
  }, [])
  return (
    <dialog
      ref={ref}
      className={`dialog ${props.size === 'wide' ? 'wide' : ''} ${props.tone === 'danger' ? 'danger' : ''}`}
      aria-modal="true"
      aria-labelledby={titleId}
      aria-describedby={props.describedBy}
      data-testid={props.testId}
      onCancel={(e) => {
        e.preventDefault()
        props.onClose()
      }}
    >
      <header className="dialog-head">
        <h2 id={titleId}>{props.title}</h2>
        <button
          type="button"
          className="icon-button"
          onClick={props.onClose}
          aria-label="Dismiss"
          title="Close (Esc)"
        >
          <svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true">
            <path
              d="M3.5 3.5l9 9m0-9l-9 9"
              stroke="currentColor"
              strokeWidth="1.6"
              strokeLinecap="round"
            />
          </svg>
        </button>
      </header>
      {props.children}
    </dialog>
  )
}
