/**
 * JUnit XML for Azure DevOps (PublishTestResults@2) and other CI test views: one testsuite per file, one
 * testcase per file and check. A testcase fails when the check found errors there; warnings and notes
 * keep it passing and appear in its output. A clean run is one passing testcase, so the run shows as passed.
 */
import { Diagnostic, formatLocation, sortDiagnostics } from '../../core/diagnostic';
import { Formatter } from './types';
import { xmlEscape as x } from './xml';

const PACK_SUITE = '(pack)';

const where = (d: Diagnostic) =>
  `${d.file ?? PACK_SUITE}${d.range ? `:${d.range.start.line + 1}:${d.range.start.character + 1}` : ''}`;
const line = (d: Diagnostic) =>
  `${where(d)}  ${d.severity}  ${d.message}${d.item ? `  (${d.item})` : ''}${(d.related ?? []).map((r) => `; ${r.message} ${formatLocation(r)}`).join('')}`;

function testcase(file: string, code: string, diags: Diagnostic[]): string {
  const errors = diags.filter((d) => d.severity === 'error');
  const others = diags.filter((d) => d.severity !== 'error');
  const attrs = `classname="${x(file)}" name="${x(code)}"${file !== PACK_SUITE ? ` file="${x(file)}"` : ''}${errors[0]?.range ? ` line="${errors[0].range.start.line + 1}"` : ''}`;
  const failure = errors.length
    ? `\n      <failure type="${x(code)}" message="${x(errors.length === 1 ? errors[0].message : `${errors.length} errors; first: ${errors[0].message}`)}">${x(errors.map(line).join('\n'))}</failure>`
    : '';
  const out = others.length ? `\n      <system-out>${x(others.map(line).join('\n'))}</system-out>` : '';
  return failure || out ? `    <testcase ${attrs}>${failure}${out}\n    </testcase>` : `    <testcase ${attrs}/>`;
}

export const junit: Formatter = (diags) => {
  const byFile = new Map<string, Map<string, Diagnostic[]>>();
  for (const d of sortDiagnostics(diags)) {
    const file = d.file ?? PACK_SUITE;
    const checks = byFile.get(file) ?? new Map<string, Diagnostic[]>();
    checks.set(d.code, [...(checks.get(d.code) ?? []), d]);
    byFile.set(file, checks);
  }
  const suites: string[] = [];
  let tests = 0;
  let failures = 0;
  for (const [file, checks] of byFile) {
    const cases = [...checks.entries()].sort(([a], [b]) => a.localeCompare(b));
    const failed = cases.filter(([, ds]) => ds.some((d) => d.severity === 'error')).length;
    tests += cases.length;
    failures += failed;
    suites.push(
      `  <testsuite name="${x(file)}" tests="${cases.length}" failures="${failed}" errors="0" skipped="0">\n${cases.map(([code, ds]) => testcase(file, code, ds)).join('\n')}\n  </testsuite>`,
    );
  }
  if (!suites.length) {
    tests = 1;
    suites.push(
      `  <testsuite name="btg validate" tests="1" failures="0" errors="0" skipped="0">\n    <testcase classname="btg validate" name="no findings"/>\n  </testsuite>`,
    );
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="btg validate" tests="${tests}" failures="${failures}" errors="0">\n${suites.join('\n')}\n</testsuites>\n`;
};
