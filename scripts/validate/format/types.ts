import { Diagnostic } from '../diagnostic';

export interface FormatOptions {
  color?: boolean;
  /** appended to the stylish summary line */
  summary?: string;
  /** extra top-level fields for json */
  extra?: Record<string, unknown>;
  /** tool version for SARIF/JUnit */
  version?: string;
}
export type Formatter = (diags: Diagnostic[], opts: FormatOptions) => string;
