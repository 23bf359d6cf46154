/** Output formats of `btg validate`; a format missing from the record fails to compile. */
import { json } from './json';
import { junit } from './junit';
import { sarif } from './sarif';
import { stylish } from './stylish';
import { Formatter } from './types';

export const OUTPUT_FORMATS = ['stylish', 'json', 'sarif', 'junit'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];
export const formatters: Record<OutputFormat, Formatter> = { stylish, json, sarif, junit };
export type { Formatter, FormatOptions } from './types';
