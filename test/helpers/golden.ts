/** Golden files: compare, or rewrite with UPDATE_GOLDEN=1. */
import * as fs from 'fs';
import * as path from 'path';

export const GOLDEN_DIR = path.join(__dirname, '..', 'golden');

export function expectGolden(relPath: string, actual: string): void {
  const file = path.join(GOLDEN_DIR, relPath);
  if (process.env.UPDATE_GOLDEN) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, actual);
    return;
  }
  if (!fs.existsSync(file))
    throw new Error(
      `golden file ${path.relative(process.cwd(), file)} is missing: run UPDATE_GOLDEN=1 npx jest ${expect.getState().testPath ? path.relative(process.cwd(), expect.getState().testPath!) : ''}`,
    );
  expect(actual).toBe(fs.readFileSync(file, 'utf8'));
}

/** Golden files under `dir` that no longer correspond to an emitted artifact. */
export function staleGoldens(dir: string, expected: string[]): string[] {
  const root = path.join(GOLDEN_DIR, dir);
  if (!fs.existsSync(root)) return [];
  const seen = new Set(expected.map((p) => path.normalize(p)));
  const out: string[] = [];
  const walk = (d: string) => {
    for (const f of fs.readdirSync(d)) {
      const full = path.join(d, f);
      if (fs.statSync(full).isDirectory()) walk(full);
      else if (!seen.has(path.normalize(path.relative(root, full)))) out.push(path.relative(root, full));
    }
  };
  walk(root);
  return out;
}
