import { useAccessStore } from '../store.ts'
import {
  selectAccess,
  selectAccessError,
  selectCheckingSudo,
  selectChoosing,
  selectSudoCheck
} from '../selectors.ts'

/**
 * First run (the socket said "permission denied") and helper failures: how to reach fail2ban
 * without running the whole app as root, and why the shortcuts hand out root.
 */
export function AccessScreen() {
  const access = useAccessStore(selectAccess)
  const choosing = useAccessStore(selectChoosing)
  const sudoCheck = useAccessStore(selectSudoCheck)
  const checkingSudo = useAccessStore(selectCheckingSudo)
  const error = useAccessStore(selectAccessError)
  const { choose, checkSudo } = useAccessStore.getState()
  if (!access) return null
  const failed = access.mode !== 'direct' && access.helper.status === 'failed'
  const busy = choosing !== null
  return (
    <div className="empty-main access-screen" data-testid="access-screen">
      <div className="empty-card access-card">
        <h2>BanGUI needs administrator rights to talk to fail2ban</h2>
        <p className="muted">
          fail2ban’s control socket is root-only. BanGUI can start a small helper as root that
          passes on only the commands BanGUI needs (list, ban, unban, start, stop, reload, set ban
          times) and refuses everything else.
        </p>
        {failed && (
          <div className="access-failed" role="alert" data-testid="access-failed">
            <strong>The helper did not start:</strong>
            <p className="error-text">{access.helper.message}</p>
          </div>
        )}
        {error && (
          <p className="error-text" role="alert">
            {error}
          </p>
        )}
        {!access.helperInstalled && (
          <p className="error-text" data-testid="helper-missing">
            The helper is not installed at <code>{access.helperPath}</code>. Install BanGUI’s
            package (it installs the helper and its polkit policy) and try again.
          </p>
        )}
        <section className="access-option">
          <h3>Connect as administrator</h3>
          <p className="muted">
            Asks for your password once per session (through polkit, like other admin tools).
          </p>
          <button
            type="button"
            className="primary"
            disabled={busy || !access.helperInstalled}
            onClick={() => void choose('pkexec')}
            data-testid="access-pkexec"
          >
            {choosing === 'pkexec' ? 'Waiting for the password…' : 'Connect as administrator'}
          </button>
        </section>
        <section className="access-option">
          <h3>Set up passwordless access</h3>
          <p className="muted">
            A sudoers rule that lets you (and only you) start this one helper without a password:
          </p>
          <pre className="access-code" data-testid="sudoers-line">
            {access.sudoersLine}
          </pre>
          <p className="muted">Install it safely (visudo checks the file before it counts):</p>
          <pre className="access-code">{access.sudoersCommands.join('\n')}</pre>
          <button
            type="button"
            disabled={busy || checkingSudo || !access.helperInstalled}
            onClick={() => void checkSudo()}
            data-testid="access-check-sudo"
          >
            {checkingSudo ? 'Checking…' : 'Check again'}
          </button>
          {sudoCheck && (
            <p
              className={sudoCheck.ok ? 'muted' : 'error-text'}
              role="status"
              data-testid="sudo-check"
            >
              {sudoCheck.message}
            </p>
          )}
        </section>
        {failed && (
          <p>
            <button type="button" disabled={busy} onClick={() => void choose(access.mode)}>
              Try again
            </button>{' '}
            <button type="button" disabled={busy} onClick={() => void choose('direct')}>
              Use the socket directly
            </button>
          </p>
        )}
        <details className="access-why">
          <summary>Why not run BanGUI as root, or open the socket to a group?</summary>
          <p>
            fail2ban runs whatever it is sent on its socket as root (it unpickles requests), so
            whoever can open the socket owns the machine. Running the whole app as root puts a web
            renderer, its libraries and your desktop session’s files in root’s hands; giving a group
            the socket makes every member root. The helper keeps root in one small, audited program
            that checks each command against a fixed list.
          </p>
        </details>
      </div>
    </div>
  )
}
