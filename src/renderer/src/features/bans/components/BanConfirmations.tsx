import { useState } from 'react'
import { Dialog } from '../../../app/Dialog.tsx'
import { DialogFooter, ErrorBlock } from '../../../app/ui.tsx'
import { formatCount, plural } from '../../../lib/format.ts'
import { UNBAN_ALL_EVERY_JAIL } from '../api.ts'
import {
  selectActionError,
  selectActionStatus,
  selectBansJail,
  selectConfirm,
  selectedIpsInOrder,
  selectTotal
} from '../selectors.ts'
import { useBansStore } from '../store.ts'

/** The pending unban confirmation, if any (opened by buttons, the Delete key or the sidebar). */
export function BanConfirmations() {
  const confirm = useBansStore(selectConfirm)
  if (confirm === null) return null
  return confirm.kind === 'unban-selected' ? (
    <UnbanSelectedDialog />
  ) : (
    <UnbanAllDialog jail={confirm.jail} />
  )
}

/** Confirms unbanning the selected IPs in the shown jail. */
function UnbanSelectedDialog() {
  const jail = useBansStore(selectBansJail)
  const busy = useBansStore(selectActionStatus) === 'running'
  const error = useBansStore(selectActionError)
  const [ips] = useState(() => selectedIpsInOrder(useBansStore.getState()))
  const { unbanSelected, dismissConfirm } = useBansStore.getState()
  const sample = ips.slice(0, 6)
  return (
    <Dialog
      title={`Unban ${plural(ips.length, 'IP')} in ${jail ?? ''}?`}
      onClose={dismissConfirm}
      testId="unban-dialog"
    >
      <ul className="ip-sample mono">
        {sample.map((ip) => (
          <li key={ip}>{ip}</li>
        ))}
        {ips.length > sample.length && (
          <li className="muted">…and {formatCount(ips.length - sample.length)} more</li>
        )}
      </ul>
      <p className="muted">
        They can connect again at once; fail2ban bans them again if they keep failing.
      </p>
      <ErrorBlock inline>{error}</ErrorBlock>
      <DialogFooter
        onCancel={dismissConfirm}
        busy={busy}
        action={{
          label: 'Unban',
          busyLabel: 'Unbanning…',
          tone: 'danger',
          autoFocus: true,
          onClick: () => void unbanSelected(),
          testId: 'confirm-unban'
        }}
      />
    </Dialog>
  )
}

/**
 * Unban everything in a jail (or in every jail): the user types the jail name (or
 * "all jails"), which is also what the contract requires as `confirm`.
 */
function UnbanAllDialog({ jail }: { jail: string | null }) {
  const shownJail = useBansStore(selectBansJail)
  const shownTotal = useBansStore(selectTotal)
  const busy = useBansStore(selectActionStatus) === 'running'
  const error = useBansStore(selectActionError)
  const { unbanAll, dismissConfirm } = useBansStore.getState()
  const [text, setText] = useState('')
  const expected = jail ?? UNBAN_ALL_EVERY_JAIL
  const matches = text === expected
  return (
    <Dialog
      title={jail ? `Unban everything in ${jail}` : 'Unban everything in every jail'}
      onClose={dismissConfirm}
      testId="unban-all-dialog"
      tone="danger"
    >
      <form
        onSubmit={(e) => {
          e.preventDefault()
          if (matches && !busy) void unbanAll(jail, text)
        }}
      >
        <p>
          {jail
            ? `This lifts ${jail === shownJail ? `all ${plural(shownTotal, 'ban')}` : 'every ban'} of ${jail} at once.`
            : 'This lifts every ban of every jail at once.'}{' '}
          It cannot be undone.
        </p>
        <label className="field">
          <span>
            Type <strong className="mono confirm-word">{expected}</strong> to confirm
          </span>
          <input
            className="wide-input mono"
            value={text}
            onChange={(e) => setText(e.target.value)}
            data-autofocus
            autoComplete="off"
            spellCheck={false}
            aria-invalid={text !== '' && !matches}
            data-testid="confirm-input"
          />
        </label>
        <ErrorBlock inline>{error}</ErrorBlock>
        <DialogFooter
          onCancel={dismissConfirm}
          busy={busy}
          action={{
            label: 'Unban all',
            busyLabel: 'Unbanning…',
            tone: 'danger',
            submit: true,
            disabled: !matches,
            testId: 'confirm-unban-all'
          }}
        />
      </form>
    </Dialog>
  )
}
