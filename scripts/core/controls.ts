/**
 * The characters a terminal, a Markdown reader or a mail client acts on instead of showing: C0 and C1 control
 * characters, DEL, bidirectional overrides and marks, and the Unicode line and paragraph separators. Defined once; the
 * config refuses them in names, messages escape them, terminal output removes them.
 */
const C0 = '\\x00-\\x1f';
const DEL_C1 = '\\x7f-\\x9f';
const BIDI = '\\u061c\\u200e\\u200f\\u202a-\\u202e\\u2066-\\u2069';
const LINE_SEPARATORS = '\\u2028\\u2029';

export interface ControlSet {
  /** C0 controls (tab, line breaks, ESC); off where JSON.stringify has already escaped them */
  c0?: boolean;
  /** U+2028 and U+2029 */
  lineSeparators?: boolean;
}

/** A global pattern of one character of the set: DEL, C1 and bidirectional controls, plus what `set` adds. */
export function controlChars({ c0 = true, lineSeparators = false }: ControlSet = {}): RegExp {
  return new RegExp(`[${c0 ? C0 : ''}${DEL_C1}${BIDI}${lineSeparators ? LINE_SEPARATORS : ''}]`, 'g');
}

/** Whether `s` holds C0, DEL, C1 or bidirectional controls. */
export function hasControlChars(s: string): boolean {
  return controlChars().test(s);
}

/** Each character of the set written as `\uXXXX`, so it shows as text and does nothing. */
export function escapeControlChars(s: string, set?: ControlSet): string {
  return s.replace(controlChars(set), (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
