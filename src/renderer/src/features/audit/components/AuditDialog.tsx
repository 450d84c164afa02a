import { useMemo } from 'react'
import type { AuditAction, AuditEntry } from '../../../../../shared/model.ts'
import { Dialog } from '../../../app/Dialog.tsx'
import { DialogFooter, ErrorBlock } from '../../../app/ui.tsx'
import { formatCount, formatDateTime, plural } from '../../../lib/format.ts'
import { EMPTY_FILTER, filterAudit, useAuditStore } from '../store.ts'

/** Every action the log can hold, with its label: a new action without a label does not compile. */
const LABEL: Record<AuditAction, string> = {
  ban: 'Ban',
  unban: 'Unban',
  unbanAll: 'Unban all',
  cancelBan: 'Cancel ban',
  reload: 'Reload',
  startJail: 'Start jail',
  stopJail: 'Stop jail',
  setJailValue: 'Change value',
  changeIgnoreIp: 'Ignore list',
  settingsChanged: 'Settings',
  chooseAccess: 'Access (helper)',
  fleetBan: 'Ban on servers',
  fleetUnban: 'Unban on servers',
  saveServer: 'Server saved',
  testServer: 'Server tested',
  removeServer: 'Server removed',
  acceptHostKey: 'Host key accepted',
  refused: 'Refused request'
}
const ACTIONS = (Object.keys(LABEL) as AuditAction[]).map((value) => ({
  value,
  label: LABEL[value]
}))

/** Every admin action BanGUI recorded: who-did-what, filterable, newest first. */
export function AuditDialog() {
  const open = useAuditStore((s) => s.open)
  return open ? <AuditBody /> : null
}

function AuditBody() {
  const status = useAuditStore((s) => s.status)
  const error = useAuditStore((s) => s.error)
  const entries = useAuditStore((s) => s.entries)
  const filter = useAuditStore((s) => s.filter)
  const { close, load, setFilter } = useAuditStore.getState()
  const shown = useMemo(() => filterAudit(entries, filter), [entries, filter])
  const jails = useMemo(
    () => [...new Set(entries.flatMap((e) => (e.target === null ? [] : [e.target])))].sort(),
    [entries]
  )
  return (
    <Dialog title="Audit log" onClose={close} testId="audit-dialog" size="wide">
      <div className="audit-filters" role="search">
        <select
          aria-label="Action"
          value={filter.action}
          onChange={(e) => setFilter({ action: e.target.value as AuditAction | '' })}
          data-testid="audit-action"
        >
          <option value="">Every action</option>
          {ACTIONS.map((a) => (
            <option key={a.value} value={a.value}>
              {a.label}
            </option>
          ))}
        </select>
        <select
          aria-label="Jail"
          value={filter.jail}
          onChange={(e) => setFilter({ jail: e.target.value })}
          data-testid="audit-jail"
        >
          <option value="">Any jail</option>
          <option value="*">Every jail / none</option>
          {jails.map((j) => (
            <option key={j} value={j}>
              {j}
            </option>
          ))}
        </select>
        <select
          aria-label="Outcome"
          value={filter.outcome}
          onChange={(e) => setFilter({ outcome: e.target.value as '' | 'ok' | 'failed' })}
          data-testid="audit-outcome"
        >
          <option value="">Any outcome</option>
          <option value="ok">Succeeded</option>
          <option value="failed">Failed</option>
        </select>
        <input
          type="search"
          placeholder="Search IP, value, message…"
          aria-label="Search the audit log"
          value={filter.text}
          onChange={(e) => setFilter({ text: e.target.value })}
          spellCheck={false}
          data-testid="audit-search"
        />
        <span className="muted" data-testid="audit-count">
          {filter === EMPTY_FILTER
            ? plural(entries.length, 'entry', 'entries')
            : `${formatCount(shown.length)} of ${plural(entries.length, 'entry', 'entries')}`}
        </span>
      </div>
      {status === 'error' && (
        <ErrorBlock testId="audit-error">
          Could not read the audit log: {error}{' '}
          <button type="button" className="link" onClick={() => void load()}>
            Try again
          </button>
        </ErrorBlock>
      )}
      {status === 'loading' && <p className="muted">Reading the audit log…</p>}
      {status === 'ready' && shown.length === 0 && (
        <p className="muted" data-testid="audit-empty">
          {entries.length === 0 ? 'Nothing recorded yet.' : 'No entry matches the filter.'}
        </p>
      )}
      {shown.length > 0 && (
        <div className="audit-scroll">
          <table className="audit-table" data-testid="audit-table">
            <thead>
              <tr>
                <th>Time</th>
                <th>Action</th>
                <th>Jail</th>
                <th>Details</th>
                <th>Outcome</th>
              </tr>
            </thead>
            <tbody>
              {shown.slice(0, 500).map((e, i) => (
                <AuditRow key={`${e.time}-${i}`} entry={e} />
              ))}
            </tbody>
          </table>
          {shown.length > 500 && (
            <p className="muted">
              The first 500 of {formatCount(shown.length)} are shown; narrow the filter.
            </p>
          )}
        </div>
      )}
      <DialogFooter onCancel={close} cancelLabel="Close" />
    </Dialog>
  )
}

function AuditRow({ entry: e }: { entry: AuditEntry }) {
  return (
    <tr data-testid="audit-row" data-ok={e.result.ok}>
      <td className="mono nowrap">{formatDateTime(Date.parse(e.time))}</td>
      <td>{LABEL[e.action] ?? e.action}</td>
      <td className="mono">
        {e.server !== undefined && <span className="muted">{e.server}: </span>}
        {e.target ?? <span className="muted">all / none</span>}
      </td>
      <td className="audit-details mono" title={JSON.stringify(e.params)}>
        {describeParams(e.params)}
      </td>
      <td className={e.result.ok ? 'ok-text' : 'error-text'}>
        {e.result.ok ? 'ok' : `${e.result.code}: ${e.result.message}`}
      </td>
    </tr>
  )
}

/** The parameters in one line: IP lists as "3 IPs: a, b, c…", the rest as key=value. */
function describeParams(params: Record<string, unknown>): string {
  return Object.entries(params)
    .map(([k, v]) => {
      if (v && typeof v === 'object' && 'count' in v && 'first' in v) {
        const l = v as { count: number; first: string[] }
        return `${plural(l.count, 'IP')}: ${l.first.join(', ')}${l.count > l.first.length ? '…' : ''}`
      }
      return `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`
    })
    .join(' · ')
}
