import { useEffect, useState } from 'react'
import { STATUS_TEXT, useConnection } from '../store.ts'

/** Shown whenever the app is not connected: the reason in words, what to do, and Retry. */
export function ConnectionBanner() {
  const state = useConnection((s) => s.state)
  const retrying = useConnection((s) => s.retrying)
  const retry = useConnection((s) => s.retry)
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    if (!state?.nextRetryAt) return
    const t = setInterval(() => setNow(Date.now()), 500)
    return () => clearInterval(t)
  }, [state?.nextRetryAt])

  if (!state || state.status === 'connected') return null
  const text = STATUS_TEXT[state.status]
  const wait = state.nextRetryAt ? Math.max(0, Math.ceil((state.nextRetryAt - now) / 1000)) : null
  const severe = state.status === 'permission-denied' || state.status === 'socket-missing'
  return (
    <div
      className={`banner ${severe ? 'banner-error' : 'banner-warn'}`}
      role="alert"
      data-testid="connection-banner"
    >
      <div className="banner-text">
        <strong data-testid="connection-status">{text.title}</strong>
        {state.message && <span className="banner-detail">{state.message}</span>}
        {text.hint && !state.message && <span className="banner-hint">{text.hint}</span>}
      </div>
      <div className="banner-actions">
        {wait !== null && wait > 0 && <span className="muted">retrying in {wait} s</span>}
        <button
          type="button"
          onClick={() => void retry()}
          disabled={retrying}
          data-testid="connection-retry"
        >
          {retrying ? 'Retrying…' : 'Retry now'}
        </button>
      </div>
    </div>
  )
}
