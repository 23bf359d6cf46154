import { MIN_FILES_PER_WORKER, spareCores, threadsFor } from '../scripts/validate/files';

describe('btg validate starts workers only when they pay', () => {
  it('a spare core is one other work is not using (at least one)', () => {
    expect(spareCores(2, 0.1)).toBe(2);
    expect(spareCores(2, 1.2)).toBe(1);
    expect(spareCores(2, 9)).toBe(1);
    expect(spareCores(8, 3.5)).toBe(5);
  });

  it('one thread per MIN_FILES_PER_WORKER files at most, one per spare core, --jobs wins', () => {
    expect(threadsFor(MIN_FILES_PER_WORKER - 1, undefined, 2)).toBe(1);
    expect(threadsFor(36, undefined, 2)).toBe(2);
    expect(threadsFor(1000, undefined, 2)).toBe(2);
    expect(threadsFor(1000, undefined, 1)).toBe(1);
    expect(threadsFor(1000, 1, 2)).toBe(1);
    expect(threadsFor(1000, 4, 1)).toBe(4);
    expect(threadsFor(30, 4, 2)).toBe(2);
  });
});
