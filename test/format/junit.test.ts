/** JUnit output parsed back with fast-xml-parser and checked structurally (Azure DevOps PublishTestResults@2). */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { formatters } from '../../scripts/validate/format';
import { MIXED, OPTIONS } from './fixture';

interface Case {
  classname: string;
  name: string;
  file?: string;
  failure?: { type: string; message: string; '#text': string };
  'system-out'?: string;
}
interface Suite {
  name: string;
  tests: number;
  failures: number;
  testcase: Case[];
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseAttributeValue: true,
  isArray: (name) => name === 'testsuite' || name === 'testcase',
});
const parse = (xml: string) => parser.parse(xml).testsuites as { tests: number; failures: number; testsuite: Suite[] };

describe('junit', () => {
  const xml = formatters.junit(MIXED, OPTIONS);
  const doc = parse(xml);
  const suite = (name: string) => doc.testsuite.find((s) => s.name === name)!;

  it('is well-formed XML', () => {
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites')).toBe(true);
  });

  it('has one testsuite per file, and one for diagnostics without a file', () => {
    expect(doc.testsuite.map((s) => s.name).sort()).toEqual([
      '(pack)',
      'detections/btg-failed-signins.yaml',
      'detections/btg-interactive-signin.yaml',
      'my config/btg.config.yaml',
      'workbooks/btg-overview.json',
    ]);
  });

  it('has one testcase per file and check, failing when the check found errors there', () => {
    const s = suite('detections/btg-interactive-signin.yaml');
    expect(s.testcase.map((c) => c.name)).toEqual(['kql-semantic', 'rule-entity-column']);
    expect(s).toMatchObject({ tests: 2, failures: 2 });
    const kql = s.testcase[0];
    expect(kql.failure!.type).toBe('kql-semantic');
    expect(kql.failure!.message).toMatch(/^2 errors; first: KS142/);
    expect(kql.failure!['#text'].split('\n')).toEqual([
      expect.stringMatching(/^detections\/btg-interactive-signin\.yaml:22:41 {2}error {2}KS142/),
      expect.stringMatching(/^detections\/btg-interactive-signin\.yaml:23:13 {2}error {2}KS109/),
    ]);
    expect(kql).toMatchObject({
      classname: 'detections/btg-interactive-signin.yaml',
      file: 'detections/btg-interactive-signin.yaml',
    });
  });

  it('keeps warnings and notes out of the failures, in the testcase output', () => {
    const s = suite('detections/btg-failed-signins.yaml');
    expect(s).toMatchObject({ tests: 1, failures: 0 });
    expect(s.testcase[0].failure).toBeUndefined();
    expect(s.testcase[0]['system-out']).toContain(
      'warning  description: 5100 characters; Sentinel truncates descriptions over 5000 <&> "quoted"',
    );
  });

  it('totals tests and failures at the top', () => {
    expect(doc.tests).toBe(doc.testsuite.reduce((n, s) => n + s.tests, 0));
    expect(doc.failures).toBe(4);
  });

  it('reports a clean run as one passing test', () => {
    const clean = parse(formatters.junit([], OPTIONS));
    expect(clean).toMatchObject({ tests: 1, failures: 0 });
    expect(clean.testsuite[0].testcase).toEqual([{ classname: 'btg validate', name: 'no findings' }]);
  });
});
