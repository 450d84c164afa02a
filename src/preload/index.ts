import { contextBridge } from 'electron'
contextBridge.exposeInMainWorld('bangui', { hello: () => 'hi' })
