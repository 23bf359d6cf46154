/**
 * A playbook's flow as inline SVG, laid out at build time with dagre (top to bottom). One `<g>` per
 * trigger/action carries `data-trigger` / `data-action` with its name, so tests and readers can find it.
 */
import * as dagre from '@dagrejs/dagre';
import { html, joinHtml, SafeHtml } from './html';
import { FlowGraph, FlowNode } from './logicApp';

const FONT = 12;
/** average glyph width of the report's sans-serif font at 12 px: node widths come from text length */
const CHAR_W = 6.8;
const NODE_H = 44;
const MAX_CHARS = 40;

const clip = (s: string) => (s.length > MAX_CHARS ? `${s.slice(0, MAX_CHARS - 1)}…` : s);
/** Logic App names use underscores for spaces (`Add_comment_to_incident`). */
const title = (n: FlowNode) => n.name.replace(/_/g, ' ');
const subtitle = (n: FlowNode) => [n.type, n.detail].filter(Boolean).join(' · ');
const textWidth = (s: string) => Math.ceil(s.length * CHAR_W);

export interface PositionedFlow {
  width: number;
  height: number;
  /** loop / scope bodies: the box around their actions */
  groups: { id: string; label: string; x: number; y: number; w: number; h: number }[];
  nodes: (FlowNode & { x: number; y: number; w: number; h: number })[];
  edges: {
    from: string;
    to: string;
    label?: string;
    points: { x: number; y: number }[];
    labelAt?: { x: number; y: number; w: number };
  }[];
}

export function layoutFlow(g: FlowGraph): PositionedFlow {
  const groups = g.groups ?? [];
  const graph = new dagre.graphlib.Graph({ multigraph: true, compound: groups.length > 0 });
  graph.setGraph({ rankdir: 'TB', nodesep: 28, ranksep: 40, edgesep: 14, marginx: 12, marginy: 12 });
  graph.setDefaultEdgeLabel(() => ({}));
  for (const grp of groups)
    graph.setNode(grp.id, { label: grp.label, paddingTop: 22, paddingLeft: 10, paddingRight: 10, paddingBottom: 10 });
  for (const grp of groups) if (grp.parent) graph.setParent(grp.id, grp.parent);
  for (const n of g.nodes) {
    const w = Math.max(
      120,
      Math.min(MAX_CHARS * CHAR_W, Math.max(textWidth(clip(title(n))), textWidth(clip(subtitle(n))) * 0.92)) + 24,
    );
    graph.setNode(n.id, { width: w, height: NODE_H });
    if (n.group && groups.some((x) => x.id === n.group)) graph.setParent(n.id, n.group);
  }
  g.edges.forEach((e, i) => {
    const label = e.label ? clip(e.label) : undefined;
    graph.setEdge(
      e.from,
      e.to,
      label ? { width: textWidth(label) * 0.92 + 10, height: 16, labelpos: 'c' } : {},
      `e${i}`,
    );
  });
  dagre.layout(graph);
  const info = graph.graph();
  // a group's box: around its laid-out members, with room for its label on top
  const boxes = new Map<string, { x0: number; y0: number; x1: number; y1: number }>();
  const boxOf = (id: string): { x0: number; y0: number; x1: number; y1: number } | undefined => {
    if (boxes.has(id)) return boxes.get(id);
    const members = [
      ...g.nodes
        .filter((n) => n.group === id)
        .map((n) => {
          const p = graph.node(n.id);
          return { x0: p.x - p.width / 2, y0: p.y - p.height / 2, x1: p.x + p.width / 2, y1: p.y + p.height / 2 };
        }),
      ...groups
        .filter((x) => x.parent === id)
        .map((x) => boxOf(x.id)!)
        .filter(Boolean),
    ];
    if (!members.length) return undefined;
    const b = {
      x0: Math.min(...members.map((m) => m.x0)) - 10,
      y0: Math.min(...members.map((m) => m.y0)) - 24,
      x1: Math.max(...members.map((m) => m.x1)) + 10,
      y1: Math.max(...members.map((m) => m.y1)) + 10,
    };
    boxes.set(id, b);
    return b;
  };
  const placedGroups = groups.flatMap((grp) => {
    const b = boxOf(grp.id);
    return b ? [{ id: grp.id, label: grp.label, x: b.x0, y: b.y0, w: b.x1 - b.x0, h: b.y1 - b.y0 }] : [];
  });
  // the drawing holds every node and box (boxes may reach past dagre's own extent)
  const minX = Math.min(0, ...placedGroups.map((b) => b.x - 4));
  const minY = Math.min(0, ...placedGroups.map((b) => b.y - 4));
  const shift = (v: number, d: number) => v - d;
  if (minX < 0 || minY < 0) {
    for (const n of g.nodes) {
      const p = graph.node(n.id);
      p.x = shift(p.x, minX);
      p.y = shift(p.y, minY);
    }
    for (const b of placedGroups) {
      b.x -= minX;
      b.y -= minY;
    }
    g.edges.forEach((e, i) => {
      const p = graph.edge(e.from, e.to, `e${i}`);
      p.points = (p.points ?? []).map((q: { x: number; y: number }) => ({ x: q.x - minX, y: q.y - minY }));
      if (p.x !== undefined) p.x -= minX;
      if (p.y !== undefined) p.y -= minY;
    });
  }
  const maxX = Math.max((info.width ?? 0) - minX, ...placedGroups.map((b) => b.x + b.w + 4));
  const maxY = Math.max((info.height ?? 0) - minY, ...placedGroups.map((b) => b.y + b.h + 4));
  return {
    groups: placedGroups,
    width: Math.ceil(maxX),
    height: Math.ceil(maxY),
    nodes: g.nodes.map((n) => {
      const p = graph.node(n.id);
      return { ...n, x: p.x ?? 0, y: p.y ?? 0, w: p.width, h: p.height };
    }),
    edges: g.edges.map((e, i) => {
      const p = graph.edge(e.from, e.to, `e${i}`);
      return {
        ...e,
        points: (p.points ?? []).map((q: { x: number; y: number }) => ({ x: q.x, y: q.y })),
        labelAt: e.label && p.x !== undefined && p.y !== undefined ? { x: p.x, y: p.y, w: p.width ?? 0 } : undefined,
      };
    }),
  };
}

