import { Dialog } from '../../../app/Dialog.tsx'
import { DialogFooter, ErrorBlock } from '../../../app/ui.tsx'
import { openBanDialogFor } from '../../../app/wiring.ts'
import { formatCount, plural } from '../../../lib/format.ts'
import { selectOnline, useOnline } from '../../../lib/online.ts'
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
  const confirmStart = useJailsStore((s) => s.confirmStart)
  const { start, askStart, dismissStart, askStop, stop, dismissStop } = useJailsStore.getState()
  const online = useOnline(selectOnline)

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
            <span
              className={`state-chip ${online ? (jail.running ? 'on' : 'off') : 'off stale'}`}
              data-testid="jail-state"
              title={online ? undefined : 'Last known state: fail2ban is not reachable'}
            >
              {jail.running ? 'running' : 'stopped'}
              {online ? '' : ' (last known)'}
            </span>
          </h1>
          <dl className={`stats${online ? '' : ' stale'}`} data-testid="jail-stats">
            <div>
              <dt>Bans now</dt>
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
              onClick={() => openBanDialogFor(jail.name)}
              disabled={!online}
              data-testid="open-ban-dialog"
              aria-keyshortcuts="Control+B"
              title="Ban IPs in this jail (Ctrl+B)"
            >
              Ban IPs…
            </button>
          )}
          <button
            type="button"
            disabled={isBusy || !online}
            onClick={() => (jail.running ? askStop(jail.name) : askStart(jail.name))}
            data-testid="jail-toggle"
            title={
              jail.running
                ? 'Stop this jail: its actions lift its bans'
                : 'Start this jail: reloads the whole configuration (reload --all)'
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
      <ErrorBlock testId="jail-action-error">{actionError}</ErrorBlock>
      {jail.running ? (
        <>
          <JailSettingsPanel jail={jail.name} />
          <BansPanel jail={jail.name} />
        </>
      ) : (
        <div className="empty-main" data-testid="jail-stopped">
          <div className="empty-card">
            <h2>{jail.problem ? 'This jail failed to start' : 'This jail is stopped'}</h2>
            {jail.problem && (
              <p className="error-text" data-testid="jail-problem">
                fail2ban: {jail.problem}
              </p>
            )}
            <p className="muted">
              It bans nothing while stopped. Starting it reloads fail2ban’s whole configuration.
            </p>
            <button
              type="button"
              className="primary"
              disabled={isBusy || !online}
              onClick={() => askStart(jail.name)}
              data-testid="start-jail"
            >
              {isBusy ? 'Starting…' : 'Start jail…'}
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
            A stopped jail bans nobody, and its actions lift its current{' '}
            {plural(jail.currentlyBanned, 'ban')}. It stays stopped until you start it or reload
            fail2ban.
          </p>
          <DialogFooter
            onCancel={dismissStop}
            cancelLabel="Keep running"
            cancelAutoFocus
            action={{
              label: 'Stop jail',
              tone: 'danger',
              onClick: () => void stop(jail.name),
              testId: 'confirm-stop'
            }}
          />
        </Dialog>
      )}
      {confirmStart === jail.name && (
        <Dialog title={`Start ${jail.name}?`} onClose={dismissStart} testId="start-dialog">
          <p data-testid="start-explainer">
            fail2ban forgets a stopped jail, so the only way to start it is to reload fail2ban’s
            whole configuration (<span className="mono">fail2ban-client reload --all</span>).
          </p>
          <p className="warn-text">
            Every jail keeps its bans, but changes made here at runtime — ban time, find time, max
            retry, ignored IPs — go back to the values in the configuration files, in every jail.
          </p>
          <DialogFooter
            onCancel={dismissStart}
            action={{
              label: 'Reload and start',
              onClick: () => void start(jail.name),
              testId: 'confirm-start',
              autoFocus: true
            }}
          />
        </Dialog>
      )}
    </div>
  )
}
