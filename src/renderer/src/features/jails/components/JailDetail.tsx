import { Dialog } from '../../../app/Dialog.tsx'
import { formatCount } from '../../../lib/format.ts'
import { useBanDialogStore } from '../../ban-dialog/store.ts'
import { BansPanel } from '../../bans/components/BansPanel.tsx'
import { selectSelectedJail } from '../selectors.ts'
import { useJailsStore } from '../store.ts'
import { JailSettingsPanel } from './JailSettingsPanel.tsx'

/** The selected jail: counts, start/stop, settings and its bans. */
export function JailDetail() {
  const jail = useJailsStore(selectSelectedJail)
  const busy = useJailsStore((s) => s.busy)
  const actionError = useJailsStore((s) => s.actionError)
  const confirmStop = useJailsStore((s) => s.confirmStop)
  const { start, askStop, stop, dismissStop } = useJailsStore.getState()
  const showBan = useBanDialogStore((s) => s.show)

  if (!jail) {
    return (
      <div className="empty-main" data-testid="no-jail">
        <p className="muted">Select a jail on the left.</p>
      </div>
    )
  }
  const isBusy = busy === jail.name
  return (
    <div className="detail" data-testid="jail-detail">
      <header className="detail-head">
        <div className="detail-title">
          <h1>
            {jail.name}
            <span className={`state-chip ${jail.running ? 'on' : 'off'}`} data-testid="jail-state">
              {jail.running ? 'running' : 'stopped'}
            </span>
          </h1>
          <dl className="stats">
            <div>
              <dt>Banned now</dt>
              <dd data-testid="stat-banned">{formatCount(jail.currentlyBanned)}</dd>
            </div>
            <div>
              <dt>Bans total</dt>
              <dd>{formatCount(jail.totalBanned)}</dd>
            </div>
            <div>
              <dt>Failing now</dt>
              <dd>{formatCount(jail.currentlyFailed)}</dd>
            </div>
            <div>
              <dt>Failures total</dt>
              <dd>{formatCount(jail.totalFailed)}</dd>
            </div>
          </dl>
        </div>
        <div className="detail-actions">
          {jail.running && (
            <button
              type="button"
              className="primary"
              onClick={() => showBan(jail.name)}
              data-testid="open-ban-dialog"
              aria-keyshortcuts="Control+B"
              title="Ban IPs in this jail (Ctrl+B)"
            >
              Ban IPs…
            </button>
          )}
          <button
            type="button"
            disabled={isBusy}
            onClick={() => (jail.running ? askStop(jail.name) : void start(jail.name))}
            data-testid="jail-toggle"
            title={
              jail.running
                ? 'Stop this jail: its actions lift its bans'
                : 'Start this jail from the configuration'
            }
          >
            {isBusy
              ? jail.running
                ? 'Stopping…'
                : 'Starting…'
              : jail.running
                ? 'Stop jail'
                : 'Start jail'}
          </button>
        </div>
      </header>
      {actionError && (
        <p className="inline-alert error" role="alert" data-testid="jail-action-error">
          {actionError}
        </p>
      )}
      {jail.running ? (
        <>
          <JailSettingsPanel jail={jail.name} />
          <BansPanel jail={jail.name} />
        </>
      ) : (
        <div className="empty-main" data-testid="jail-stopped">
          <div className="empty-card">
            <h2>This jail is stopped</h2>
            <p className="muted">
              It bans nothing while stopped. Start it to see its settings and bans.
            </p>
            <button
              type="button"
              className="primary"
              disabled={isBusy}
              onClick={() => void start(jail.name)}
            >
              {isBusy ? 'Starting…' : 'Start jail'}
            </button>
          </div>
        </div>
      )}
      {confirmStop === jail.name && (
        <Dialog
          title={`Stop ${jail.name}?`}
          onClose={dismissStop}
          testId="stop-dialog"
          tone="danger"
        >
          <p>
            A stopped jail bans nobody, and its actions lift its {formatCount(jail.currentlyBanned)}{' '}
            current {jail.currentlyBanned === 1 ? 'ban' : 'bans'}. It stays stopped until you start
            it or reload fail2ban.
          </p>
          <div className="dialog-actions">
            <button type="button" onClick={dismissStop} data-autofocus>
              Keep running
            </button>
            <button
              type="button"
              className="danger solid"
              onClick={() => void stop(jail.name)}
              data-testid="confirm-stop"
            >
              Stop jail
            </button>
          </div>
        </Dialog>
      )}
    </div>
  )
}
