/** Routines: the rendered Markdown runbooks, as `out/routines/<name>.md`. */
import type { Emitted, Emitter } from './pack';

export const routineEmitter: Emitter = (pack): Emitted => ({
  resources: [],
  artifacts: pack.routines.map((r) => ({
    kind: 'routine',
    templateId: r.templateId,
    name: r.templateId,
    path: `routines/${r.templateId}.md`,
    content: r.text,
  })),
});
