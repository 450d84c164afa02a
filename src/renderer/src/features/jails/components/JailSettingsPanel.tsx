import { useEffect, useId, useState } from 'react'
import { checkIgnoreIp } from '../../../../../shared/validation.ts'
import { bansEndingAt } from '../../../app/wiring.ts'
import { selectOnline, useOnline } from '../../../lib/online.ts'
import { selectNow, useNow } from '../../../lib/ticker.ts'
import { durationInputText, parseDuration } from '../lib/duration-input.ts'
import { formatCount, formatDuration, plural } from '../../../lib/format.ts'
import { incrementText, selectSettingsOf } from '../selectors.ts'
import { useJailsStore, type JailValueKey } from '../store.ts'

/** Settings of the shown jail: durations in human units, the editable values, increment. */
export function JailSettingsPanel({ jail }: { jail: string }) {
  const settings = useJailsStore(selectSettingsOf(jail))
  const status = useJailsStore((s) => s.settingsStatus)
  const error = useJailsStore((s) => s.settingsError)
  const loadSettings = useJailsStore.getState().loadSettings
  useEffect(() => {
    void loadSettings(jail)
  }, [jail, loadSettings])

  if (!settings) {
    return (
      <section className="panel settings" aria-label="Jail settings" data-testid="settings-panel">
        {status === 'error' ? (
          <p className="error-text" role="alert">
            Could not read the settings: {error}{' '}
            <button type="button" className="link" onClick={() => void loadSettings(jail)}>
              Try again
            </button>
          </p>
        ) : (
          <div className="settings-skeleton" aria-busy="true">
            <span className="visually-hidden">Loading settings…</span>
          </div>
        )}
      </section>
    )
  }
  return (
    <section className="panel settings" aria-label="Jail settings" data-testid="settings-panel">
      <dl className="settings-grid">
        <Editable
          jail={jail}
          k="bantime"
          label="Ban time"
          value={settings.bantime}
          human={formatDuration(settings.bantime)}
        />
        <Editable
          jail={jail}
          k="findtime"
          label="Find time"
          value={settings.findtime}
          human={formatDuration(settings.findtime)}
        />
        <Editable
          jail={jail}
          k="maxretry"
          label="Max retry"
          value={settings.maxretry}
          human={`${formatCount(settings.maxretry)} ${settings.maxretry === 1 ? 'failure' : 'failures'}`}
        />
        <div className="setting">
          <dt>Ban time increment</dt>
          <dd data-testid="increment" title={incrementText(settings)}>
            {incrementText(settings)}
          </dd>
        </div>
        <div className="setting">
          <dt>Actions</dt>
          <dd title={settings.actions.join(', ')}>
            {settings.actions.length ? (
              settings.actions.join(', ')
            ) : (
              <span className="muted">none: bans are only recorded</span>
            )}
          </dd>
        </div>
        <IgnoreList jail={jail} entries={settings.ignoreip} />
        <div className="setting">
          <dt>Log files</dt>
          <dd className="mono" title={settings.logpath.join('\n')}>
            {settings.logpath.join(', ') || <span className="muted">none (journal or none)</span>}
          </dd>
        </div>
        <div className="setting">
          <dt>Filter</dt>
          <dd>
            {settings.failregex.length} {settings.failregex.length === 1 ? 'regex' : 'regexes'} ·
            DNS {settings.usedns}
          </dd>
        </div>
      </dl>
      {error && (
        <p className="error-text" role="alert">
          {error}
        </p>
      )}
    </section>
  )
}

/** One editable value: shown in human units, edited as "10m", "1h", "permanent" or seconds. */
function Editable(props: {
  jail: string
  k: JailValueKey
  label: string
  value: number
  human: string
}) {
  const setValue = useJailsStore.getState().setValue
  const saving = useJailsStore((s) => s.saving === props.k)
  const online = useOnline(selectOnline)
  const [editing, setEditing] = useState(false)
  const [text, setText] = useState('')
  const inputId = useId()
  const hintId = useId()
  const isDuration = props.k !== 'maxretry'
  const parsed = isDuration
    ? parseDuration(text, { allowPermanent: props.k === 'bantime' })
    : /^\d+$/.test(text.trim()) && Number(text) >= 1 && Number(text) <= 1_000_000
      ? ({ ok: true, seconds: Number(text) } as const)
      : ({ ok: false, reason: 'A whole number from 1 to 1,000,000.' } as const)

  const save = async () => {
    if (!parsed.ok) return
    const ok = await setValue({ jail: props.jail, key: props.k, value: parsed.seconds })
    if (ok) setEditing(false)
  }
  return (
    <div className="setting">
      <dt>
        <label htmlFor={inputId}>{props.label}</label>
      </dt>
      <dd>
        {editing ? (
          <form
            className="inline-form"
            onSubmit={(e) => {
              e.preventDefault()
              void save()
            }}
            onKeyDown={(e) => {
              if (e.key === 'Escape') {
                e.stopPropagation()
                setEditing(false)
              }
            }}
          >
            <input
              id={inputId}
              value={text}
              onChange={(e) => setText(e.target.value)}
              aria-invalid={!parsed.ok}
              aria-describedby={hintId}
              autoFocus
              spellCheck={false}
              data-testid={`edit-${props.k}`}
            />
            <button
              type="submit"
              className="small primary"
              disabled={!parsed.ok || saving || !online}
              data-testid={`save-${props.k}`}
            >
              {saving ? 'Saving…' : 'Save'}
            </button>
            <button type="button" className="small" onClick={() => setEditing(false)}>
              Cancel
            </button>
            <span id={hintId} className={`field-hint ${parsed.ok ? '' : 'error-text'}`}>
              {parsed.ok
                ? isDuration
                  ? `= ${formatDuration(parsed.seconds)}`
                  : ''
                : text.trim() === ''
                  ? isDuration
                    ? `e.g. 10m, 1h, 2d${props.k === 'bantime' ? ', permanent' : ''}`
                    : ''
                  : parsed.reason}
            </span>
            {props.k === 'bantime' && parsed.ok && (
              <BantimeImpact jail={props.jail} from={props.value} to={parsed.seconds} />
            )}
            <span className="runtime-note" data-testid={`runtime-note-${props.k}`}>
              Runtime only: fail2ban keeps this until its next reload, which restores the value from
              the configuration files.
            </span>
          </form>
        ) : (
          <button
            id={inputId}
            type="button"
            className="value-button"
            disabled={!online}
            title={`Change ${props.label.toLowerCase()} (runtime only: lost on the next reload)`}
            onClick={() => {
              setText(isDuration ? durationInputText(props.value) : String(props.value))
              setEditing(true)
            }}
            data-testid={`value-${props.k}`}
          >
            {props.human}
            <svg
              viewBox="0 0 16 16"
              width="12"
              height="12"
              aria-hidden="true"
              className="edit-icon"
            >
              <path
                d="M11 2.5l2.5 2.5L6 12.5 3 13l.5-3z"
                fill="none"
                stroke="currentColor"
                strokeWidth="1.4"
              />
            </svg>
          </button>
        )}
      </dd>
    </div>
  )
}

