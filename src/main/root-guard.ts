/**
 * Refuses to run the app as root unless `--allow-root` is given. Run as root, the whole UI —
 * Chromium, which then needs --no-sandbox — holds root; BanGUI reaches fail2ban through its
 * privileged helper instead (docs/HELPER.md), which allows only the commands BanGUI sends.
 */
export const ALLOW_ROOT_FLAG = '--allow-root'

/** Why the app must not start, or null when it may. */
export function rootRefusal(uid: number | undefined, argv: readonly string[]): string | null {
  if (uid !== 0 || argv.includes(ALLOW_ROOT_FLAG)) return null
  return [
    'BanGUI is running as root and will not start.',
    'Run it as your normal user: it reaches fail2ban through its privileged helper',
    '(pkexec or sudo -n), which allows only the commands BanGUI sends (see docs/HELPER.md).',
    `To run the whole app as root anyway, start it with ${ALLOW_ROOT_FLAG}`,
    '(Chromium then also needs --no-sandbox: the UI runs as root without its sandbox).'
  ].join('\n')
}
