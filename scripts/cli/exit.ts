/** Exit codes: 0 clean, 1 findings (validation errors, failed checks, failed deploy), 2 tool error (bad usage, crash). */
export const ExitCode = { Ok: 0, Findings: 1, ToolError: 2 } as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
export type SetExit = (code: number) => void;
