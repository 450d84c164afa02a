/** The profile grammar lives in shared code: the IPC contract and the settings file check it too. */
export * from '../../shared/server-profile.ts'
