/**
 * Copies text to the clipboard. The async Clipboard API needs a permission that a hardened
 * Electron session may deny; the fallback copies from an off-screen textarea with
 * execCommand('copy'), which needs only the user's click.
 */
export async function copyText(text: string): Promise<void> {
  try {
    if (navigator.clipboard?.writeText) {
      await navigator.clipboard.writeText(text)
      return
    }
  } catch {
    // Denied or unavailable: fall through to the textarea copy.
  }
  const active = document.activeElement instanceof HTMLElement ? document.activeElement : null
  const area = document.createElement('textarea')
  area.value = text
  area.setAttribute('readonly', '')
  area.className = 'clipboard-helper'
  document.body.append(area)
  area.select()
  let ok: boolean
  try {
    ok = document.execCommand('copy')
  } finally {
    area.remove()
    active?.focus()
  }
  if (!ok) throw new Error('The clipboard refused the copy.')
}
