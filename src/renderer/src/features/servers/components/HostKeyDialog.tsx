import { useId } from 'react'
import { Dialog } from '../../../app/Dialog.tsx'
import { ErrorBlock } from '../../../app/ui.tsx'
import { useManageStore } from '../manage-store.ts'
import { pendingHostKey, selectServers, type HostKeyPrompt } from '../selectors.ts'
import { useServersStore } from '../store.ts'

/**
 * OpenSSH's question for an unknown host, as a modal: the fingerprint as `ssh-keygen -lf`
 * prints it, "Accept and connect" or "Not now". Asked for a saved server main reports, or for
 * the profile the Servers dialog just tested. A token answered once is not asked again.
 */
export function HostKeyDialog() {
  const servers = useServersStore(selectServers)
  const answered = useServersStore((s) => s.answered)
  const test = useManageStore((s) => s.lastTest)
  const testQuestion =
    test && !test.result.ok ? { name: test.name, question: test.result.hostKey } : null
  const prompt = pendingHostKey(servers, testQuestion, answered)
  // Keyed by token: another question is another dialog (opened, focused afresh).
  return prompt ? <HostKeyBody key={prompt.question.token} prompt={prompt} /> : null
}

function HostKeyBody({ prompt }: { prompt: HostKeyPrompt }) {
  const accepting = useServersStore((s) => s.accepting)
  const error = useServersStore((s) => s.hostKeyError)
  const textId = useId()
  const { question, serverName, fromTest } = prompt
  const dismiss = () => {
    if (!accepting) useServersStore.getState().dismissHostKey(question.token)
  }
  const accept = async () => {
    const ok = await useServersStore.getState().acceptHostKey(question.token)
    // The key is in known_hosts now: the test the admin ran can pass, so run it again.
    if (ok && fromTest) void useManageStore.getState().test()
  }
  return (
    <Dialog
      title={`Unknown host key: ${serverName}`}
      onClose={dismiss}
      testId="hostkey-dialog"
      describedBy={textId}
    >
      <div id={textId} className="hostkey-text">
        <p>
          The authenticity of host ‘<span className="mono">{question.host}</span>’ can’t be
          established.
        </p>
        <p>
          {question.typeLabel} key fingerprint is{' '}
          <span className="mono hostkey-fingerprint" data-testid="hostkey-fingerprint">
            {question.fingerprint}
          </span>{' '}
          <span className="muted">({question.bits} bits)</span>
        </p>
        <p className="muted small">
          Compare it with the server’s own key (<span className="mono">ssh-keygen -lf</span> on its
          host key file) before you accept. Accepted keys are added to your known_hosts.
        </p>
      </div>
      <ErrorBlock testId="hostkey-error">{error}</ErrorBlock>
      <div className="dialog-actions">
        <button
          type="button"
          onClick={dismiss}
          disabled={accepting}
          data-autofocus
          data-testid="hostkey-dismiss"
        >
          Not now
        </button>
        <button
          type="button"
          className="primary"
          onClick={() => void accept()}
          disabled={accepting}
          data-testid="hostkey-accept"
        >
          {accepting ? 'Connecting…' : 'Accept and connect'}
        </button>
      </div>
    </Dialog>
  )
}
