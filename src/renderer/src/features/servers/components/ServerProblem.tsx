import { useState } from 'react'
import type { ServerSummary } from '../../../../../shared/servers.ts'
import { copyText } from '../../bans/lib/clipboard.ts'
import { useServersStore } from '../store.ts'

/**
 * What is wrong with a server that is not connected, under its switcher row: main's sentence,
 * the config line that fixes it (copyable), Retry, and for a host key the admin put off with
 * "Not now", a way to be asked again (only on this explicit click, so no prompt loop).
 */
export function ServerProblem({ server }: { server: ServerSummary }) {
  const retrying = useServersStore((s) => s.retrying === server.id)
  const actionError = useServersStore((s) => s.actionErrors[server.id] ?? null)
  const answeredKey = useServersStore(
    (s) => server.hostKey !== null && s.answered.includes(server.hostKey.token)
  )
  const [copied, setCopied] = useState(false)
  const down = server.status !== 'connected'
  // A failed select or retry is shown even for a connected server (it is the admin's answer).
  if ((!down || server.message === null) && actionError === null) return null
  const { id } = server
  const hostKey = server.failure === 'host-key-unknown' && server.hostKey !== null
  return (
    <div
      className={`server-problem ${server.status === 'failed' ? 'failed' : ''}`}
      data-testid={`server-failure-${id}`}
      role={server.status === 'failed' ? 'alert' : 'status'}
    >
      {down && server.message && <p>{server.message}</p>}
      {server.fix && (
        <code className="server-fix mono" data-testid={`server-fix-${id}`}>
          {server.fix}
        </code>
      )}
      {actionError && <p className="error-text">{actionError}</p>}
      <div className="server-problem-actions">
        {server.fix && (
          <button
            type="button"
            className="small"
            onClick={() =>
              void copyText(server.fix!).then(
                () => setCopied(true),
                () => setCopied(false)
              )
            }
            aria-label={`Copy the line that fixes ${server.name}`}
            data-testid={`server-fix-copy-${id}`}
          >
            {copied ? 'Copied' : 'Copy line'}
          </button>
        )}
        {hostKey && answeredKey && (
          <button
            type="button"
            className="small"
            onClick={() => useServersStore.getState().askHostKeyAgain(server.hostKey!.token)}
            data-testid={`server-hostkey-${id}`}
          >
            Check host key…
          </button>
        )}
        {down && server.status !== 'connecting' && (
          <button
            type="button"
            className="small"
            onClick={() => void useServersStore.getState().retry(id)}
            disabled={retrying}
            data-testid={`server-retry-${id}`}
          >
            {retrying ? 'Retrying…' : 'Retry'}
          </button>
        )}
      </div>
    </div>
  )
}
