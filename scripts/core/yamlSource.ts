/** YAML parsed with its source map, so any path in the data can be pointed at in the file. */
import { remember } from './memo';
import * as fs from 'fs';
import { Document, LineCounter, parseDocument, isScalar, Scalar } from 'yaml';
import { Diagnostic, Range } from './diagnostic';

export interface YamlSource {
  file: string;
  text: string;
  doc: Document.Parsed;
  lines: LineCounter;
  data: unknown;
}

export class YamlLoadError extends Error {
  constructor(public readonly diagnostics: Diagnostic[]) {
    super(diagnostics.map((d) => d.message).join('\n'));
  }
}

export function parseYamlSource(file: string, text: string): { source?: YamlSource; diagnostics: Diagnostic[] } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const diagnostics: Diagnostic[] = doc.errors.map((e) => {
    const [s, en] = e.pos;
    return {
      code: 'yaml-syntax',
      severity: 'error' as const,
      file,
      message: e.message.split('\n')[0],
      range: offsetsToRange(lines, s, en),
      sourceLine: text.split(/\r?\n/)[lines.linePos(s).line - 1],
    };
  });
  if (diagnostics.length) return { diagnostics };
  return { source: { file, text, doc, lines, data: doc.toJS({ maxAliasCount: 50 }) }, diagnostics };
}

/**
 * The source maps of the files last read by `loadYamlFile`/`loadJsonFile` (the pack's own templates), by file name and
 * text. Parsing with a source map is the dearest part of loading the pack, and a process that builds more than once
 * (`btg test`, the test suite) reads the same files every time. The document and line counter are shared read-only
 * (nothing edits a parsed document); `data` is made anew for every caller, since the Pack freezes what it holds. Only
 * clean parses are kept. User files (`btg validate`, the config) are not read through here: a corpus of a thousand
 * rules would only fill the memory.
 */
const recentSources = new Map<string, YamlSource>();
const RECENT_SOURCES = 128;

export function cachedSource(
  file: string,
  text: string,
  parse: () => { source?: YamlSource; diagnostics: Diagnostic[] },
  freshData: (source: YamlSource) => unknown,
): { source?: YamlSource; diagnostics: Diagnostic[] } {
  const hit = recentSources.get(file);
  if (hit && hit.text === text) return { source: { ...hit, data: freshData(hit) }, diagnostics: [] };
  const result = parse();
  if (result.source) remember(recentSources, file, { ...result.source, data: undefined }, RECENT_SOURCES);
  return result;
}

export function loadYamlFile(file: string): { source?: YamlSource; diagnostics: Diagnostic[] } {
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
    () => parseYamlSource(file, text),
    (src) => src.doc.toJS({ maxAliasCount: 50 }),
  );
}

export function offsetsToRange(lines: LineCounter, start: number, end: number): Range {
  const a = lines.linePos(start);
  const b = lines.linePos(Math.max(start, end));
  return { start: { line: a.line - 1, character: a.col - 1 }, end: { line: b.line - 1, character: b.col - 1 } };
}

/** Range of the node at `path` (value if it exists, else the nearest existing parent's key/value). */
export function rangeOfPath(src: YamlSource, path: readonly (string | number)[]): Range | undefined {
  for (let n = path.length; n >= 0; n--) {
    const node = src.doc.getIn(path.slice(0, n), true) as { range?: [number, number, number] } | undefined;
    if (node && node.range) return offsetsToRange(src.lines, node.range[0], node.range[1]);
  }
  return undefined;
}

export function lineText(src: YamlSource, line0: number): string | undefined {
  return src.text.split(/\r?\n/)[line0];
}

/**
 * Where the text of a string scalar starts in the file, so that positions inside the string
 * (a KQL template) can be mapped to file positions. Exact for block scalars (`|`, `>` is
 * approximate), approximate (start of the value) for flow scalars.
 */
export interface ScalarOrigin {
  /** 0-based line of the scalar's first content line */
  line: number;
  /** column offset added to every content line (block indentation) */
  indent: number;
  /** true when content line k maps to file line `line + k` */
  block: boolean;
}

export function scalarOrigin(src: YamlSource, path: readonly (string | number)[]): ScalarOrigin | undefined {
  const node = src.doc.getIn(path, true);
  if (!node || !isScalar(node) || !node.range) return undefined;
  const s = node as Scalar;
  const start = src.lines.linePos(node.range[0]);
  if (s.type === 'BLOCK_LITERAL' || s.type === 'BLOCK_FOLDED') {
    const allLines = src.text.split(/\r?\n/);
    // header line holds `|` / `|-`; content begins on the next non-empty line
    let l = start.line; // 1-based header line == 0-based index of next line
    while (l < allLines.length && allLines[l].trim() === '') l++;
    const indent = l < allLines.length ? allLines[l].length - allLines[l].trimStart().length : 0;
    // content line k (of the scalar value) is file line start.line + k (blank leading lines preserved in value? no: block scalars keep them)
    return { line: start.line, indent, block: true };
  }
  const quoted = s.type === 'QUOTE_DOUBLE' || s.type === 'QUOTE_SINGLE' ? 1 : 0;
  return { line: start.line - 1, indent: start.col - 1 + quoted, block: false };
}
