import * as os from 'os';
import {
  busyElsewhere,
  cpuSample,
  measuredSpareCores,
  MIN_FILES_PER_WORKER,
  spareCores,
  threadsFor,
} from '../scripts/validate/files';

describe('btg validate starts workers only when they pay', () => {
  it('a spare core is one other work is not using (at least one)', () => {
    expect(spareCores(2, 0.1)).toBe(2);
    expect(spareCores(2, 1.2)).toBe(1);
    expect(spareCores(2, 9)).toBe(1);
    expect(spareCores(8, 3.5)).toBe(5);
  });

  it('what other processes use is measured over the time btg has run, its own use taken out', () => {
    const at = (ms: number, busy: number, own: number) => ({ at: ms, busy, idle: 0, own });
    // 1 s on 2 cores: 1.9 s busy in all, 1.0 s of it this process: others used 0.9 of a core
    expect(busyElsewhere(at(0, 0, 0), at(1000, 1900, 1000))).toBeCloseTo(0.9);
    expect(spareCores(2, busyElsewhere(at(0, 0, 0), at(1000, 1900, 1000))!)).toBe(1);
    // only this process was busy (a lagging load average would still say the machine is loaded)
    expect(spareCores(2, busyElsewhere(at(0, 0, 0), at(1000, 1050, 1000))!)).toBe(2);
    // too short to tell (10 ms ticks): no measure, the load average stands in
    expect(busyElsewhere(at(0, 0, 0), at(100, 200, 0))).toBeUndefined();
    // a real sample moves forward
    const a = cpuSample();
    const b = cpuSample();
    expect(b.at).toBeGreaterThanOrEqual(a.at);
    expect(b.own).toBeGreaterThanOrEqual(a.own);
  });

  it('started just now, the measure waits until enough time has passed to tell', async () => {
    const t0 = performance.now();
    const spare = await measuredSpareCores(cpuSample(), 60);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(55);
    expect(spare).toBeGreaterThanOrEqual(1);
    expect(spare).toBeLessThanOrEqual(os.availableParallelism?.() ?? os.cpus().length);
  });

  it('one thread per MIN_FILES_PER_WORKER files at most, one per spare core, --jobs wins', () => {
    expect(threadsFor(MIN_FILES_PER_WORKER - 1, undefined, 2)).toBe(1);
    expect(threadsFor(36, undefined, 2)).toBe(1);
    expect(threadsFor(2 * MIN_FILES_PER_WORKER, undefined, 2)).toBe(2);
    expect(threadsFor(1000, undefined, 2)).toBe(2);
    expect(threadsFor(1000, undefined, 1)).toBe(1);
    expect(threadsFor(1000, 1, 2)).toBe(1);
    expect(threadsFor(1000, 4, 1)).toBe(4);
    expect(threadsFor(30, 4, 2)).toBe(1);
    expect(threadsFor(2.5 * MIN_FILES_PER_WORKER, 4, 2)).toBe(3);
  });
});
