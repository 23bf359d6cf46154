/** Locations inside the installed pack. Data files are read from the source tree, whether the code runs from ts (tests) or dist (CLI). */
import * as fs from 'fs';
import * as path from 'path';

/** The pack root (the folder of this package's package.json) and the package's version. */
function findPackRoot(start: string): { root: string; version: string } {
  let dir = start;
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg)) {
      try {
        const json = JSON.parse(fs.readFileSync(pkg, 'utf8'));
        if (json.name === 'breakglass-sentinel') return { root: dir, version: String(json.version) };
      } catch {
        /* keep walking */
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`breakglass-sentinel: cannot find the pack root above ${start}`);
    dir = parent;
  }
}

const found = findPackRoot(__dirname);
export const PACK_ROOT = found.root;
/** The pack's one version: package.json's (the manifest's packVersion, the report's footer, `btg --version`). */
export const PACK_VERSION = found.version;
export const packPath = (...parts: string[]): string => path.join(PACK_ROOT, ...parts);
export const DETECTIONS_DIR = packPath('detections');
export const HUNTING_DIR = packPath('detections', 'hunting');
export const WORKBOOKS_DIR = packPath('workbooks');
export const PLAYBOOKS_DIR = packPath('playbooks');
export const EXAMPLE_CONFIG = packPath('examples', 'btg.config.yaml');
/** Monitor alert templates sit with the detections; routines with the playbooks whose human half they are. */
export const MONITOR_DIR = packPath('detections', 'monitor');
export const ROUTINES_DIR = packPath('playbooks', 'routines');
