/** CSV helpers shared by the exports (bans, history). Pure functions. */

/**
 * One CSV field: quoted when it holds a comma, quote or line break (quotes doubled). A field
 * a spreadsheet would evaluate as a formula (= + - @, tab, CR) gets a leading apostrophe;
 * plain negative numbers (bantime -1) stay numbers.
 */
export function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) && !/^-?\d+(\.\d+)?$/.test(value) ? `'${value}` : value
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe
}
