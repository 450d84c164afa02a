/**
 * The Servers dialog: the list of SSH profiles, the add/edit form (checked locally with the
 * shared grammar, then by main, whose refusal is shown as is), Test, and Remove with a
 * confirmation. Saved states go to the servers store, the one owner of ServersState.
 */
import { create } from 'zustand'
import type { ServerProfile, ServerTest } from '../../../../shared/servers.ts'
import { errorMessage } from '../../lib/app-error.ts'
import { serversApi } from './api.ts'
import {
  checkForm,
  EMPTY_FORM,
  formFromProfile,
  type ProfileField,
  type ProfileForm
} from './lib/profile-form.ts'
import { useServersStore } from './store.ts'

export interface ManageState {
  open: boolean
  /** The form is shown (adding or editing) instead of the list. */
  editing: boolean
  /** The profile being edited (its current name); null when adding. */
  previous: string | null
  form: ProfileForm
  /** The local check's finding, shown next to its field once the admin tried to save or test. */
  fieldError: { field: ProfileField | null; message: string } | null
  /** Main's refusal (a name in use, too many servers, …) or a bridge failure. */
  formError: string | null
  saving: boolean
  testing: boolean
  /** The last Test's result, with the name it was run for. */
  lastTest: { name: string; result: ServerTest } | null
  confirmRemove: string | null
  removing: boolean
  removeError: string | null
}

export interface ManageActions {
  show(): void
  close(): void
  add(): void
  edit(profile: ServerProfile): void
  backToList(): void
  setField<K extends ProfileField>(field: K, value: ProfileForm[K]): void
  save(): Promise<boolean>
  test(): Promise<void>
  askRemove(id: string): void
  cancelRemove(): void
  remove(id: string): Promise<void>
}

export type ManageStore = ManageState & ManageActions

export const initialManageState: ManageState = {
  open: false,
  editing: false,
  previous: null,
  form: EMPTY_FORM,
  fieldError: null,
  formError: null,
  saving: false,
  testing: false,
  lastTest: null,
  confirmRemove: null,
  removing: false,
  removeError: null
}

/** Main prefixes a schema refusal with the request path ("profile: …"); the admin needs only the sentence. */
export function mainMessage(message: string): string {
  return message.replace(/^profile:\s*/, '')
}

export const useManageStore = create<ManageStore>()((set, get) => {
  /** Bumped per test and on every form change: a late Test answer for other values is dropped. */
  let testSeq = 0
  const openForm = (previous: string | null, form: ProfileForm): void => {
    testSeq++
    set({
      editing: true,
      previous,
      form,
      fieldError: null,
      formError: null,
      lastTest: null,
      testing: false,
      confirmRemove: null
    })
  }
  return {
    ...initialManageState,
    show() {
      set({ ...initialManageState, open: true })
    },
    close() {
      if (get().saving || get().removing) return
      testSeq++
      set({ open: false })
    },
    add() {
      openForm(null, EMPTY_FORM)
    },
    edit(profile) {
      openForm(profile.name, formFromProfile(profile))
    },
    backToList() {
      if (get().saving) return
      testSeq++
      set({ editing: false, lastTest: null, testing: false, fieldError: null, formError: null })
    },
    setField(field, value) {
      testSeq++
      set({
        form: { ...get().form, [field]: value },
        testing: false,
        // The error stays until the field it names changes (then the next save re-checks).
        fieldError: get().fieldError?.field === field ? null : get().fieldError,
        formError: null
      })
    },
    async save() {
      const s = get()
      if (s.saving) return false
      const check = checkForm(s.form)
      if (!check.ok) {
        set({ fieldError: { field: check.field, message: check.message } })
        return false
      }
      set({ saving: true, fieldError: null, formError: null })
      try {
        useServersStore.getState().apply(await serversApi.save(s.previous, check.profile))
        set({ editing: false, lastTest: null })
        return true
      } catch (e) {
        set({ formError: mainMessage(errorMessage(e)) })
        return false
      } finally {
        set({ saving: false })
      }
    },
    async test() {
      const check = checkForm(get().form)
      if (!check.ok) {
        set({ fieldError: { field: check.field, message: check.message } })
        return
      }
      const mine = ++testSeq
      set({ testing: true, lastTest: null, fieldError: null, formError: null })
      try {
        const result = await serversApi.test(check.profile)
        if (mine === testSeq) set({ lastTest: { name: check.profile.name, result } })
      } catch (e) {
        if (mine === testSeq) set({ formError: mainMessage(errorMessage(e)) })
      } finally {
        if (mine === testSeq) set({ testing: false })
      }
    },
    askRemove(id) {
      set({ confirmRemove: id, removeError: null })
    },
    cancelRemove() {
      if (!get().removing) set({ confirmRemove: null })
    },
    async remove(id) {
      if (get().removing) return
      set({ removing: true, removeError: null })
      try {
        useServersStore.getState().apply(await serversApi.remove(id))
        set({ confirmRemove: null })
      } catch (e) {
        set({ removeError: errorMessage(e) })
      } finally {
        set({ removing: false })
      }
    }
  }
})
