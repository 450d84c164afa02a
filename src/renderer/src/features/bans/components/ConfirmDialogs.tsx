import { useState } from 'react'
import { Dialog } from '../../../app/Dialog.tsx'
import { errorMessage } from '../../../lib/api.ts'
import { formatCount } from '../../../lib/format.ts'
import { UNBAN_ALL_EVERY_JAIL } from '../api.ts'
import { useBans } from '../store.ts'

/** Unban everything in a jail (or every jail): the user types the jail name to confirm. */
export function UnbanAllDialog({
  jail,
  count,
  onClose
}: {
  jail: string | null
  count: number
  onClose: () => void
}) {
  const unbanAll = useBans((s) => s.unbanAll)
  const [text, setText] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const expected = jail ?? UNBAN_ALL_EVERY_JAIL
  return (
    <Dialog
      title={jail ? `Unban all in ${jail}` : 'Unban all in every jail'}
      onClose={onClose}
      testId="unban-all-dialog"
    >
      <form
        onSubmit={(e) => {
          e.preventDefault()
          setBusy(true)
          unbanAll(jail, text)
            .then(onClose)
            .catch((err: unknown) => setError(errorMessage(err)))
            .finally(() => setBusy(false))
        }}
      >
        <p>
          This removes{' '}
          {jail ? `all ${formatCount(count)} bans of ${jail}` : 'every ban of every jail'} at once.
          Type <strong className="mono">{expected}</strong> to confirm.
        </p>
        <input
          className="wide-input"
          value={text}
          onChange={(e) => setText(e.target.value)}
          autoFocus
          aria-label="Confirmation"
          data-testid="confirm-input"
        />
        {error && <p className="error-text">{error}</p>}
        <div className="dialog-actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button
            type="submit"
            className="danger"
            disabled={text !== expected || busy}
            data-testid="confirm-unban-all"
          >
            Unban all
          </button>
        </div>
      </form>
    </Dialog>
  )
}

/** Confirms unbanning the selected IPs. */
export function UnbanSelectedDialog({ onClose }: { onClose: () => void }) {
  const selected = useBans((s) => s.selected)
  const jail = useBans((s) => s.jail)
  const unbanSelected = useBans((s) => s.unbanSelected)
  const sample = [...selected].slice(0, 5)
  return (
    <Dialog
      title={`Unban ${formatCount(selected.size)} IP${selected.size === 1 ? '' : 's'} in ${jail ?? ''}?`}
      onClose={onClose}
      testId="unban-dialog"
    >
      <p className="mono">
        {sample.join(', ')}
        {selected.size > sample.length
          ? ` …and ${formatCount(selected.size - sample.length)} more`
          : ''}
      </p>
      <div className="dialog-actions">
        <button type="button" onClick={onClose}>
          Cancel
        </button>
        <button
          type="button"
          className="danger"
          autoFocus
          onClick={() => void unbanSelected().then(onClose)}
          data-testid="confirm-unban"
        >
          Unban
        </button>
      </div>
    </Dialog>
  )
}
