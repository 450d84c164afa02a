import { useId } from 'react'
import { Dialog } from '../../../app/Dialog.tsx'
import { ErrorBlock } from '../../../app/ui.tsx'
import { formatCount, plural } from '../../../lib/format.ts'
import { useServerChoices } from '../../../app/wiring.ts'
import { actionBlocker, useFleetActionStore } from '../action-store.ts'
import { jailNames, progressLine, resultText } from '../selectors.ts'
import { useFleetStore } from '../store.ts'

/**
 * Ban (in one jail, by name) or unban IPs on chosen servers, all at once: a line per server
 * that fills in as each one finishes, then each server's result.
 */
export function FleetActionDialog() {
  const open = useFleetActionStore((s) => s.open)
  return open ? <Body /> : null
}

function Body() {
  const s = useFleetActionStore()
  const servers = useServerChoices()
  const overview = useFleetStore((f) => f.overview)
  const { close, toggleServer, setJail, setText, submit, edit } = useFleetActionStore.getState()
  const ids = { jail: useId(), ips: useId(), jails: useId() }
  const p = `fleet-${s.mode}`
  const busy = s.status === 'running'
  const blocker = actionBlocker(s)
  const allIds = servers.map((x) => x.id)
  const names = new Map(servers.map((x) => [x.id, x.name]))
  const sent = s.status === 'editing' ? [] : s.servers
  return (
    <Dialog
      title={s.mode === 'ban' ? 'Ban on several servers' : 'Unban on several servers'}
      onClose={close}
      testId={`${p}-dialog`}
      size="wide"
    >
      <form
        onSubmit={(e) => {
          e.preventDefault()
          void submit()
        }}
      >
        <fieldset className="fleet-servers" disabled={busy}>
          <legend>Servers</legend>
          {servers.map((x) => (
            <label key={x.id} className="check">
              <input
                type="checkbox"
                checked={s.servers.includes(x.id)}
                onChange={() => toggleServer(x.id, allIds)}
                data-testid={`${p}-server-${x.id}`}
              />
              {x.name}
              {x.status !== 'connected' && <span className="muted small"> ({x.status})</span>}
            </label>
          ))}
        </fieldset>
        {s.mode === 'ban' && (
          <div className="field">
            <label htmlFor={ids.jail}>Jail (by name, on every chosen server)</label>
            <input
              id={ids.jail}
              className="mono"
              list={ids.jails}
              value={s.jail}
              onChange={(e) => setJail(e.target.value)}
              readOnly={busy}
              spellCheck={false}
              autoComplete="off"
              data-testid={`${p}-jail`}
            />
            <datalist id={ids.jails}>
              {jailNames(overview?.servers ?? []).map((j) => (
                <option key={j} value={j} />
              ))}
            </datalist>
          </div>
        )}
        <div className="field">
          <label htmlFor={ids.ips}>IP addresses or networks (CIDR)</label>
          <textarea
            id={ids.ips}
            rows={5}
            value={s.text}
            onChange={(e) => setText(e.target.value)}
            readOnly={busy}
            spellCheck={false}
            autoComplete="off"
            data-autofocus
            aria-invalid={s.summary.invalid.length > 0}
            data-testid={`${p}-ips`}
          />
          <span className="field-hint">
            {s.summary.tokens === 0
              ? 'One per line, or separated by spaces or commas.'
              : `${formatCount(s.summary.valid.length)} valid${
                  s.summary.invalid.length
                    ? `, ${formatCount(s.summary.invalid.length)} invalid: ${s.summary.invalid
                        .slice(0, 3)
                        .map((x) => x.reason)
                        .join('; ')}`
                    : ''
                }`}
          </span>
        </div>
        {sent.length > 0 && (
          <div className="fleet-results" role="status" aria-live="polite">
            {busy && (
              <div className="progress-wrap">
                <progress
                  max={sent.length}
                  value={Object.keys(s.progress).length}
                  aria-label={`${s.mode === 'ban' ? 'Ban' : 'Unban'} progress`}
                  aria-valuetext={progressLine(s.progress, sent.length)}
                />
                <span className="progress-text" data-testid={`${p}-progress`}>
                  {progressLine(s.progress, sent.length)}
                </span>
              </div>
            )}
            <ul>
              {sent.map((id) => {
                const r = s.results?.find((x) => x.server === id)
                const ev = s.progress[id]
                const ok = r ? r.ok : ev?.ok
                const text = r ? resultText(s.mode, r) : ev ? (ev.message ?? 'done') : 'working…'
                return (
                  <li
                    key={id}
                    className={ok === undefined ? 'muted' : ok ? 'ok-text' : 'error-text'}
                    data-testid={`fleet-result-${id}`}
                    data-ok={ok === undefined ? undefined : ok}
                  >
                    <strong>{names.get(id) ?? id}</strong>: {text}
                  </li>
                )
              })}
            </ul>
          </div>
        )}
        <ErrorBlock testId={`${p}-error`}>{s.error}</ErrorBlock>
        {s.status === 'editing' && blocker && s.summary.tokens > 0 && (
          <p className="field-hint">{blocker}</p>
        )}
        <div className="dialog-actions">
          <button type="button" onClick={close} disabled={busy}>
            Close
          </button>
          {s.status === 'done' || s.status === 'error' ? (
            <button type="button" onClick={edit} data-testid={`${p}-again`}>
              Edit and run again
            </button>
          ) : (
            <button
              type="submit"
              className={s.mode === 'ban' ? 'primary' : 'danger solid'}
              disabled={busy || blocker !== null}
              title={blocker ?? undefined}
              data-testid={`${p}-submit`}
            >
              {busy
                ? s.mode === 'ban'
                  ? 'Banning…'
                  : 'Unbanning…'
                : `${s.mode === 'ban' ? 'Ban' : 'Unban'} ${plural(s.summary.valid.length, 'IP')} on ${plural(s.servers.length, 'server')}`}
            </button>
          )}
        </div>
      </form>
    </Dialog>
  )
}
