/** Worker thread: one analyzer per worker, validates its share of the files. */
import { parentPort, workerData } from 'worker_threads';
import { KqlAnalyzer } from '../kql/analyzer';
import { loadSchemaDir } from '../kql/schemas';
import { validateRuleFile } from './files';

const { files, schemasDir } = workerData as { files: string[]; schemasDir?: string };
try {
  const analyzer = new KqlAnalyzer({ tables: schemasDir ? loadSchemaDir(schemasDir) : undefined });
  parentPort!.postMessage(files.map((f) => validateRuleFile(f, analyzer)));
} catch (e) {
  parentPort!.postMessage({ error: (e as Error).message });
}
