/** Output formats of `btg validate`; a format missing from the record fails to compile. */
import { json } from './json';
import { stylish } from './stylish';
import { Formatter } from './types';

export const OUTPUT_FORMATS = ['stylish', 'json'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];
export const formatters: Record<OutputFormat, Formatter> = { stylish, json };
export type { Formatter, FormatOptions } from './types';
