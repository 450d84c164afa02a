/**
 * The Servers dialog's form: text fields to a ServerProfile and back, checked with the same
 * grammar main and the settings file use (shared/server-profile.ts), so a field error shows
 * next to its field before anything is sent. Pure.
 */
import {
  parseServerProfile,
  SshProfileError,
  type BecomeRoot,
  type HelperMode,
  type ServerProfile
} from '../../../../../shared/server-profile.ts'

export interface ProfileForm {
  name: string
  target: string
  become: BecomeRoot
  helper: HelperMode
  remoteSocket: string
  remoteConf: string
  identityFile: string
  sshConfig: string
}

export type ProfileField = keyof ProfileForm

export const EMPTY_FORM: ProfileForm = Object.freeze({
  name: '',
  target: '',
  become: 'root-login',
  helper: 'push',
  remoteSocket: '',
  remoteConf: '',
  identityFile: '',
  sshConfig: ''
})

export function formFromProfile(p: ServerProfile): ProfileForm {
  return {
    name: p.name,
    target: p.target,
    become: p.become,
    helper: p.helper,
    remoteSocket: p.remoteSocket ?? '',
    remoteConf: p.remoteConf ?? '',
    identityFile: p.identityFile ?? '',
    sshConfig: p.sshConfig ?? ''
  }
}

/** The profile the form describes; empty optional fields are left out (not sent as ""). */
export function profileFromForm(f: ProfileForm): Record<string, string> {
  const out: Record<string, string> = {
    name: f.name.trim(),
    target: f.target.trim(),
    become: f.become,
    helper: f.helper
  }
  for (const key of ['remoteSocket', 'remoteConf', 'identityFile', 'sshConfig'] as const) {
    const v = f[key].trim()
    if (v !== '') out[key] = v
  }
  return out
}

export type FormCheck =
  { ok: true; profile: ServerProfile } | { ok: false; field: ProfileField | null; message: string }

/** Checks the form with the shared grammar; the first problem, with the field it belongs to. */
export function checkForm(f: ProfileForm): FormCheck {
  try {
    return { ok: true, profile: parseServerProfile(profileFromForm(f)) }
  } catch (err) {
    if (err instanceof SshProfileError) {
      return { ok: false, field: err.field === 'profile' ? null : err.field, message: err.message }
    }
    return { ok: false, field: null, message: String(err) }
  }
}
