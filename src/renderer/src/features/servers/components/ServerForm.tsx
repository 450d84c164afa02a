import { useId, type ReactNode } from 'react'
import { ErrorBlock } from '../../../app/ui.tsx'
import { plural } from '../../../lib/format.ts'
import type { ProfileField } from '../lib/profile-form.ts'
import { useManageStore } from '../manage-store.ts'

/** One SSH profile: the fields of shared/server-profile.ts, Save, Test and its result. */
export function ServerForm() {
  const form = useManageStore((s) => s.form)
  const saving = useManageStore((s) => s.saving)
  const testing = useManageStore((s) => s.testing)
  const formError = useManageStore((s) => s.formError)
  const fieldError = useManageStore((s) => s.fieldError)
  const { setField, save, test, backToList } = useManageStore.getState()
  const ids = { become: useId(), helper: useId() }
  return (
    <form
      className="server-form"
      onSubmit={(e) => {
        e.preventDefault()
        void save()
      }}
    >
      <TextField field="name" label="Name" testId="server-form-name" autoFocus />
      <TextField
        field="target"
        label="SSH target"
        hint="A Host alias of your ssh config, or user@host[:port] (IPv6: user@[2001:db8::1]:22)."
        testId="server-form-target"
        mono
      />
      <div className="field-row">
        <div className="field">
          <label htmlFor={ids.become}>Become root by</label>
          <select
            id={ids.become}
            value={form.become}
            onChange={(e) => setField('become', e.target.value === 'sudo' ? 'sudo' : 'root-login')}
            data-testid="server-form-become"
          >
            <option value="root-login">Logging in as root</option>
            <option value="sudo">sudo -n (no password prompt)</option>
          </select>
          <FieldError field="become" />
        </div>
        <div className="field">
          <label htmlFor={ids.helper}>Helper</label>
          <select
            id={ids.helper}
            value={form.helper}
            onChange={(e) =>
              setField('helper', e.target.value === 'installed' ? 'installed' : 'push')
            }
            data-testid="server-form-helper"
          >
            <option value="push">Sent over SSH (nothing installed)</option>
            <option value="installed">Installed on the server (bangui deb)</option>
          </select>
          <FieldError field="helper" />
        </div>
      </div>
      <TextField
        field="remoteSocket"
        label="fail2ban socket on the server (optional)"
        hint="Empty: fail2ban’s default, /var/run/fail2ban/fail2ban.sock."
        testId="server-form-socket"
        mono
      />
      <TextField
        field="remoteConf"
        label="fail2ban configuration on the server (optional)"
        hint="For reloads. Empty: /etc/fail2ban."
        testId="server-form-conf"
        mono
      />
      <TextField
        field="identityFile"
        label="Identity file, ssh -i (optional)"
        hint="An absolute path on this machine; empty: your ssh config and agent decide."
        testId="server-form-identity"
        mono
      />
      <TextField
        field="sshConfig"
        label="ssh config file, ssh -F (optional)"
        hint="An absolute path on this machine; empty: ~/.ssh/config."
        testId="server-form-sshconfig"
        mono
      />
      {fieldError && fieldError.field === null && (
        <ErrorBlock testId="server-form-error">{fieldError.message}</ErrorBlock>
      )}
      <ErrorBlock testId="server-form-error-main">{formError}</ErrorBlock>
      <TestResult />
      <div className="dialog-actions">
        <button type="button" onClick={backToList} disabled={saving}>
          Back
        </button>
        <button
          type="button"
          onClick={() => void test()}
          disabled={testing || saving}
          data-testid="server-form-test"
        >
          {testing ? 'Testing…' : 'Test'}
        </button>
        <button type="submit" className="primary" disabled={saving} data-testid="server-form-save">
          {saving ? 'Saving…' : 'Save and connect'}
        </button>
      </div>
    </form>
  )
}

function TextField(props: {
  field: Exclude<ProfileField, 'become' | 'helper'>
  label: string
  hint?: string
  testId: string
  mono?: boolean
  autoFocus?: boolean
}) {
  const value = useManageStore((s) => s.form[props.field])
  const invalid = useManageStore((s) => s.fieldError?.field === props.field)
  const id = useId()
  const hintId = useId()
  const errorId = useId()
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      <input
        id={id}
        className={`wide-input${props.mono ? ' mono' : ''}`}
        value={value}
        onChange={(e) => useManageStore.getState().setField(props.field, e.target.value)}
        aria-invalid={invalid || undefined}
        aria-describedby={
          `${props.hint ? hintId : ''} ${invalid ? errorId : ''}`.trim() || undefined
        }
        spellCheck={false}
        autoComplete="off"
        data-autofocus={props.autoFocus || undefined}
        data-testid={props.testId}
      />
      {props.hint && (
        <span id={hintId} className="field-hint">
          {props.hint}
        </span>
      )}
      <FieldError field={props.field} id={errorId} />
    </div>
  )
}

function FieldError({ field, id }: { field: ProfileField; id?: string }) {
  const message = useManageStore((s) =>
    s.fieldError?.field === field ? s.fieldError.message : null
  )
  if (message === null) return null
  return (
    <p
      id={id}
      className="error-text field-error"
      role="alert"
      data-testid={`server-form-error-${field}`}
    >
      {message}
    </p>
  )
}

/** What Test found: version and jails, or the failure with its fix line. */
function TestResult() {
  const test = useManageStore((s) => s.lastTest)
  if (!test) return null
  const r = test.result
  let body: ReactNode
  if (r.ok) {
    body = (
      <>
        <p>
          <strong>Connected.</strong> fail2ban {r.version}, {plural(r.jails.length, 'jail')} (
          {(r.elapsedMs / 1000).toFixed(1)} s).
        </p>
        {r.jails.length > 0 && <p className="mono small">{r.jails.join(', ')}</p>}
      </>
    )
  } else {
    body = (
      <>
        <p>
          <strong>Could not connect.</strong> {r.message}
        </p>
        {r.fix && (
          <pre className="output" data-testid="server-test-fix">
            {r.fix}
          </pre>
        )}
        {r.hostKey && (
          <p className="small">
            Host key {r.hostKey.typeLabel} <span className="mono">{r.hostKey.fingerprint}</span> is
            not in your known_hosts yet.
          </p>
        )}
      </>
    )
  }
  return (
    <div
      className={`result-box ${r.ok ? 'ok' : 'error'}`}
      role="status"
      data-testid="server-test-result"
      data-ok={r.ok}
    >
      {body}
    </div>
  )
}
