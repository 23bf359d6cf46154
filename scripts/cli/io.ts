/** Terminal helpers shared by commands. */
import { redactText, registerEnvSecrets } from '../security/redact';

/** Colours and progress lines: a terminal, not CI, and no NO_COLOR (set and not empty, as no-color.org says). */
export function isTty(stream: NodeJS.WriteStream): boolean {
  return !!stream.isTTY && !process.env.CI && !process.env.NO_COLOR;
}

/**
 * A progress line on stderr while something takes seconds, on a terminal only (not CI, not NO_COLOR, not a pipe).
 * Returns the function that erases it.
 */
export function progressLine(text: string, stream: NodeJS.WriteStream = process.stderr): () => void {
  if (!isTty(stream)) return () => undefined;
  stream.write(text);
  return () => void stream.write('\r\x1b[K');
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
      const text =
        typeof chunk === 'string'
          ? chunk
          : chunk instanceof Uint8Array
            ? Buffer.from(chunk).toString('utf8')
            : undefined;
      return (original as (...a: unknown[]) => boolean).call(
        this,
        text === undefined ? chunk : redactText(text),
        ...rest,
      );
    } as typeof stream.write;
    stream.write = wrapped;
    return () => {
      if (stream.write === wrapped) stream.write = original;
    };
  });
  return () => restore.forEach((r) => r());
}

export { terminalSafe } from '../security/terminal';
