import { useState } from 'react'
import { Dialog } from '../../../app/Dialog.tsx'
import { useJails } from '../../jails/store.ts'
import type { Scope } from '../api.ts'
import { useReload } from '../store.ts'

/** Reload all jails or one, optionally restarting; shows the verification result. */
export function ReloadDialog() {
  const r = useReload()
  const selected = useJails((s) => s.selected)
  const [target, setTarget] = useState<'all' | 'jail'>('all')
  const [restart, setRestart] = useState(false)
  const [unban, setUnban] = useState(false)
  if (!r.open) return null
  const scope: Scope =
    target === 'all' || !selected ? { kind: 'all' } : { kind: 'include', jails: [selected] }
  return (
    <Dialog title="Reload fail2ban" onClose={r.close} testId="reload-dialog" wide>
      <fieldset className="radio-group" disabled={r.status === 'running'}>
        <label>
          <input type="radio" checked={target === 'all'} onChange={() => setTarget('all')} /> Every
          jail (re-reads the whole configuration)
        </label>
        <label>
          <input
            type="radio"
            checked={target === 'jail'}
            onChange={() => setTarget('jail')}
            disabled={!selected}
            data-testid="reload-selected"
          />{' '}
          Only {selected ?? 'the selected jail'}
        </label>
        <label>
          <input type="checkbox" checked={restart} onChange={(e) => setRestart(e.target.checked)} />{' '}
          Restart the jails completely
        </label>
        <label className={restart ? '' : 'muted'}>
          <input
            type="checkbox"
            checked={unban}
            disabled={!restart}
            onChange={(e) => setUnban(e.target.checked)}
          />{' '}
          …and unban their IPs
        </label>
      </fieldset>
      {r.status === 'running' && <p aria-live="polite">Reloading…</p>}
      {r.error && (
        <p className="error-text" role="alert">
          {r.error}
        </p>
      )}
      {r.result && (
        <div className={r.result.ok ? 'ok-box' : 'error-box'} data-testid="reload-result">
          <strong>
            {r.result.ok
              ? `Reloaded: ${r.result.jails.length} jail${r.result.jails.length === 1 ? '' : 's'} running (${r.result.durationMs} ms)`
              : r.result.missing.length
                ? `Not running after reload: ${r.result.missing.join(', ')}`
                : 'fail2ban-client reported an error'}
          </strong>
          {r.result.output && <pre className="output">{r.result.output}</pre>}
        </div>
      )}
      <div className="dialog-actions">
        <button type="button" onClick={r.close} disabled={r.status === 'running'}>
          Close
        </button>
        <button
          type="button"
          className="primary"
          disabled={r.status === 'running'}
          onClick={() => void r.run(scope, restart, restart && unban)}
          data-testid="reload-run"
        >
          Reload
        </button>
      </div>
    </Dialog>
  )
}