const n1 = (v: number) => (Math.round(v * 10) / 10).toString();

/** Class names for a node: role and a type family the stylesheet colours. */
function nodeClass(n: FlowNode): string {
  const t = n.type.toLowerCase();
  const family = ['if', 'switch'].includes(t)
    ? 'condition'
    : ['foreach', 'until', 'scope'].includes(t)
      ? 'loop'
      : t.startsWith('apiconnection')
        ? 'connector'
        : t === 'terminate'
          ? 'terminate'
          : 'step';
  return `node ${n.role} ${family}`;
}

export function flowSvg(g: FlowGraph, opts: { id: string; label: string; key: string }): SafeHtml {
  const l = layoutFlow(g);
  const marker = `${opts.id}-arrow`;
  const edges = l.edges.map((e) => {
    const d = e.points.map((p, i) => `${i ? 'L' : 'M'}${n1(p.x)} ${n1(p.y)}`).join(' ');
    const label = e.labelAt
      ? html`<g class="edge-label"><rect x="${n1(e.labelAt.x - e.labelAt.w / 2)}" y="${n1(e.labelAt.y - 8)}" width="${n1(e.labelAt.w)}" height="16" rx="3"/><text x="${n1(e.labelAt.x)}" y="${n1(e.labelAt.y + 4)}" text-anchor="middle">${clip(e.label!)}</text></g>`
      : '';
    return html`<g class="edge" data-from="${e.from}" data-to="${e.to}"><path d="${d}" marker-end="url(#${marker})"/>${label}</g>`;
  });
  const nodes = l.nodes.map((n) => {
    const x = n.x - n.w / 2;
    const y = n.y - n.h / 2;
    const attr = n.role === 'trigger' ? 'data-trigger' : 'data-action';
    const sub = subtitle(n);
    return html`<g class="${nodeClass(n)}" ${attr}="${n.name}" data-type="${n.type}" transform="translate(${n1(x)} ${n1(y)})"><title>${`${n.role === 'trigger' ? 'Trigger' : 'Action'}: ${n.name}${sub ? ` (${sub})` : ''}`}</title><rect width="${n1(n.w)}" height="${n1(n.h)}" rx="${n.role === 'trigger' ? 22 : 6}"/><text x="${n1(n.w / 2)}" y="${sub ? 18 : 27}" text-anchor="middle" class="name">${clip(title(n))}</text>${sub ? html`<text x="${n1(n.w / 2)}" y="34" text-anchor="middle" class="type">${clip(sub)}</text>` : ''}</g>`;
  });
  const groups = l.groups.map(
    (b) =>
      html`<g class="group" data-group="${b.id.slice(2)}"><rect x="${n1(b.x)}" y="${n1(b.y)}" width="${n1(b.w)}" height="${n1(b.h)}" rx="8"/><text x="${n1(b.x + 8)}" y="${n1(b.y + 15)}" class="group-label">${clip(b.label)}</text></g>`,
  );
  // the drawing scales to its panel's width (up to 1.5× its natural size), keeping its proportions
  return html`<svg class="flow" xmlns="http://www.w3.org/2000/svg" data-playbook="${opts.key}" viewBox="0 0 ${l.width} ${l.height}" width="100%" style="max-width:${Math.round(l.width * 1.5)}px" preserveAspectRatio="xMidYMin meet" font-size="${FONT}" role="img" aria-label="${opts.label}"><defs><marker id="${marker}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z"/></marker></defs>
${joinHtml(groups, '\n')}${groups.length ? '\n' : ''}${joinHtml(edges, '\n')}
${joinHtml(nodes, '\n')}
</svg>`;
}
