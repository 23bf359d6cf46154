/**
 * `out/report.html` in headless Chromium (Debian's /usr/bin/chromium driven by playwright-core; never a
 * downloaded browser): it opens from file:// with no console error and no request but itself, and shows
 * every detection, every tactic used and every playbook action that the build emitted.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Browser, chromium, Page } from 'playwright-core';
import { parse as parseYaml } from 'yaml';
import type { Artifact, Manifest } from '../scripts/emit/artifacts';
import { renderReport } from '../scripts/emit/report';
import { humanize } from '../scripts/emit/report/html';
import { defaultAnalyzer } from '../scripts/kql/analyzer';
import { EXAMPLE_CONFIG, PACK_ROOT } from '../scripts/paths';
import { build, BuildResult } from '../scripts/pipeline';
import { fixtureArtifacts, PLAYBOOK_ACTIONS } from './report/fixtures';

jest.setTimeout(120_000);

const CHROMIUM = process.env.BTG_CHROMIUM ?? '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Actions of a Logic App `actions` map, counted independently of the report's code: every nested map counts. */
function countActions(actions: Json | undefined): number {
  return Object.values(actions ?? {}).reduce<number>(
    (n, a: Json) =>
      n +
      1 +
      countActions(a.actions) +
      countActions(a.else?.actions) +
      Object.values((a.cases ?? {}) as Json).reduce<number>((m, c: Json) => m + countActions(c.actions), 0) +
      countActions(a.default?.actions),
    0,
  );
}

/** `Microsoft.Logic/workflows` definitions in one JSON document, depth first. */
function workflowDefinitions(doc: unknown): Json[] {
  const out: Json[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (!v || typeof v !== 'object') return;
    const o = v as Json;
    if (typeof o.type === 'string' && o.type.toLowerCase() === 'microsoft.logic/workflows' && o.properties?.definition)
      out.push(o.properties.definition);
    else if (typeof o.$schema === 'string' && /workflowdefinition/i.test(o.$schema)) out.push(o);
    else Object.values(o).forEach(walk);
  };
  walk(doc);
  return out;
}

interface Opened {
  page: Page;
  problems: string[];
  requests: string[];
}

let browser: Browser;
let outDir: string;
let built: BuildResult;
const pages: Page[] = [];

async function open(file: string): Promise<Opened> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1600 } });
  pages.push(page);
  const problems: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`failed request: ${r.url()} ${r.failure()?.errorText ?? ''}`));
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(`file://${file}`, { waitUntil: 'load' });
  return { page, problems, requests };
}

const readOut = (p: string) => fs.readFileSync(path.join(outDir, p), 'utf8');

beforeAll(async () => {
  outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'btg-report-'));
  built = build({ configFile: EXAMPLE_CONFIG, outDir: path.join(outDir, 'out') });
  outDir = path.join(outDir, 'out');
  if (!fs.existsSync(CHROMIUM))
    throw new Error(`no Chromium at ${CHROMIUM}: install Debian's package (apt-get install -y chromium)`);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
});

afterAll(async () => {
  for (const p of pages) await p.close();
  await browser?.close();
  if (outDir) fs.rmSync(path.dirname(outDir), { recursive: true, force: true });
});

