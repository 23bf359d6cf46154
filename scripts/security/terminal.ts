/** Output of server-chosen text to a terminal. Lives below every stage: deploy's plan lines and the CLI both print it. */
import { controlChars, escapeControlChars } from '../core/controls';
/**
 * Text a server chose (a resource's display name, a group name, an error message) made safe to print: control
 * characters (C0 and C1, DEL, ESC sequences) and bidirectional overrides are removed, line breaks and tabs become
 * spaces, so a name can neither move the cursor, recolour or hide text, nor forge extra output lines.
 */
export function terminalSafe(text: string): string {
  return text
    .replace(/\x1b\[[0-9;?]*[ -/]*[@-~]/g, '') // CSI sequences, whole
    .replace(/[\t\n\r\v\f]/g, ' ')
    .replace(controlChars(), '');
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
  return line.replace(/\t/g, ' ').replace(controlChars(), '?');
}

/** East Asian wide and fullwidth characters and the common emoji blocks: two terminal columns each. */
const WIDE_RE =
  /[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\u{1f300}-\u{1f64f}\u{1f900}-\u{1f9ff}\u{20000}-\u{3fffd}]/u;
/** Combining marks and zero-width characters: no column of their own. */
const ZERO_WIDTH_RE = /[\p{M}\u200b-\u200d\u2060\ufeff]/u;

/**
 * The columns a terminal gives `text` (after terminalSafeColumns): a wide character two, a combining mark none, a
 * character outside the BMP one (not the two UTF-16 units a diagnostic's column counts), so a caret can be placed
 * under a range of a line in any script.
 */
export function displayWidth(text: string): number {
  let w = 0;
  for (const ch of text) w += ZERO_WIDTH_RE.test(ch) ? 0 : WIDE_RE.test(ch) ? 2 : 1;
  return w;
}

/**
 * JSON text with DEL, C1 controls and direction overrides escaped as \uXXXX (JSON.stringify escapes only C0): the
 * same values, nothing a terminal acts on when the output is read there. They only occur inside strings, so the
 * result is the same JSON.
 */
export function jsonTerminalSafe(json: string): string {
  return escapeControlChars(json, { c0: false, lineSeparators: true });
}
