/** Terminal helpers shared by commands. */
import { redactText, registerEnvSecrets } from '../security/redact';

export function isTty(stream: NodeJS.WriteStream): boolean {
  return !!stream.isTTY && !process.env.CI && process.env.NO_COLOR === undefined;
}

/**
 * Redact everything written to stdout and stderr while a command runs (scripts/security/redact.ts): bearer tokens,
 * JWTs, signed-URL parameters, client secrets, webhook keys and the secrets of the environment (BTG_ACCESS_TOKEN,
 * AZURE_CLIENT_SECRET, …), whoever writes — our output functions, listr2, commander, an error echoed by a server.
 * Returns the function that puts the streams back (main() calls it when the command ends).
 */
export function redactOutput(streams: NodeJS.WriteStream[] = [process.stdout, process.stderr]): () => void {
  registerEnvSecrets();
  const restore = streams.map((stream) => {
    const original = stream.write;
    const wrapped = function (this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]): boolean {
      const text = typeof chunk === 'string' ? chunk : chunk instanceof Uint8Array ? Buffer.from(chunk).toString('utf8') : undefined;
      return (original as (...a: unknown[]) => boolean).call(this, text === undefined ? chunk : redactText(text), ...rest);
    } as typeof stream.write;
    stream.write = wrapped;
    return () => {
      if (stream.write === wrapped) stream.write = original;
    };
  });
  return () => restore.forEach((r) => r());
}

/**
 * Text a server chose (a resource's display name, a group name, an error message) made safe to print: control
 * characters (C0 and C1, DEL, ESC sequences) and bidirectional overrides are removed, line breaks and tabs become
 * spaces, so a name can neither move the cursor, recolour or hide text, nor forge extra output lines.
 */
export function terminalSafe(text: string): string {
  return text
    .replace(/\x1b\[[0-9;?]*[ -/]*[@-~]/g, '') // CSI sequences, whole
    .replace(/[\t\n\r\v\f]/g, ' ')
    .replace(/[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '');
}
