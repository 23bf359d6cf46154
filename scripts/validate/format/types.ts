import { Diagnostic } from '../../core/diagnostic';

export interface FormatOptions {
  color?: boolean;
  /** appended to the stylish summary line */
  summary?: string;
  /** extra top-level fields for json */
  extra?: Record<string, unknown>;
  /** tool version for SARIF/JUnit */
  version?: string;
  /** every check id with its description and help (core/checks.ts DIAGNOSTIC_CHECKS): SARIF lists each as a rule */
  checks?: Record<string, { description: string; help: string }>;
  /** absolute URI of docs/checks.md; SARIF rules link to `<docsUri>#<check id>` */
  docsUri?: string;
}
export type Formatter = (diags: Diagnostic[], opts: FormatOptions) => string;
