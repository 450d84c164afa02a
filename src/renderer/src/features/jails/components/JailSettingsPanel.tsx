import { useEffect, useState } from 'react'
import type { JailSettings } from '../../../../../shared/model.ts'
import { formatDuration } from '../../../lib/format.ts'
import { useJails } from '../store.ts'

/** Settings of the selected jail, durations in human units, with the editable values. */
export function JailSettingsPanel({ jail }: { jail: string }) {
  const settings = useJails((s) => s.settings[jail])
  const error = useJails((s) => s.settingsError)
  const load = useJails((s) => s.loadSettings)
  useEffect(() => {
    void load(jail)
  }, [jail, load])

  if (!settings) return <div className="panel muted">{error ?? 'Loading settings…'}</div>
  const inc = settings.increment
  return (
    <section className="panel settings" aria-label="Jail settings" data-testid="settings-panel">
      <dl className="settings-grid">
        <Editable
          jail={jail}
          k="bantime"
          value={settings.bantime}
          human={formatDuration(settings.bantime)}
        />
        <Editable
          jail={jail}
          k="findtime"
          value={settings.findtime}
          human={formatDuration(settings.findtime)}
        />
        <Editable
          jail={jail}
          k="maxretry"
          value={settings.maxretry}
          human={`${settings.maxretry} failures`}
        />
        <dt>Actions</dt>
        <dd>
          {settings.actions.length ? (
            settings.actions.join(', ')
          ) : (
            <span className="muted">none (bans are recorded only)</span>
          )}
        </dd>
        <dt>Log files</dt>
        <dd className="mono">{settings.logpath.join(', ') || '—'}</dd>
        <dt>Ignored</dt>
        <dd className="mono">{settings.ignoreip.join(', ') || '—'}</dd>
        <dt>Use DNS</dt>
        <dd>{settings.usedns}</dd>
        <dt>Ban time increment</dt>
        <dd data-testid="increment">{inc.enabled ? incrementText(settings) : 'off'}</dd>
        <dt>Fail regexes</dt>
        <dd>{settings.failregex.length}</dd>
      </dl>
      {error && <p className="error-text">{error}</p>}
    </section>
  )
}

function incrementText(s: JailSettings): string {
  const i = s.increment
  const parts = [`factor ${i.factor ?? '1'}`]
  if (i.multipliers) parts.push(`multipliers ${i.multipliers}`)
  if (i.formula) parts.push(`formula ${i.formula}`)
  if (i.maxtime !== null) parts.push(`max ${formatDuration(i.maxtime)}`)
  if (i.rndtime !== null) parts.push(`random +${formatDuration(i.rndtime)}`)
  if (i.overalljails) parts.push('across all jails')
  return parts.join(', ')
}

function Editable(props: {
  jail: string
  k: 'bantime' | 'findtime' | 'maxretry'
  value: number
  human: string
}) {
  const setValue = useJails((s) => s.setValue)
  const [editing, setEditing] = useState(false)
  const [text, setText] = useState(String(props.value))
  const label = { bantime: 'Ban time', findtime: 'Find time', maxretry: 'Max retry' }[props.k]
  return (
    <>
      <dt>{label}</dt>
      <dd>
        {editing ? (
          <form
            className="inline-form"
            onSubmit={(e) => {
              e.preventDefault()
              void setValue(props.jail, props.k, Number(text)).then(() => setEditing(false))
            }}
          >
            <input
              aria-label={`${label} ${props.k === 'maxretry' ? '' : '(seconds, -1 = permanent)'}`}
              value={text}
              onChange={(e) => setText(e.target.value)}
              inputMode="numeric"
              pattern="-?[0-9]+"
              autoFocus
              data-testid={`edit-${props.k}`}
            />
            <button type="submit">Save</button>
            <button type="button" onClick={() => setEditing(false)}>
              Cancel
            </button>
          </form>
        ) : (
          <button
            type="button"
            className="link"
            title="Edit"
            onClick={() => (setText(String(props.value)), setEditing(true))}
          >
            {props.human}
          </button>
        )}
      </dd>
    </>
  )
}
