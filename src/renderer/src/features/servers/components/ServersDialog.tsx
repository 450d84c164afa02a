import { Dialog } from '../../../app/Dialog.tsx'
import { DialogFooter, ErrorBlock } from '../../../app/ui.tsx'
import { useManageStore } from '../manage-store.ts'
import { selectServers, sshServers, STATUS_WORD } from '../selectors.ts'
import { useServersStore } from '../store.ts'
import { ServerForm } from './ServerForm.tsx'

/** "Servers…": the SSH profiles with Add, Edit, Remove; the form for one of them. */
export function ServersDialog() {
  const open = useManageStore((s) => s.open)
  return open ? <ServersBody /> : null
}

function ServersBody() {
  const editing = useManageStore((s) => s.editing)
  const previous = useManageStore((s) => s.previous)
  const close = useManageStore.getState().close
  return (
    <Dialog
      title={editing ? (previous === null ? 'Add a server' : `Edit ${previous}`) : 'Servers'}
      onClose={close}
      testId="servers-dialog"
      size="wide"
    >
      {editing ? <ServerForm /> : <ServerListView />}
    </Dialog>
  )
}

function ServerListView() {
  const servers = sshServers(useServersStore(selectServers))
  const confirmRemove = useManageStore((s) => s.confirmRemove)
  const removing = useManageStore((s) => s.removing)
  const removeError = useManageStore((s) => s.removeError)
  const { add, edit, askRemove, cancelRemove, remove, close } = useManageStore.getState()
  return (
    <>
      <p className="muted small">
        BanGUI connects with your own <span className="mono">ssh</span> (your config, agent, keys
        and known_hosts apply) and runs its helper there; nothing is installed on the server.
      </p>
      {servers.length === 0 ? (
        <p className="muted" data-testid="servers-empty">
          No remote server yet. Add one to manage its fail2ban from here.
        </p>
      ) : (
        <ul className="server-profiles" aria-label="SSH servers">
          {servers.map((s) => (
            <li key={s.id} data-testid={`server-profile-${s.id}`}>
              <div className="server-profile-text">
                <strong>{s.name}</strong>
                <span className="mono small">{s.target}</span>
                <span className="muted small">{STATUS_WORD[s.status]}</span>
              </div>
              {confirmRemove === s.id ? (
                <div className="server-profile-actions" role="group" aria-label="Confirm removal">
                  <span className="small">Remove {s.name}?</span>
                  <button
                    type="button"
                    className="small"
                    onClick={cancelRemove}
                    disabled={removing}
                  >
                    Keep
                  </button>
                  <button
                    type="button"
                    className="small danger solid"
                    onClick={() => void remove(s.id)}
                    disabled={removing}
                    data-testid="server-remove-confirm"
                  >
                    {removing ? 'Removing…' : 'Remove'}
                  </button>
                </div>
              ) : (
                <div className="server-profile-actions">
                  <button
                    type="button"
                    className="small"
                    onClick={() => s.profile && edit(s.profile)}
                    disabled={s.profile === null}
                    aria-label={`Edit ${s.name}`}
                    data-testid={`server-edit-${s.id}`}
                  >
                    Edit
                  </button>
                  <button
                    type="button"
                    className="small danger"
                    onClick={() => askRemove(s.id)}
                    aria-label={`Remove ${s.name}`}
                    data-testid={`server-remove-${s.id}`}
                  >
                    Remove
                  </button>
                </div>
              )}
            </li>
          ))}
        </ul>
      )}
      <ErrorBlock testId="server-remove-error">{removeError}</ErrorBlock>
      <div className="server-add-row">
        <button type="button" onClick={add} data-testid="server-add">
          Add server…
        </button>
      </div>
      <DialogFooter onCancel={close} cancelLabel="Close" />
    </>
  )
}
