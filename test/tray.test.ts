/**
 * The tray: the pure model (label, tooltip, menu, icon spec), the drawn icons checked pixel by
 * pixel and decoded back from PNG by an independent reader, and the Electron glue with
 * `electron` mocked.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { crc32, encodePng } from '../src/main/tray/png.ts'
import {
  APP_ICON_SIZES,
  STATE_COLORS,
  TRAY_SIZES,
  badgeProbe,
  renderAppIcon,
  renderTrayIcon,
  trayIconPng
} from '../src/main/tray/tray-icon.ts'
import {
  countLabel,
  MAX_JAILS_SHOWN,
  trayView,
  type TrayInput,
  type TrayMenuItem
} from '../src/main/tray/tray-model.ts'
import { decodePng, pixelAt } from './support/png-reader.ts'

const jail = (name: string, currentlyBanned: number, running = true) => ({
  name,
  currentlyBanned,
  running
})
const connected = { status: 'connected' as const }
const input = (over: Partial<TrayInput> = {}): TrayInput => ({
  jails: [jail('sshd', 5), jail('nginx-http-auth', 2)],
  connection: connected,
  paused: false,
  windowVisible: true,
  ...over
})
const labels = (menu: TrayMenuItem[]) =>
  menu.map((i) => (i.type === 'separator' ? '---' : `${i.label}${i.enabled ? '' : ' (disabled)'}`))

describe('tray model', () => {
  it('labels counts 0..999, then 999+', () => {
    expect(countLabel(0)).toBe('0')
    expect(countLabel(7)).toBe('7')
    expect(countLabel(999)).toBe('999')
    expect(countLabel(1000)).toBe('999+')
    expect(countLabel(250_000)).toBe('999+')
    expect(countLabel(-3)).toBe('0')
    expect(countLabel(Number.NaN)).toBe('0')
  })

  it('sums current bans of running jails only', () => {
    const v = trayView(input({ jails: [jail('a', 600), jail('b', 400), jail('old', 50, false)] }))
    expect(v.total).toBe(1000)
    expect(v.label).toBe('999+')
    expect(v.icon).toEqual({ label: '999+', state: 'banned' })
  })

  it('tooltip names each jail with its count, busiest first', () => {
    expect(trayView(input()).tooltip).toBe(
      'BanGUI: 7 IPs banned\nsshd: 5 banned\nnginx-http-auth: 2 banned'
    )
    expect(trayView(input({ jails: [jail('sshd', 1)] })).tooltip).toBe(
      'BanGUI: 1 IP banned\nsshd: 1 banned'
    )
  })

  it('menu: per-jail counts (disabled), open/hide, pause/resume, quit with action ids', () => {
    const v = trayView(input())
    expect(labels(v.menu)).toEqual([
      'sshd: 5 banned (disabled)',
      'nginx-http-auth: 2 banned (disabled)',
      '---',
      'Hide BanGUI',
      'Pause monitoring',
      '---',
      'Quit BanGUI'
    ])
    const ids = v.menu.flatMap((i) => (i.type === 'normal' && i.id ? [i.id] : []))
    expect(ids).toEqual(['toggle-window', 'toggle-pause', 'quit'])
    // no action on the informational items
    expect(v.menu.filter((i) => i.type === 'normal' && !i.enabled).every((i) => !('id' in i))).toBe(
      true
    )

    const hidden = trayView(input({ windowVisible: false, paused: true }))
    expect(labels(hidden.menu)).toContain('Open BanGUI')
    expect(labels(hidden.menu)).toContain('Resume monitoring')
  })

  it('states: ok at zero, banned above, paused, disconnected first', () => {
    expect(trayView(input({ jails: [jail('sshd', 0)] })).icon).toEqual({ label: '0', state: 'ok' })
    expect(trayView(input()).icon.state).toBe('banned')
    const paused = trayView(input({ paused: true }))
    expect(paused.icon.state).toBe('paused')
    expect(paused.tooltip.split('\n')[0]).toBe(
      'BanGUI: monitoring paused; 7 IPs banned when last checked'
    )
    const down = trayView(
      input({
        paused: true,
        connection: { status: 'socket-missing', message: 'no socket at /run/x.sock' }
      })
    )
    expect(down.icon.state).toBe('disconnected')
    expect(down.tooltip).toBe('BanGUI: not connected (no socket at /run/x.sock)')
    expect(labels(down.menu)[0]).toBe('Not connected to fail2ban (disabled)')
  })

  it('with SSH servers: the fleet total, one menu line per server, down servers named', () => {
    const servers = [
      { name: 'This machine', status: 'connected' as const, banned: 7 },
      { name: 'web1', status: 'connected' as const, banned: 5 },
      { name: 'db', status: 'failed' as const, banned: 40 },
      { name: 'a&b<i>', status: 'connected' as const, banned: 0 }
    ]
    const v = trayView(input({ servers }))
    // last-known counts of a server that is down are not counted as current bans
    expect(v.total).toBe(12)
    expect(v.icon).toEqual({ label: '12', state: 'banned' })
    expect(labels(v.menu).slice(0, 5)).toEqual([
      'This machine: 7 banned (disabled)',
      'web1: 5 banned (disabled)',
      'db: not connected (failed) (disabled)',
      // no menu mnemonic or markup from a name
      'a?b?i?: 0 banned (disabled)',
      '---'
    ])
    expect(v.tooltip.split('\n')[0]).toBe('BanGUI: 12 IPs banned on 3 servers; 1 not connected')
    const allDown = trayView(
      input({ servers: servers.map((s) => ({ ...s, status: 'waiting' as const })) })
    )
    expect(allDown.icon.state).toBe('disconnected')
    expect(allDown.total).toBe(0)
    // only this machine: the per-jail menu as before
    expect(labels(trayView(input({ servers: servers.slice(0, 1) })).menu)[0]).toBe(
      'sshd: 5 banned (disabled)'
    )
  })

  it('no jails, and many jails (capped with "… and N more")', () => {
    expect(labels(trayView(input({ jails: [] })).menu)[0]).toBe('No jails running (disabled)')
    const many = Array.from({ length: MAX_JAILS_SHOWN + 3 }, (_, i) => jail(`j${i}`, i))
    const v = trayView(input({ jails: many }))
    const jailItems = v.menu.slice(
      0,
      v.menu.findIndex((i) => i.type === 'separator')
    )
    expect(jailItems).toHaveLength(MAX_JAILS_SHOWN + 1)
    expect(labels(jailItems).at(-1)).toBe('… and 3 more jails (disabled)')
    expect(v.tooltip.split('\n').at(-1)).toBe('… and 3 more jails')
  })
})

describe('tray icon pixels', () => {
  const saturation = (r: number, g: number, b: number) => Math.max(r, g, b) - Math.min(r, g, b)

  it('the disconnected icon has no saturated colour at any size', () => {
    for (const size of TRAY_SIZES) {
      const img = renderTrayIcon({ state: 'disconnected', label: '12' }, size)
      let inked = 0
      for (let i = 0; i < size * size; i++) {
        const [r, g, b, a] = img.pixels.subarray(i * 4, i * 4 + 4)
        if (a! > 0) inked++
        expect(saturation(r!, g!, b!), `pixel ${i} at ${size}px`).toBeLessThanOrEqual(8)
      }
      expect(inked).toBeGreaterThan(size) // it draws something
      // hollow: the centre row above the dash is transparent
      expect(pixelAt(img, Math.floor(size / 2), Math.floor(size * 0.3)).a).toBe(0)
    }
  })

  it('the badge centre has the state colour; the count is white', () => {
    for (const state of ['ok', 'banned', 'paused'] as const) {
      for (const size of TRAY_SIZES) {
        const img = renderTrayIcon({ state, label: '7' }, size)
        const p = badgeProbe(size)
        const [r, g, b] = STATE_COLORS[state]
        expect(pixelAt(img, p.x, p.y), `${state} ${size}px`).toEqual({ r, g, b, a: 255 })
        const whites = countPixels(img.pixels, (r2, g2, b2, a2) =>
          r2 === 255 && g2 === 255 && b2 === 255 && a2 === 255 ? 1 : 0
        )
        expect(whites, `${state} ${size}px has a drawn digit`).toBeGreaterThan(4)
      }
    }
  })

  it('the banned badge is red and the ok badge green (by hue, not just by value)', () => {
    const red = pixelAt(renderTrayIcon({ state: 'banned', label: '3' }, 32), 16, 3)
    expect(red.r).toBeGreaterThan(red.g + 100)
    const green = pixelAt(renderTrayIcon({ state: 'ok', label: '0' }, 32), 16, 3)
    expect(green.g).toBeGreaterThan(green.r + 80)
  })

  it('different counts draw different digits; the same count draws the same pixels', () => {
    for (const size of TRAY_SIZES) {
      const draw = (label: string) => renderTrayIcon({ state: 'banned', label }, size).pixels
      expect(Buffer.from(draw('1')).equals(Buffer.from(draw('7'))), `${size}px`).toBe(false)
      expect(Buffer.from(draw('42')).equals(Buffer.from(draw('24'))), `${size}px`).toBe(false)
      expect(Buffer.from(draw('999+')).equals(Buffer.from(draw('999'))), `${size}px`).toBe(false)
      expect(Buffer.from(draw('7')).equals(Buffer.from(draw('7')))).toBe(true)
    }
  })

  it('"999+" fits inside a 16 px icon (no glyph column is cut off)', () => {
    const img = renderTrayIcon({ state: 'banned', label: '999+' }, 16)
    const white = (x: number) =>
      Array.from({ length: 16 }, (_, y) => pixelAt(img, x, y)).some(
        (p) => p.r === 255 && p.g === 255 && p.b === 255
      )
    // 4 glyphs × 3 columns + 3 gaps = 15 columns: the leftmost and rightmost glyph columns are inked
    expect(white(0) || white(1)).toBe(true)
    expect(white(14) || white(15)).toBe(true)
  })

  it('the PNG decodes back: IHDR size and pixels match the buffer', () => {
    for (const size of TRAY_SIZES) {
      const spec = { state: 'banned', label: '42' } as const
      const png = trayIconPng(spec, size)
      const back = decodePng(png)
      expect(back).toMatchObject({ width: size, height: size, colorType: 6 })
      expect(Buffer.from(back.pixels).equals(Buffer.from(renderTrayIcon(spec, size).pixels))).toBe(
        true
      )
      const p = badgeProbe(size)
      expect(pixelAt(back, p.x, p.y)).toEqual({ r: 214, g: 64, b: 58, a: 255 })
    }
  })

  it('the app icon: a blue shield with a white sign, transparent corners', () => {
    for (const size of APP_ICON_SIZES) {
      const back = decodePng(encodePng(renderAppIcon(size)))
      expect(back.width).toBe(size)
      expect(pixelAt(back, 0, 0).a).toBe(0)
      expect(pixelAt(back, size - 1, size - 1).a).toBe(0)
      if (size >= 48) {
        const body = pixelAt(back, Math.floor(size / 2), Math.floor(size * 0.8))
        expect(body.b).toBeGreaterThan(body.r + 80)
        // the ring of the sign, left of its centre
        const ring = pixelAt(back, Math.floor(size * 0.32), Math.floor(size * 0.45))
        expect(ring).toEqual({ r: 255, g: 255, b: 255, a: 255 })
      }
    }
  })

  it('crc32 matches the standard check value', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926)
  })

  it('the encoder refuses a wrong buffer length', () => {
    expect(() => encodePng({ width: 2, height: 2, pixels: new Uint8Array(15) })).toThrow(RangeError)
  })
})

function countPixels(
  px: Uint8Array,
  f: (r: number, g: number, b: number, a: number) => number
): number {
  let n = 0
  for (let i = 0; i < px.length; i += 4) n += f(px[i]!, px[i + 1]!, px[i + 2]!, px[i + 3]!)
  return n
}

// ---- the Electron glue, with electron mocked ----

const trays: FakeTray[] = []
class FakeTray {
  image: unknown
  tooltip = ''
  menu: { template: Record<string, unknown>[] } | null = null
  listeners = new Map<string, () => void>()
  destroyed = false
  constructor(image: unknown) {
    this.image = image
    trays.push(this)
  }
  on(event: string, l: () => void) {
    this.listeners.set(event, l)
  }
  setImage(i: unknown) {
    this.image = i
  }
  setToolTip(t: string) {
    this.tooltip = t
  }
  setContextMenu(m: { template: Record<string, unknown>[] }) {
    this.menu = m
  }
  destroy() {
    this.destroyed = true
  }
}

vi.mock('electron', () => ({
  Tray: FakeTray,
  Menu: { buildFromTemplate: (template: Record<string, unknown>[]) => ({ template }) },
  nativeImage: {
    createFromBuffer: (buf: Buffer) => {
      const reps: { scaleFactor: number; buffer: Buffer }[] = [{ scaleFactor: 1, buffer: buf }]
      return {
        reps,
        addRepresentation: (r: { scaleFactor: number; buffer: Buffer }) => reps.push(r)
      }
    }
  }
}))

describe('tray glue', () => {
  beforeEach(() => {
    trays.length = 0
  })

  it('shows the drawn icon at 1× and 2×, the tooltip and the menu; clicks map to actions', async () => {
    const { createTray } = await import('../src/main/tray/tray.ts')
    const actions: string[] = []
    const tray = createTray((a) => actions.push(a), input())
    const t = trays[0]!
    const img = t.image as { reps: { scaleFactor: number; buffer: Buffer }[] }
    expect(img.reps.map((r) => [r.scaleFactor, decodePng(r.buffer).width])).toEqual([
      [1, 22],
      [2, 44]
    ])
    expect(t.tooltip).toContain('sshd: 5 banned')

    t.listeners.get('click')!()
    const items = t.menu!.template
    expect(items.map((i) => i.label ?? i.type)).toEqual([
      'sshd: 5 banned',
      'nginx-http-auth: 2 banned',
      'separator',
      'Hide BanGUI',
      'Pause monitoring',
      'separator',
      'Quit BanGUI'
    ])
    expect(items[0]).toEqual({ label: 'sshd: 5 banned', enabled: false })
    for (const item of items) (item.click as (() => void) | undefined)?.()
    expect(actions).toEqual(['toggle-window', 'toggle-window', 'toggle-pause', 'quit'])

    const view = tray.update(input({ connection: { status: 'not-answering' } }))
    expect(view.icon.state).toBe('disconnected')
    expect(t.tooltip).toBe('BanGUI: not connected')
    const grey = decodePng((t.image as { reps: { buffer: Buffer }[] }).reps[0]!.buffer)
    const { r, g, b } = pixelAt(grey, 0, 11)
    expect(Math.max(r, g, b) - Math.min(r, g, b)).toBeLessThanOrEqual(8)
    tray.destroy()
    expect(t.destroyed).toBe(true)
  })
})

describe('server-supplied jail names in the tray', () => {
  it('menu labels and tooltip carry no markup or mnemonic characters', () => {
    const view = trayView(input({ jails: [jail('&Quit<b>now</b>', 3)] }))
    const shown = view.menu.flatMap((m) => (m.type === 'normal' ? [m.label] : []))
    expect(shown).toContain('?Quit?b?now??b?: 3 banned')
    for (const text of [...shown, view.tooltip]) expect(text).not.toMatch(/[<>&]/)
  })
})
