/** Worker thread: one analyzer per worker; validates the batches of files the main thread sends until terminated. */
import { parentPort, workerData } from 'worker_threads';
import { KqlAnalyzer } from '../kql/analyzer';
import type { SchemaSet } from '../kql/schemas';
import { validateContentFile } from './files';

const { schemaSet } = workerData as { schemaSet?: SchemaSet };
let analyzer: KqlAnalyzer | undefined;
let failure: string | undefined;
try {
  analyzer = new KqlAnalyzer({ tables: schemaSet?.tables, functions: schemaSet?.functions });
} catch (e) {
  failure = (e as Error).message;
}
parentPort!.on('message', (msg: { seq: number; files: string[] }) => {
  if (!analyzer) return parentPort!.postMessage({ seq: msg.seq, error: failure ?? 'no analyzer' });
  parentPort!.postMessage({ seq: msg.seq, results: msg.files.map((f) => validateContentFile(f, analyzer!)) });
});
