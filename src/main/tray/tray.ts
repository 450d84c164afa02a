/**
 * The tray icon: thin Electron glue around tray-model (what to show) and tray-icon (the
 * pixels). A click toggles the window; the menu's items carry action ids that main handles.
 */
import {
  Menu,
  Tray,
  nativeImage,
  type MenuItemConstructorOptions,
  type NativeImage
} from 'electron'
import { trayIconPng } from './tray-icon.ts'
import { trayView, type TrayAction, type TrayInput, type TrayView } from './tray-model.ts'

export interface AppTray {
  update(input: TrayInput): TrayView
  destroy(): void
}

/** Creates the tray; `onAction` receives menu actions and clicks ('toggle-window'). */
export function createTray(onAction: (action: TrayAction) => void, initial: TrayInput): AppTray {
  const images = new Map<string, NativeImage>()
  const imageFor = (view: TrayView): NativeImage => {
    const key = `${view.icon.state}:${view.icon.label}`
    let img = images.get(key)
    if (!img) {
      // 22 px is the usual Linux panel size; the 44 px one serves HiDPI panels.
      img = nativeImage.createFromBuffer(trayIconPng(view.icon, 22))
      img.addRepresentation({ scaleFactor: 2, buffer: trayIconPng(view.icon, 44) })
      if (images.size > 64) images.clear()
      images.set(key, img)
    }
    return img
  }

  const first = trayView(initial)
  const tray = new Tray(imageFor(first))
  tray.on('click', () => onAction('toggle-window'))

  const apply = (view: TrayView): void => {
    tray.setImage(imageFor(view))
    tray.setToolTip(view.tooltip)
    const template: MenuItemConstructorOptions[] = view.menu.map((item) => {
      if (item.type === 'separator') return { type: 'separator' }
      const id = item.id
      return {
        label: item.label,
        enabled: item.enabled,
        ...(id ? { id, click: () => onAction(id) } : {})
      }
    })
    tray.setContextMenu(Menu.buildFromTemplate(template))
  }
  apply(first)

  return {
    update(input) {
      const view = trayView(input)
      apply(view)
      return view
    },
    destroy: () => tray.destroy()
  }
}
