import { Dialog } from '../../../app/Dialog.tsx'
import { DialogFooter, ErrorBlock } from '../../../app/ui.tsx'
import { useAboutStore } from '../store.ts'

/**
 * Versions (the app, its runtime, the fail2ban server) and the licences of bundled data.
 * Third-party data is credited as its licence requires, even before the feature using it lands.
 */
export function AboutDialog({ fail2ban }: { fail2ban: string | null }) {
  const open = useAboutStore((s) => s.open)
  const info = useAboutStore((s) => s.info)
  const error = useAboutStore((s) => s.error)
  const close = useAboutStore.getState().close
  if (!open) return null
  const rows: [string, string | null | undefined][] = [
    ['BanGUI', info?.app],
    ['Electron', info ? (info.electron ?? 'not running in Electron') : undefined],
    ['Chromium', info ? (info.chrome ?? '—') : undefined],
    ['Node.js', info?.node],
    ['fail2ban server', fail2ban ?? 'not connected']
  ]
  return (
    <Dialog title="About BanGUI" onClose={close} testId="about-dialog">
      <p>A desktop front end for fail2ban: jails, bans, reloads, search and an audit log.</p>
      <dl className="about-versions" data-testid="about-versions">
        {rows.map(([k, v]) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd className="mono">{v ?? '…'}</dd>
          </div>
        ))}
      </dl>
      <ErrorBlock>{error}</ErrorBlock>
      <h3 className="about-head">Bundled data and licences</h3>
      <ul className="about-licences" data-testid="about-licences">
        <li>
          Country lookups: <strong>DB-IP Lite</strong> country database, licensed under{' '}
          <span className="mono">CC BY 4.0</span>.{' '}
          <span data-testid="dbip-credit">
            IP geolocation by DB-IP (<span className="mono">https://db-ip.com</span>)
          </span>
          .
        </li>
        <li>BanGUI talks to fail2ban (GPL-2.0) over its socket; it does not bundle fail2ban.</li>
      </ul>
      <DialogFooter onCancel={close} cancelLabel="Close" />
    </Dialog>
  )
}
