import { useState } from 'react'
import {
  POLL_INTERVAL_MAX_MS,
  POLL_INTERVAL_MIN_MS,
  socketPathSchema,
  type SettingsPatch
} from '../../../../../shared/settings.ts'
import { Dialog } from '../../../app/Dialog.tsx'
import { DialogFooter, ErrorBlock } from '../../../app/ui.tsx'
import { useSettingsStore, type SettingsField } from '../store.ts'

/** Every setting of the settings file, validated here and by main, applied as soon as saved. */
export function SettingsDialog({ jails }: { jails: readonly string[] }) {
  const open = useSettingsStore((s) => s.open)
  return open ? <SettingsBody jails={jails} /> : null
}

function SettingsBody({ jails }: { jails: readonly string[] }) {
  const state = useSettingsStore((s) => s.state)
  const status = useSettingsStore((s) => s.status)
  const loadError = useSettingsStore((s) => s.loadError)
  const { close, load } = useSettingsStore.getState()
  return (
    <Dialog title="Settings" onClose={close} testId="settings-dialog" size="wide">
      {status === 'error' && (
        <ErrorBlock testId="settings-load-error">
          Could not read the settings: {loadError}{' '}
          <button type="button" className="link" onClick={() => void load()}>
            Try again
          </button>
        </ErrorBlock>
      )}
      {state === null ? (
        status !== 'error' && <p className="muted">Loading…</p>
      ) : (
        <div className="settings-form">
          {state.warnings.length > 0 && (
            <div className="inline-alert warn" role="status" data-testid="settings-warnings">
              {state.warnings.map((w) => (
                <p key={w}>{w}</p>
              ))}
            </div>
          )}
          <SocketPathField
            value={state.settings.socketPath}
            effective={state.effectiveSocketPath}
            restart={state.restartRequired.includes('socketPath')}
          />
          <PollField value={state.settings.pollIntervalMs} />
          <fieldset className="settings-group">
            <legend>Notifications</legend>
            <Toggle
              field="notifications"
              label="Desktop notification on new bans"
              checked={state.settings.notifications.enabled}
              patch={(v) => ({ notifications: { enabled: v } })}
              testId="set-notifications"
            />
            <FieldError field="notifications" />
            {jails.length > 0 && (
              <div className="per-jail" aria-label="Notifications per jail" role="group">
                {jails.map((j) => (
                  <Toggle
                    key={j}
                    field="perJail"
                    label={j}
                    mono
                    disabled={!state.settings.notifications.enabled}
                    checked={state.settings.notifications.perJail[j] ?? true}
                    patch={(v) => ({ notifications: { perJail: { [j]: v } } })}
                    testId={`set-notify-${j}`}
                  />
                ))}
              </div>
            )}
            <FieldError field="perJail" />
          </fieldset>
          <fieldset className="settings-group">
            <legend>Window</legend>
            <Toggle
              field="startMinimized"
              label="Start minimized to the tray"
              checked={state.settings.startMinimized}
              patch={(v) => ({ startMinimized: v })}
              testId="set-start-minimized"
            />
            <Toggle
              field="closeToTray"
              label="Closing the window keeps BanGUI running in the tray"
              checked={state.settings.closeToTray}
              patch={(v) => ({ closeToTray: v })}
              testId="set-close-to-tray"
            />
            <FieldError field="startMinimized" />
            <FieldError field="closeToTray" />
          </fieldset>
          <p className="muted small">
            Stored in{' '}
            <span className="mono">{state.file ?? 'memory only (not saved to disk)'}</span>. Every
            change is applied at once.
          </p>
        </div>
      )}
      <DialogFooter onCancel={close} cancelLabel="Close" />
    </Dialog>
  )
}

function FieldError({ field }: { field: SettingsField }) {
  const error = useSettingsStore((s) => s.errors[field])
  return (
    <ErrorBlock inline testId={`settings-error-${field}`}>
      {error}
    </ErrorBlock>
  )
}

