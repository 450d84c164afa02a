import { BansPanel } from '../../bans/components/BansPanel.tsx'
import { formatCount } from '../../../lib/format.ts'
import { useJails } from '../store.ts'
import { JailSettingsPanel } from './JailSettingsPanel.tsx'

/** The selected jail: counts, start/stop, settings and its bans. */
export function JailDetail() {
  const jail = useJails((s) => s.jails.find((j) => j.name === s.selected))
  const busy = useJails((s) => s.busy)
  const setRunning = useJails((s) => s.setRunning)
  if (!jail) return <div className="empty-main muted">Select a jail.</div>
  return (
    <div className="detail" data-testid="jail-detail">
      <header className="detail-head">
        <div>
          <h1>{jail.name}</h1>
          <p className="muted">
            {jail.running ? 'running' : 'stopped'} · {formatCount(jail.currentlyBanned)} banned now
            ({formatCount(jail.totalBanned)} total) · {formatCount(jail.currentlyFailed)} failing (
            {formatCount(jail.totalFailed)} total)
          </p>
        </div>
        <button
          type="button"
          disabled={busy === jail.name}
          onClick={() => void setRunning(jail.name, !jail.running)}
          data-testid="jail-toggle"
          title={
            jail.running
              ? 'Stop this jail (its bans are lifted by its actions)'
              : 'Start: reloads the configuration to bring the jail back'
          }
        >
          {busy === jail.name ? '…' : jail.running ? 'Stop jail' : 'Start jail'}
        </button>
      </header>
      {jail.running ? (
        <>
          <JailSettingsPanel jail={jail.name} />
          <BansPanel jail={jail.name} count={jail.currentlyBanned} />
        </>
      ) : (
        <div className="empty-main muted">
          This jail is stopped. Start it to see its settings and bans.
        </div>
      )}
    </div>
  )
}
