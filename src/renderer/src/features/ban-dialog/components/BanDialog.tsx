import { useId } from 'react'
import { Dialog } from '../../../app/Dialog.tsx'
import { formatCount, plural } from '../../../lib/format.ts'
import { useRunningJailsKey } from '../../../app/wiring.ts'
import {
  outcomeText,
  progressPercent,
  progressText,
  selectBlockedReason,
  selectCanSubmit,
  selectCancelling,
  selectChecking,
  selectError,
  selectJail,
  selectOpen,
  selectOutcome,
  selectProgress,
  selectStatus,
  selectSummary,
  selectText
} from '../selectors.ts'
import { useBanDialogStore } from '../store.ts'

/** How many refused entries the dialog lists (the rest are counted). */
const INVALID_SHOWN = 50

/** Ban one or many IPs: checked as you type, sent in chunks with progress, cancel and a summary. */
export function BanDialog() {
  const open = useBanDialogStore(selectOpen)
  return open ? <BanDialogBody /> : null
}

function BanDialogBody() {
  const jail = useBanDialogStore(selectJail)
  const text = useBanDialogStore(selectText)
  const summary = useBanDialogStore(selectSummary)
  const checking = useBanDialogStore(selectChecking)
  const status = useBanDialogStore(selectStatus)
  const progress = useBanDialogStore(selectProgress)
  const outcome = useBanDialogStore(selectOutcome)
  const cancelling = useBanDialogStore(selectCancelling)
  const error = useBanDialogStore(selectError)
  const canSubmit = useBanDialogStore(selectCanSubmit)
  const blocked = useBanDialogStore(selectBlockedReason)
  const progressLine = useBanDialogStore(progressText)
  const { close, setJail, setText, submit, cancel, edit } = useBanDialogStore.getState()
  const runningKey = useRunningJailsKey()
  const running = runningKey ? runningKey.split('\n') : []
  const ids = { jail: useId(), text: useId(), check: useId(), progress: useId() }
  const busy = status === 'running'
  const { valid, invalid, duplicates } = summary

  return (
    <Dialog title="Ban IP addresses" onClose={close} testId="ban-dialog" size="wide">
      <form
        onSubmit={(e) => {
          e.preventDefault()
          void submit()
        }}
      >
        <div className="field">
          <label htmlFor={ids.jail}>Jail</label>
          {running.length > 0 ? (
            <select
              id={ids.jail}
              value={jail}
              onChange={(e) => setJail(e.target.value)}
              disabled={busy}
              data-testid="ban-jail"
            >
              {!running.includes(jail) && <option value="">Choose a jail…</option>}
              {running.map((name) => (
                <option key={name} value={name}>
                  {name}
                </option>
              ))}
            </select>
          ) : (
            <p id={ids.jail} className="error-text">
              No jail is running: start one first.
            </p>
          )}
        </div>
        <div className="field">
          <label htmlFor={ids.text}>IP addresses or networks (CIDR)</label>
          <textarea
            id={ids.text}
            rows={8}
            value={text}
            onChange={(e) => setText(e.target.value)}
            readOnly={busy}
            placeholder={'203.0.113.7\n2001:db8::1\n198.51.100.0/24'}
            data-autofocus
            spellCheck={false}
            autoComplete="off"
            aria-describedby={ids.check}
            aria-invalid={invalid.length > 0}
            data-testid="ban-input"
          />
          <span className="field-hint">One per line, or separated by spaces or commas.</span>
        </div>

        <div id={ids.check} className="check-summary" aria-live="polite" data-testid="ban-check">
          {checking ? (
            <span className="muted">Checking…</span>
          ) : summary.tokens === 0 ? (
            <span className="muted">Nothing entered yet.</span>
          ) : (
            <>
              <span className={`chip ${valid.length ? 'ok' : ''}`}>
                {formatCount(valid.length)} valid
              </span>
              {duplicates > 0 && (
                <span className="chip">{plural(duplicates, 'duplicate')} ignored</span>
              )}
              {invalid.length > 0 && (
                <span className="chip bad">{formatCount(invalid.length)} invalid</span>
              )}
              {summary.overLimit && <span className="chip bad">too many for one ban</span>}
            </>
          )}
        </div>
        {invalid.length > 0 && (
          <ul className="invalid-list" data-testid="ban-invalid" aria-label="Refused entries">
            {invalid.slice(0, INVALID_SHOWN).map((x, i) => (
              <li key={i}>{x.reason}</li>
            ))}
            {invalid.length > INVALID_SHOWN && (
              <li className="muted">…and {formatCount(invalid.length - INVALID_SHOWN)} more</li>
            )}
          </ul>
        )}

        {progress && status !== 'editing' && (
          <div className="progress-wrap">
            <progress
              id={ids.progress}
              max={Math.max(1, progress.total)}
              value={progress.done}
              aria-label="Ban progress"
              aria-valuetext={progressLine}
              data-testid="ban-progress"
            />
            <span className="progress-pct" aria-hidden="true">
              {progressPercent(progress.done, progress.total)} %
            </span>
          </div>
        )}
        <p
          className="progress-text"
          role="status"
          aria-live="polite"
          data-testid="ban-progress-text"
        >
          {status === 'running' ? progressLine : ''}
        </p>
        {outcome && (
          <p
            className={`outcome ${outcome.cancelled ? 'warn' : 'ok'}`}
            role="status"
            data-testid="ban-summary"
          >
            {outcomeText(outcome)}
          </p>
        )}
        {error && (
          <p className="error-text" role="alert" data-testid="ban-error">
            {error}
          </p>
        )}
        {status === 'editing' && blocked && summary.tokens > 0 && (
          <p className="field-hint">{blocked}</p>
        )}

        <div className="dialog-actions">
          {busy ? (
            <button
              type="button"
              onClick={() => void cancel()}
              disabled={cancelling}
              data-testid="ban-cancel"
            >
              {cancelling ? 'Cancelling…' : 'Cancel'}
            </button>
          ) : (
            <button type="button" onClick={close}>
              Close
            </button>
          )}
          {status === 'done' || status === 'error' ? (
            <button type="button" onClick={edit} data-testid="ban-again">
              Edit and ban again
            </button>
          ) : (
            <button
              type="submit"
              className="primary"
              disabled={!canSubmit}
              data-testid="ban-submit"
              title={blocked ?? undefined}
            >
              {busy ? 'Banning…' : valid.length > 0 ? `Ban ${plural(valid.length, 'IP')}` : 'Ban'}
            </button>
          )}
        </div>
      </form>
    </Dialog>
  )
}