function SavedHint({ field }: { field: SettingsField }) {
  const saved = useSettingsStore((s) => s.saved === field)
  return saved ? (
    <span className="muted small" role="status" data-testid={`settings-saved-${field}`}>
      Saved.
    </span>
  ) : null
}

function SocketPathField(props: { value: string; effective: string; restart: boolean }) {
  const [text, setText] = useState(props.value)
  const saving = useSettingsStore((s) => s.saving === 'socketPath')
  const save = useSettingsStore.getState().save
  const check = socketPathSchema.safeParse(text)
  const local = text === props.value ? null : check.success ? null : check.error.issues[0]?.message
  return (
    <form
      className="field"
      onSubmit={(e) => {
        e.preventDefault()
        if (check.success && text !== props.value) void save('socketPath', { socketPath: text })
      }}
    >
      <label htmlFor="set-socket">fail2ban socket path</label>
      <div className="inline-form">
        <input
          id="set-socket"
          className="wide-input mono"
          value={text}
          onChange={(e) => setText(e.target.value)}
          aria-invalid={local ? true : undefined}
          spellCheck={false}
          data-testid="set-socket"
        />
        <button
          type="submit"
          className="small primary"
          disabled={!check.success || text === props.value || saving}
          data-testid="save-socket"
        >
          {saving ? 'Checking…' : 'Save'}
        </button>
        <SavedHint field="socketPath" />
      </div>
      {local && <ErrorBlock inline>{local}</ErrorBlock>}
      <FieldError field="socketPath" />
      <span className="field-hint muted">
        In use now: <span className="mono">{props.effective}</span>. BanGUI only uses a socket owned
        by root (or you) in a directory nobody else can write to.
        {props.restart && ' The new path applies after a restart of BanGUI.'}
      </span>
    </form>
  )
}

function PollField({ value }: { value: number }) {
  const [text, setText] = useState(String(value / 1000))
  const saving = useSettingsStore((s) => s.saving === 'pollIntervalMs')
  const save = useSettingsStore.getState().save
  const seconds = Number(text)
  const ms = Math.round(seconds * 1000)
  const valid =
    text.trim() !== '' &&
    Number.isFinite(seconds) &&
    ms >= POLL_INTERVAL_MIN_MS &&
    ms <= POLL_INTERVAL_MAX_MS
  return (
    <form
      className="field"
      onSubmit={(e) => {
        e.preventDefault()
        if (valid && ms !== value) void save('pollIntervalMs', { pollIntervalMs: ms })
      }}
    >
      <label htmlFor="set-poll">Check fail2ban every (seconds)</label>
      <div className="inline-form">
        <input
          id="set-poll"
          inputMode="decimal"
          value={text}
          onChange={(e) => setText(e.target.value)}
          aria-invalid={valid ? undefined : true}
          data-testid="set-poll"
        />
        <button
          type="submit"
          className="small primary"
          disabled={!valid || ms === value || saving}
          data-testid="save-poll"
        >
          Save
        </button>
        <SavedHint field="pollIntervalMs" />
      </div>
      {!valid && (
        <ErrorBlock inline>
          From {POLL_INTERVAL_MIN_MS / 1000} to {POLL_INTERVAL_MAX_MS / 1000} seconds.
        </ErrorBlock>
      )}
      <FieldError field="pollIntervalMs" />
    </form>
  )
}

function Toggle(props: {
  field: SettingsField
  label: string
  checked: boolean
  patch: (v: boolean) => SettingsPatch
  testId: string
  disabled?: boolean
  mono?: boolean
}) {
  const saving = useSettingsStore((s) => s.saving !== null)
  const save = useSettingsStore.getState().save
  return (
    <label className="check">
      <input
        type="checkbox"
        checked={props.checked}
        disabled={saving || props.disabled}
        onChange={(e) => void save(props.field, props.patch(e.target.checked))}
        data-testid={props.testId}
      />
      <span className={props.mono ? 'mono' : undefined}>{props.label}</span>
    </label>
  )
}
