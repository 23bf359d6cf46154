/** What CI output says about the tool itself: where its check documentation can be opened (its version: PACK_VERSION). */
import * as path from 'path';
import { pathToFileURL } from 'url';
import { PACK_ROOT } from '../paths';

/**
 * Absolute URI of docs/checks.md for SARIF `helpUri`s. In GitHub Actions, when the pack is part of the
 * checked-out repository, the file's page at the commit being analysed (readable from the code scanning
 * alert); otherwise the local file.
 */
export function checksDocUri(env: NodeJS.ProcessEnv = process.env, root: string = PACK_ROOT): string {
  const doc = path.join(root, 'docs', 'checks.md');
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repo, GITHUB_SHA: sha, GITHUB_WORKSPACE: ws } = env;
  if (server && repo && sha && ws) {
    const rel = path.relative(path.resolve(ws), doc);
    if (rel && !rel.startsWith('..') && !path.isAbsolute(rel))
      return `${server.replace(/\/+$/, '')}/${repo}/blob/${sha}/${rel.split(path.sep).map(encodeURIComponent).join('/')}`;
  }
  return pathToFileURL(doc).href;
}
