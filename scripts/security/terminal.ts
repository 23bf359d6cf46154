/** Output of server-chosen text to a terminal. Lives below every stage: deploy's plan lines and the CLI both print it. */
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

/** terminalSafe for text of several lines (an error message): each line made safe, the line breaks kept. */
export function terminalSafeLines(text: string): string {
  return text.split('\n').map(terminalSafe).join('\n');
}

/**
 * A source line shown under a diagnostic, made safe to print with its columns kept: each control character or
 * bidirectional override becomes one `?` (a tab one space), so the caret under a range still points at it.
 */
export function terminalSafeColumns(line: string): string {
  return line.replace(/\t/g, ' ').replace(/[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '?');
}
