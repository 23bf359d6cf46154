/** Terminal helpers shared by commands. */
export function isTty(stream: NodeJS.WriteStream): boolean {
  return !!stream.isTTY && !process.env.CI && process.env.NO_COLOR === undefined;
}
