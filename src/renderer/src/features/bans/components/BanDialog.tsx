import { useJails } from '../../jails/store.ts'
import { Dialog } from '../../../app/Dialog.tsx'
import { formatCount } from '../../../lib/format.ts'
import { useBanDialog } from '../store.ts'

/** Ban one or many IPs: validated as you type, sent in chunks with progress and cancel. */
export function BanDialog() {
  const d = useBanDialog()
  const jails = useJails((s) => s.jails)
  if (!d.open) return null
  const { valid, invalid, duplicates } = d.check
  const canSubmit =
    d.status === 'editing' && valid.length > 0 && invalid.length === 0 && d.jail !== ''
  const pct =
    d.progress && d.progress.total ? Math.round((d.progress.done / d.progress.total) * 100) : 0
  return (
    <Dialog title="Ban IP addresses" onClose={d.close} testId="ban-dialog" wide>
      <form
        onSubmit={(e) => {
          e.preventDefault()
          void d.submit()
        }}
      >
        <label className="field">
          <span>Jail</span>
          <select
            value={d.jail}
            onChange={(e) => d.setJail(e.target.value)}
            disabled={d.status !== 'editing'}
            data-testid="ban-jail"
          >
            {jails
              .filter((j) => j.running)
              .map((j) => (
                <option key={j.name} value={j.name}>
                  {j.name}
                </option>
              ))}
          </select>
        </label>
        <label className="field">
          <span>IP addresses or networks (CIDR), separated by lines, spaces or commas</span>
          <textarea
            rows={7}
            value={d.text}
            onChange={(e) => d.setText(e.target.value)}
            disabled={d.status !== 'editing'}
            placeholder={'203.0.113.7\n2001:db8::1\n198.51.100.0/24'}
            autoFocus
            spellCheck={false}
            data-testid="ban-input"
          />
        </label>
        <div className="check-summary" aria-live="polite" data-testid="ban-check">
          <span className="ok-text">{formatCount(valid.length)} valid</span>
          {duplicates > 0 && (
            <span className="muted">
              {' '}
              · {duplicates} duplicate{duplicates === 1 ? '' : 's'} ignored
            </span>
          )}
          {invalid.length > 0 && <span className="error-text"> · {invalid.length} invalid</span>}
        </div>
        {invalid.length > 0 && (
          <ul className="invalid-list" data-testid="ban-invalid">
            {invalid.slice(0, 8).map((x, i) => (
              <li key={i}>{x.reason}</li>
            ))}
            {invalid.length > 8 && <li className="muted">…and {invalid.length - 8} more</li>}
          </ul>
        )}
        {d.progress && d.status !== 'editing' && (
          <div className="progress-wrap" aria-live="polite">
            <progress max={d.progress.total} value={d.progress.done} data-testid="ban-progress" />
            <span>
              {formatCount(d.progress.done)} / {formatCount(d.progress.total)} ({pct} %)
            </span>
          </div>
        )}
        {d.result && (
          <p className="ok-text" data-testid="ban-summary">
            {d.result.cancelled ? 'Cancelled: ' : ''}
            {formatCount(d.result.newlyBanned)} newly banned
            {d.result.submitted - d.result.newlyBanned > 0
              ? `, ${formatCount(d.result.submitted - d.result.newlyBanned)} were already banned`
              : ''}
            {d.result.cancelled
              ? `, ${formatCount(valid.length - d.result.submitted)} not sent`
              : ''}
            .
          </p>
        )}
        {d.error && (
          <p className="error-text" role="alert" data-testid="ban-error">
            {d.error}
          </p>
        )}
        <div className="dialog-actions">
          {d.status === 'running' ? (
            <button type="button" onClick={() => void d.cancel()} data-testid="ban-cancel">
              Cancel
            </button>
          ) : (
            <button type="button" onClick={d.close}>
              Close
            </button>
          )}
          {d.status === 'editing' && (
            <button
              type="submit"
              className="primary"
              disabled={!canSubmit}
              data-testid="ban-submit"
            >
              Ban {valid.length > 0 ? formatCount(valid.length) : ''}
            </button>
          )}
        </div>
      </form>
    </Dialog>
  )
}
