/** Local Azure Resource Manager emulator for the deploy tests and `npm run emulator` (test support; see README.md). */
export { startEmulator, workspacePath, ADMIN_PREFIX } from './server';
export type { Emulator, EmulatorOptions, EmulatorWorkspace, RequestLogEntry } from './server';
export { emulatorClientOptions, emulatorCredential, ARM_SCOPE } from './client';
export type { EmulatorClientOptions } from './client';
export type { FaultConfig, FaultRule } from './faults';
export { RESOURCE_TYPES } from './contract';
export type { ResourceTypeSpec } from './contract';
export { ResourceStore } from './store';
export type { StoredResource } from './store';
