import { useId } from 'react'
import { Dialog } from '../../../app/Dialog.tsx'
import { DialogFooter, ErrorBlock } from '../../../app/ui.tsx'
import { useJailChoices } from '../../../app/wiring.ts'
import {
  reloadHeadline,
  selectReloadError,
  selectReloadOpen,
  selectReloadResult,
  selectReloadStatus
} from '../selectors.ts'
import { useReloadStore } from '../store.ts'

/** Reload every jail or one chosen jail, optionally restarting; shows the verified result. */
export function ReloadDialog() {
  const open = useReloadStore(selectReloadOpen)
  return open ? <ReloadDialogBody /> : null
}

function ReloadDialogBody() {
  const status = useReloadStore(selectReloadStatus)
  const result = useReloadStore(selectReloadResult)
  const error = useReloadStore(selectReloadError)
  const target = useReloadStore((s) => s.target)
  const jail = useReloadStore((s) => s.jail)
  const restart = useReloadStore((s) => s.restart)
  const unban = useReloadStore((s) => s.unban)
  const { close, setTarget, setJail, setRestart, setUnban, run } = useReloadStore.getState()
  const jails = useJailChoices()
  const selectId = useId()
  const busy = status === 'running'
  const headline = result ? reloadHeadline(result) : null
  const chosen = jail ?? jails[0]?.name ?? null

  return (
    <Dialog title="Reload fail2ban" onClose={close} testId="reload-dialog" size="wide">
      <fieldset className="radio-group" disabled={busy}>
        <legend className="visually-hidden">What to reload</legend>
        <label className="radio">
          <input
            type="radio"
            name="reload-target"
            checked={target === 'all'}
            onChange={() => setTarget('all')}
            data-testid="reload-all"
            data-autofocus={target === 'all' ? true : undefined}
          />
          <span>
            Every jail <span className="muted">— re-reads the whole configuration</span>
          </span>
        </label>
        <label className="radio">
          <input
            type="radio"
            name="reload-target"
            checked={target === 'jail'}
            onChange={() => {
              if (chosen) setJail(chosen)
            }}
            disabled={jails.length === 0}
            data-testid="reload-selected"
          />
          <span>One jail:</span>
        </label>
        <select
          id={selectId}
          className="reload-jail"
          aria-label="Jail to reload"
          value={chosen ?? ''}
          onChange={(e) => setJail(e.target.value)}
          disabled={jails.length === 0}
          data-testid="reload-jail"
        >
          {jails.map((j) => (
            <option key={j.name} value={j.name}>
              {j.name}
              {j.running ? '' : ' (stopped)'}
            </option>
          ))}
        </select>
        <label className="check">
          <input type="checkbox" checked={restart} onChange={(e) => setRestart(e.target.checked)} />
          <span>
            Restart {target === 'all' ? 'the jails' : 'the jail'} completely{' '}
            <span className="muted">(stop and start instead of reloading in place)</span>
          </span>
        </label>
        <label className={`check nested${restart ? '' : ' muted'}`}>
          <input
            type="checkbox"
            checked={unban}
            disabled={!restart}
            onChange={(e) => setUnban(e.target.checked)}
          />
          <span>…and unban all their IPs</span>
        </label>
      </fieldset>
      <p className="progress-text" role="status" aria-live="polite">
        {busy ? 'Reloading… fail2ban-client is rebuilding the configuration.' : ''}
      </p>
      <ErrorBlock testId="reload-error">{error}</ErrorBlock>
      {result && headline && (
        <div
          className={`result-box ${headline.tone}`}
          data-testid="reload-result"
          data-outcome={result.outcome}
        >
          <strong>{headline.text}</strong>
          {result.failures.length > 0 && (
            <ul className="reload-failures" data-testid="reload-failures">
              {result.failures.map((f) => (
                <li key={f.jail}>
                  <span className="chip bad mono">{f.jail}</span> {f.reason}
                </li>
              ))}
            </ul>
          )}
          {result.failures.length > 0 && result.outcome !== 'not-reloaded' && (
            <p className="muted">
              They stay listed in the sidebar until a reload brings them back.
            </p>
          )}
          {result.output.trim() && (
            <details open={!result.ok}>
              <summary>fail2ban-client output</summary>
              <pre className="output">{result.output}</pre>
            </details>
          )}
        </div>
      )}
      <DialogFooter
        onCancel={close}
        cancelLabel="Close"
        busy={busy}
        action={{
          label: result ? 'Reload again' : 'Reload',
          busyLabel: 'Reloading…',
          disabled: target === 'jail' && !jail,
          onClick: () => void run(),
          testId: 'reload-run'
        }}
      />
    </Dialog>
  )
}
