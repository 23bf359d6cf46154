/**
 * JSON template files (workbooks, playbooks) with a source map. JSON.parse is the authority on the data; jsonc-parser
 * (strict: no comments, no trailing commas) locates a syntax error, and the YAML parser (JSON is YAML 1.2) supplies
 * node positions, so a path or an offset inside a JSON string can be shown as file:line:col like the YAML templates.
 */
import * as fs from 'fs';
import { parse as parseJsonc, ParseError, printParseErrorCode } from 'jsonc-parser';

/** jsonc-parser's error code names (its ParseErrorCode is an ambient const enum, which isolatedModules cannot read). */
type ParseErrorName = ReturnType<typeof printParseErrorCode>;
import { Diagnostic } from './diagnostic';
import { cachedSource, offsetsToRange, parseYamlSource, YamlSource } from './yamlSource';
import { LineCounter } from 'yaml';

/** What a jsonc-parser error code means, in words. */
const JSON_ERROR: Partial<Record<ParseErrorName, string>> = {
  InvalidSymbol: 'unexpected character',
  InvalidNumberFormat: 'invalid number',
  PropertyNameExpected: 'expected a property name in double quotes',
  ValueExpected: 'expected a value',
  ColonExpected: "expected ':'",
  CommaExpected: "expected ','",
  CloseBraceExpected: "expected '}'",
  CloseBracketExpected: "expected ']'",
  EndOfFileExpected: 'expected the end of the file',
  InvalidCommentToken: 'comments are not allowed in JSON',
  UnexpectedEndOfComment: 'unterminated comment',
  UnexpectedEndOfString: 'unterminated string',
  UnexpectedEndOfNumber: 'unterminated number',
  InvalidUnicode: 'invalid \\u escape',
  InvalidEscapeCharacter: 'invalid escape character',
  InvalidCharacter: 'control character in a string (escape it)',
};

/** The first syntax error of a text JSON.parse refused, located by jsonc-parser's scanner. */
function firstJsonError(text: string): ParseError | undefined {
  const errors: ParseError[] = [];
  parseJsonc(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  return errors[0];
}

/** The culprit inside a string token jsonc-parser reports whole: its control character or its bad escape. */
const CULPRIT: Partial<Record<ParseErrorName, RegExp>> = {
  // eslint-disable-next-line no-control-regex -- finds the raw control character JSON forbids in a string
  InvalidCharacter: /[\u0000-\u001f]/,
  InvalidEscapeCharacter: /\\[^"\\/bfnrtu]/,
  InvalidUnicode: /\\u(?![0-9a-fA-F]{4})/,
};

function errorSpan(text: string, err: ParseError): [number, number] {
  const re = CULPRIT[printParseErrorCode(err.error)];
  const m = re?.exec(text.slice(err.offset + 1, err.offset + err.length));
  if (m) return [err.offset + 1 + m.index, err.offset + 1 + m.index + m[0].length];
  return [err.offset, err.offset + Math.max(1, err.length)];
}

export function parseJsonSource(file: string, text: string): { source?: YamlSource; diagnostics: Diagnostic[] } {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    const err = firstJsonError(text);
    let range: Diagnostic['range'];
    let what: string;
    if (err) {
      const lines = new LineCounter();
      lines.addNewLine(0);
      for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', nl + 1)) lines.addNewLine(nl + 1);
      range = offsetsToRange(lines, ...errorSpan(text, err));
      what = JSON_ERROR[printParseErrorCode(err.error)] ?? `error ${err.error}`;
    } else {
      // jsonc-parser accepted what JSON.parse refused (it should not happen): the YAML parser usually finds the spot
      range = parseYamlSource(file, text).diagnostics[0]?.range;
      what = (e as Error).message;
    }
    return {
      diagnostics: [
        {
          code: 'json-syntax',
          severity: 'error',
          file,
          message: `not valid JSON: ${what}`,
          range,
          sourceLine: range ? text.split(/\r?\n/)[range.start.line] : undefined,
        },
      ],
    };
  }
  const parsed = parseYamlSource(file, text);
  if (!parsed.source) return { diagnostics: parsed.diagnostics.map((d) => ({ ...d, code: 'json-syntax' })) };
  return { source: { ...parsed.source, data }, diagnostics: [] };
}

export function loadJsonFile(file: string): { source?: YamlSource; diagnostics: Diagnostic[] } {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    return {
      diagnostics: [
        { code: 'file-read', severity: 'error', file, message: `cannot read ${file}: ${(e as Error).message}` },
      ],
    };
  }
  return cachedSource(
    file,
    text,
    () => parseJsonSource(file, text),
    (src) => JSON.parse(src.text),
  );
}

/** Where each character of a decoded JSON string sits in the file (escapes make the two differ). */
export interface JsonStringMap {
  /** offset of the character after the opening quote */
  start: number;
  /** rawOffsets[i] = offset (relative to start) of decoded UTF-16 unit i; one extra entry for the end */
  rawOffsets: number[];
}

/** The map of the string at `path`, or undefined when there is no string there. */
export function jsonStringMap(src: YamlSource, path: readonly (string | number)[]): JsonStringMap | undefined {
  const node = src.doc.getIn(path, true) as { range?: [number, number, number]; type?: string } | undefined;
  if (!node?.range || node.type !== 'QUOTE_DOUBLE') return undefined;
  const start = node.range[0] + 1;
  const end = node.range[1] - 1;
  const rawOffsets: number[] = [];
  let i = start;
  while (i < end) {
    const rel = i - start;
    if (src.text[i] !== '\\') {
      rawOffsets.push(rel);
      i++;
      continue;
    }
    rawOffsets.push(rel); // \n, \", \uXXXX ... each decode to one UTF-16 unit
    i += src.text[i + 1] === 'u' ? 6 : 2;
  }
  rawOffsets.push(end - start);
  return { start, rawOffsets };
}

/** 0-based file position of decoded offset `offset` of the string. */
export function jsonStringPosition(
  src: YamlSource,
  map: JsonStringMap,
  offset: number,
): { line: number; character: number } {
  const rel = map.rawOffsets[Math.max(0, Math.min(offset, map.rawOffsets.length - 1))];
  const p = src.lines.linePos(map.start + rel);
  return { line: p.line - 1, character: p.col - 1 };
}

function offsetOf(text: string, line: number, character: number): number {
  let off = 0;
  for (let l = 0; l < line; l++) {
    const nl = text.indexOf('\n', off);
    if (nl < 0) return text.length;
    off = nl + 1;
  }
  return off + character;
}

/**
 * A diagnostic located relative to a template that is a JSON string (a query made by `queryDiagnosticAt` with no
 * origin: its range is line/col inside the template) → the same diagnostic at its file position.
 */
export function remapToJsonString(d: Diagnostic, template: string, src: YamlSource, map: JsonStringMap): Diagnostic {
  if (!d.range) return { ...d, file: src.file };
  const a = offsetOf(template, d.range.start.line, d.range.start.character);
  const b = offsetOf(template, d.range.end.line, d.range.end.character);
  const start = jsonStringPosition(src, map, a);
  const end = jsonStringPosition(src, map, Math.max(a + 1, b));
  return { ...d, file: src.file, range: { start, end }, sourceLine: src.text.split(/\r?\n/)[start.line] };
}
