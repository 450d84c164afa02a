/** Offers text as a file download through a Blob URL and a temporary link (no server round trip). */
export function downloadText(filename: string, mime: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: mime }))
  const a = document.createElement('a')
  a.href = url
  a.download = filename
  a.rel = 'noopener'
  a.hidden = true
  document.body.append(a)
  a.click()
  a.remove()
  // The download has started reading the Blob by now; give it time before freeing the URL.
  setTimeout(() => URL.revokeObjectURL(url), 30_000)
}
