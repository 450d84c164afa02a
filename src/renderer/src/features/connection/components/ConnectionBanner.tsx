import { openSettings } from '../../../app/wiring.ts'
import { formatDuration } from '../../../lib/format.ts'
import { selectNow, useNow } from '../../../lib/ticker.ts'
import { bannerModel, selectConnection, selectRetryError, selectRetrying } from '../selectors.ts'
import { useConnectionStore } from '../store.ts'

/** Shown whenever the app is not connected: the reason in words, what to do, and Retry. */
export function ConnectionBanner() {
  const connection = useConnectionStore(selectConnection)
  const retrying = useConnectionStore(selectRetrying)
  const retryError = useConnectionStore(selectRetryError)
  const retry = useConnectionStore.getState().retry
  const now = useNow(selectNow)
  const model = bannerModel(connection, now)
  if (!model) return null
  return (
    <div
      className={`banner banner-${model.tone}`}
      data-testid="connection-banner"
      data-status={model.status}
    >
      <span className={`banner-icon ${model.tone}`} aria-hidden="true">
        {model.tone === 'info' ? '' : '!'}
      </span>
      {/* The live region holds the words only: the countdown beside it must not be re-announced every second. */}
      <div className="banner-text" role={model.tone === 'info' ? 'status' : 'alert'}>
        <strong data-testid="connection-status">{model.title}</strong>
        {model.message && (
          <span className="banner-detail" data-testid="connection-message">
            {model.message}
          </span>
        )}
        {model.hint && (
          <span className="banner-hint">
            <span className="banner-label">What to do: </span>
            {model.hint}
          </span>
        )}
        {retryError && <span className="banner-detail error-text">{retryError}</span>}
      </div>
      <div className="banner-actions">
        {model.retryIn !== null && (
          <span className="muted countdown" data-testid="connection-countdown">
            {model.retryIn > 0 ? `Next attempt in ${formatDuration(model.retryIn)}` : 'Retrying…'}
          </span>
        )}
        {(model.status === 'socket-missing' ||
          model.status === 'permission-denied' ||
          model.status === 'bad-reply') && (
          <button type="button" onClick={openSettings} data-testid="banner-settings">
            Settings…
          </button>
        )}
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