describe('out/report.html from btg build', () => {
  let opened: Opened;
  let manifest: Manifest;

  beforeAll(async () => {
    expect(built.written).toBe(true);
    manifest = JSON.parse(readOut('manifest.json'));
    opened = await open(path.join(outDir, 'report.html'));
  });

  it('loads from the file system with no console error, no failed request, and no request but itself', () => {
    expect(opened.problems).toEqual([]);
    expect(opened.requests).toEqual([`file://${path.join(outDir, 'report.html')}`]);
  });

  it('has a section for every detection and hunting query in the manifest', async () => {
    const items = manifest.artifacts.filter((a) => a.kind === 'rule-yaml' || a.kind === 'hunting-yaml');
    expect(items.length).toBeGreaterThan(0);
    const missing: string[] = [];
    for (const a of items) {
      const attr = a.kind === 'rule-yaml' ? 'data-detection' : 'data-hunting';
      const section = opened.page.locator(`section[${attr}="${a.templateId}"]`);
      if ((await section.count()) !== 1) missing.push(`${a.templateId}: no section`);
      else if (!(await section.locator('h3').innerText()).includes(a.name!))
        missing.push(`${a.templateId}: heading is not "${a.name}"`);
      else if ((await section.locator('pre.kql span').count()) === 0)
        missing.push(`${a.templateId}: query is not highlighted`);
      else if ((await section.locator('[data-status="valid"]').count()) !== 1)
        missing.push(`${a.templateId}: no "valid" status`);
    }
    expect(missing).toEqual([]);
  });

  it('names every tactic the emitted rules and hunting queries use in the coverage view', async () => {
    const tactics = new Set<string>();
    for (const a of manifest.artifacts.filter((x) => x.kind === 'rule-yaml' || x.kind === 'hunting-yaml')) {
      for (const t of (parseYaml(readOut(a.path)).tactics ?? []) as string[]) tactics.add(t);
    }
    expect(tactics.size).toBeGreaterThan(0);
    const missing: string[] = [];
    for (const t of tactics) {
      const cell = opened.page.locator(`#coverage .tactic.covered[data-tactic="${t}"]`);
      if ((await cell.count()) !== 1 || !(await cell.innerText()).includes(humanize(t))) missing.push(t);
    }
    expect(missing).toEqual([]);
  });

  it('draws one diagram per emitted playbook with one node per action, nested actions included', async () => {
    const emitted = manifest.artifacts.filter((a) => a.kind.includes('playbook') && a.path.endsWith('.json'));
    const distinct = new Set(
      emitted.flatMap((a) => workflowDefinitions(JSON.parse(readOut(a.path))).map((d) => JSON.stringify(d))),
    );
    const diagrams = opened.page.locator('svg.flow');
    expect(await diagrams.count()).toBe(distinct.size);
    for (const svg of await diagrams.all()) {
      const [file, index] = (await svg.getAttribute('data-playbook'))!.split('#');
      const definition = workflowDefinitions(JSON.parse(readOut(file)))[Number(index ?? 0)];
      expect(await svg.locator('[data-action]').count()).toBe(countActions(definition.actions));
    }
  });

  it('reads top-down: detections folded to one line each, opened they wrap every query (no sideways scrolling), diagrams fill their panel', async () => {
    const page = opened.page;
    // folded: a detection's query is not shown until it is opened
    const first = page.locator('section[data-detection] details.item-body').first();
    expect(await first.locator('pre.kql').isVisible()).toBe(false);
    await page.evaluate(() => document.querySelectorAll('details').forEach((d) => d.setAttribute('open', '')));
    expect(await first.locator('pre.kql').isVisible()).toBe(true);
    const wide = await page.$$eval('pre.kql', (pres) =>
      pres.filter((p) => p.scrollWidth > p.clientWidth + 1).map((p) => `${p.scrollWidth} > ${p.clientWidth}`),
    );
    expect(wide).toEqual([]);
    for (const svg of await page.locator('svg.flow').all()) {
      const [own, panel] = await svg.evaluate((el) => [
        el.getBoundingClientRect().width,
        el.parentElement!.getBoundingClientRect().width,
      ]);
      const natural = Number((await svg.getAttribute('viewBox'))!.split(' ')[2]);
      // as wide as the panel allows, up to 1.5x its natural size
      expect(own).toBeGreaterThanOrEqual(Math.min(panel - 40, natural * 1.5) - 1);
    }
    await page.evaluate(() =>
      document.querySelectorAll('details.item-body, details.files').forEach((d) => d.removeAttribute('open')),
    );
  });

  // docs/report.png is refreshed only on request (UPDATE_SCREENSHOT=1), so a test run leaves the repository as it was
  it('saves a screenshot (test-artifacts/report.png; UPDATE_SCREENSHOT=1 copies it to docs/report.png)', async () => {
    const shot = path.join(PACK_ROOT, 'test-artifacts', 'report.png');
    fs.mkdirSync(path.dirname(shot), { recursive: true });
    // the folding markers as a reader sees them, not half-way through the turn the previous test's closing started
    await opened.page.addStyleTag({ content: '*, *::before { transition: none !important; }' });
    await opened.page.screenshot({ path: shot });
    if (process.env.UPDATE_SCREENSHOT === '1') fs.copyFileSync(shot, path.join(PACK_ROOT, 'docs', 'report.png'));
    const png = fs.readFileSync(shot);
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(png.readUInt32BE(16)).toBe(1280); // IHDR width
  });
});

/**
 * The playbook, workbook and routine sections again, on fixtures whose counts are known by hand (nested
 * If/Switch/Foreach branches, a group of tiles, nested lists and unsafe Markdown), independent of what the
 * pack's own templates happen to contain.
 */
describe('report with playbook, workbook and routine fixtures', () => {
  let opened: Opened;
  let artifacts: Artifact[];

  beforeAll(async () => {
    // the built rules, hunting queries and manifest; the playbook, workbook and routine of the fixtures
    artifacts = [
      ...built.emitted!.artifacts.filter((a) => !/report|playbook|workbook|routine|automation|monitor/.test(a.kind)),
      ...fixtureArtifacts(),
    ];
    const file = path.join(outDir, 'report-fixtures.html');
    fs.writeFileSync(
      file,
      renderReport({
        pack: built.pack!,
        artifacts,
        diagnostics: built.diagnostics,
        classify: (q) => defaultAnalyzer().classify(q),
      }),
    );
    opened = await open(file);
  });

  it('loads cleanly too', () => {
    expect(opened.problems).toEqual([]);
    expect(opened.requests).toHaveLength(1);
  });

  it('draws the playbook with one node per action, every node inside its drawing', async () => {
    const svg = opened.page.locator('svg.flow');
    expect(await svg.count()).toBe(1);
    const key = (await svg.getAttribute('data-playbook'))!;
    const definition = workflowDefinitions(JSON.parse(artifacts.find((a) => a.path === key)!.content))[0];
    expect(countActions(definition.actions)).toBe(PLAYBOOK_ACTIONS);
    expect(await svg.locator('[data-action]').count()).toBe(PLAYBOOK_ACTIONS);
    expect(await svg.locator('[data-trigger]').count()).toBe(1);
    const box = (await svg.boundingBox())!;
    for (const node of await svg.locator('g.node').all()) {
      const b = (await node.boundingBox())!;
      expect(b.width).toBeGreaterThan(40);
      expect(b.x).toBeGreaterThanOrEqual(box.x - 0.5);
      expect(b.x + b.width).toBeLessThanOrEqual(box.x + box.width + 0.5);
      expect(b.y + b.height).toBeLessThanOrEqual(box.y + box.height + 0.5);
    }
  });

  it('outlines the workbook and renders the routine', async () => {
    expect(await opened.page.locator('#workbooks li.tile').count()).toBe(6);
    expect(await opened.page.locator('#workbooks pre.kql .k-table').count()).toBeGreaterThan(0);
    expect(await opened.page.locator('#routines h3').innerText()).toBe('Six-monthly break-glass test');
    expect(await opened.page.locator('#routines a[href^="javascript"]').count()).toBe(0);
  });
});
