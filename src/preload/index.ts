/**
 * The preload: builds the typed api from the contract and exposes it alone as
 * `window.bangui`. Never ipcRenderer itself, never the IPC event object.
 */
import { contextBridge, ipcRenderer } from 'electron'
import { channelOf } from '../shared/channels.ts'
import { createApi } from './api.ts'

const api = createApi({
  invoke: (name, request) => ipcRenderer.invoke(channelOf(name), request),
  on: (name, listener) => {
    const wrapped = (_event: unknown, payload: unknown): void => listener(payload)
    ipcRenderer.on(channelOf(name), wrapped)
    return () => {
      ipcRenderer.removeListener(channelOf(name), wrapped)
    }
  }
})

contextBridge.exposeInMainWorld('bangui', api)