/** What a new ban time does to the current bans: a lower one can end some of them at once. */
function BantimeImpact({ jail, from, to }: { jail: string; from: number; to: number }) {
  const lowering = (from < 0 && to >= 0) || (from >= 0 && to >= 0 && to < from)
  if (!lowering) return null
  return <BantimeImpactText jail={jail} from={from} to={to} />
}

function BantimeImpactText({ jail, from, to }: { jail: string; from: number; to: number }) {
  const now = useNow(selectNow)
  const impact = bansEndingAt(jail, to, now)
  return (
    <span className="runtime-note warn-text" role="status" data-testid="bantime-impact">
      {from < 0 ? 'Permanent bans become timed. ' : ''}
      The new ban time applies to current bans too
      {impact === null
        ? ': those banned longer ago than it end at once.'
        : impact.endNow > 0
          ? `: ${plural(impact.endNow, 'ban')} of ${formatCount(impact.total)} ${impact.endNow === 1 ? 'ends' : 'end'} at once (banned more than ${formatDuration(to)} ago).`
          : `: none of the ${plural(impact.total, 'current ban')} ends at once; they end earlier.`}
    </span>
  )
}

/**
 * The jail's ignoreip list as fail2ban stores it, with remove buttons and an add field checked
 * by the same rules as bans (too broad a network is refused before anything is sent).
 */
function IgnoreList({ jail, entries }: { jail: string; entries: readonly string[] }) {
  const online = useOnline(selectOnline)
  const busy = useJailsStore((s) => s.ignoreBusy)
  const error = useJailsStore((s) => s.ignoreError)
  const change = useJailsStore.getState().changeIgnoreIp
  const [text, setText] = useState('')
  const [stored, setStored] = useState<string | null>(null)
  const inputId = useId()
  const check = text.trim() === '' ? null : checkIgnoreIp(text.trim())
  const add = async () => {
    if (!check?.ok) return
    const before = new Set(entries)
    const list = await change(jail, 'add', check.value)
    if (list === null) return
    setText('')
    const added = list.filter((e) => !before.has(e))
    setStored(
      added.length === 1 && added[0] !== check.value
        ? `fail2ban stored ${check.value} as ${added[0]}.`
        : added.length === 0
          ? `${check.value} was already covered; the list is unchanged.`
          : null
    )
  }
  return (
    <div className="setting wide" data-testid="ignore-list">
      <dt>
        <label htmlFor={inputId}>Ignored</label>
      </dt>
      <dd>
        {entries.length === 0 ? (
          <span className="muted">nothing</span>
        ) : (
          <ul className="ignore-entries">
            {entries.map((e) => (
              <li key={e} className="chip mono" data-testid="ignore-entry">
                {e}
                <button
                  type="button"
                  className="icon-button small"
                  aria-label={`Stop ignoring ${e}`}
                  title={`Stop ignoring ${e} (runtime only: lost on the next reload)`}
                  disabled={!online || busy !== null}
                  onClick={() => {
                    setStored(null)
                    void change(jail, 'del', e)
                  }}
                  data-testid={`ignore-del-${e}`}
                >
                  ×
                </button>
              </li>
            ))}
          </ul>
        )}
        <form
          className="inline-form"
          onSubmit={(e) => {
            e.preventDefault()
            void add()
          }}
        >
          <input
            id={inputId}
            className="mono"
            placeholder="IP or network to ignore"
            value={text}
            onChange={(e) => {
              setText(e.target.value)
              setStored(null)
            }}
            aria-invalid={check !== null && !check.ok ? true : undefined}
            spellCheck={false}
            disabled={!online}
            data-testid="ignore-input"
          />
          <button
            type="submit"
            className="small"
            disabled={!online || !check?.ok || busy !== null}
            data-testid="ignore-add"
          >
            {busy === 'add' ? 'Adding…' : 'Ignore'}
          </button>
        </form>
        {check !== null && !check.ok && (
          <span className="error-text field-hint" data-testid="ignore-invalid">
            {check.reason}
          </span>
        )}
        {stored && (
          <span className="field-hint" role="status" data-testid="ignore-stored">
            {stored}
          </span>
        )}
        {error && (
          <span className="error-text field-hint" role="alert" data-testid="ignore-error">
            {error}
          </span>
        )}
        <span className="runtime-note">Runtime only: lost on the next reload.</span>
      </dd>
    </div>
  )
}
