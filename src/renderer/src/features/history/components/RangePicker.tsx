import { useState } from 'react'
import { fromInputValue, toInputValue } from '../format.ts'
import { selectPreset, selectSince, selectUntil } from '../selectors.ts'
import { useHistoryStore, type Preset } from '../store.ts'

const PRESETS: { id: Exclude<Preset, 'custom'>; label: string }[] = [
  { id: '1h', label: 'Last hour' },
  { id: '24h', label: '24 h' },
  { id: '7d', label: '7 days' },
  { id: '30d', label: '30 days' }
]

/** Last hour / 24 h / 7 d / 30 d, or a custom range of local date-times. */
export function RangePicker() {
  const preset = useHistoryStore(selectPreset)
  const since = useHistoryStore(selectSince)
  const until = useHistoryStore(selectUntil)
  const [custom, setCustom] = useState<{ from: string; to: string } | null>(null)
  const store = useHistoryStore.getState
  return (
    <div className="history-range" role="group" aria-label="Time range">
      {PRESETS.map((p) => (
        <button
          key={p.id}
          type="button"
          className={preset === p.id ? 'seg active' : 'seg'}
          aria-pressed={preset === p.id}
          onClick={() => {
            setCustom(null)
            void store().setPreset(p.id)
          }}
          data-testid={`history-range-${p.id}`}
        >
          {p.label}
        </button>
      ))}
      <button
        type="button"
        className={preset === 'custom' ? 'seg active' : 'seg'}
        aria-pressed={preset === 'custom'}
        onClick={() => setCustom({ from: toInputValue(since), to: toInputValue(until) })}
        data-testid="history-range-custom"
      >
        Custom…
      </button>
      {custom && (
        <form
          className="history-custom"
          onSubmit={(e) => {
            e.preventDefault()
            const a = fromInputValue(custom.from)
            const b = fromInputValue(custom.to)
            if (a !== null && b !== null) void store().setCustom(a, b)
          }}
        >
          <label>
            From{' '}
            <input
              type="datetime-local"
              value={custom.from}
              onChange={(e) => setCustom({ ...custom, from: e.target.value })}
              data-testid="history-custom-from"
            />
          </label>
          <label>
            to{' '}
            <input
              type="datetime-local"
              value={custom.to}
              onChange={(e) => setCustom({ ...custom, to: e.target.value })}
              data-testid="history-custom-to"
            />
          </label>
          <button type="submit" data-testid="history-custom-apply">
            Apply
          </button>
        </form>
      )}
    </div>
  )
}
