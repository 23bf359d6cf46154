/**
 * Attack: an error's message carries text from outside (a path, a file, a server). main() prints it as `btg: …`;
 * escape sequences and bidirectional overrides must not reach the terminal, and a device given as the config is
 * named as such.
 */
import { runCli } from '../helpers/cli';

describe("the CLI's error line", () => {
  it('strips control characters and keeps one line per message line', async () => {
    const r = await runCli('build', '-c', '/tmp/btg-missing-\x1b[31mred\x1b[0m-\u202egnp.yaml');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^btg: config file \/tmp\/btg-missing-red-gnp\.yaml not found/);
    expect(r.stderr).not.toMatch(/[\x1b\u202e]/);
  });

  it('a config that is a device is a usage error that says so', async () => {
    const r = await runCli('build', '-c', '/dev/null');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('btg: config file /dev/null is a device, pipe or socket, not a regular file\n');
  });
});
