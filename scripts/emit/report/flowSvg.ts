/**
 * A playbook's flow as inline SVG, laid out at build time with dagre (top to bottom). One `<g>` per
 * trigger/action carries `data-trigger` / `data-action` with its name, so tests and readers can find it.
 */
import * as dagre from '@dagrejs/dagre';
import { esc } from './html';
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
  nodes: (FlowNode & { x: number; y: number; w: number; h: number })[];
  edges: { from: string; to: string; label?: string; points: { x: number; y: number }[]; labelAt?: { x: number; y: number; w: number } }[];
}

export function layoutFlow(g: FlowGraph): PositionedFlow {
  const graph = new dagre.graphlib.Graph({ multigraph: true });
  graph.setGraph({ rankdir: 'TB', nodesep: 28, ranksep: 36, edgesep: 14, marginx: 8, marginy: 8 });
  graph.setDefaultEdgeLabel(() => ({}));
  for (const n of g.nodes) {
    const w = Math.max(120, Math.min(MAX_CHARS * CHAR_W, Math.max(textWidth(clip(title(n))), textWidth(clip(subtitle(n))) * 0.92)) + 24);
    graph.setNode(n.id, { width: w, height: NODE_H });
  }
  g.edges.forEach((e, i) => {
    const label = e.label ? clip(e.label) : undefined;
    graph.setEdge(e.from, e.to, label ? { width: textWidth(label) * 0.92 + 10, height: 16, labelpos: 'c' } : {}, `e${i}`);
  });
  dagre.layout(graph);
  const info = graph.graph();
  return {
    width: Math.ceil(info.width ?? 0),
    height: Math.ceil(info.height ?? 0),
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
  const family = ['if', 'switch'].includes(t) ? 'condition' : ['foreach', 'until', 'scope'].includes(t) ? 'loop' : t.startsWith('apiconnection') ? 'connector' : t === 'terminate' ? 'terminate' : 'step';
  return `node ${n.role} ${family}`;
}

export function flowSvg(g: FlowGraph, opts: { id: string; label: string; key: string }): string {
  const l = layoutFlow(g);
  const marker = `${opts.id}-arrow`;
  const edges = l.edges
    .map((e) => {
      const d = e.points.map((p, i) => `${i ? 'L' : 'M'}${n1(p.x)} ${n1(p.y)}`).join(' ');
      const label = e.labelAt
        ? `<g class="edge-label"><rect x="${n1(e.labelAt.x - e.labelAt.w / 2)}" y="${n1(e.labelAt.y - 8)}" width="${n1(e.labelAt.w)}" height="16" rx="3"/><text x="${n1(e.labelAt.x)}" y="${n1(e.labelAt.y + 4)}" text-anchor="middle">${esc(clip(e.label!))}</text></g>`
        : '';
      return `<g class="edge" data-from="${esc(e.from)}" data-to="${esc(e.to)}"><path d="${d}" marker-end="url(#${esc(marker)})"/>${label}</g>`;
    })
    .join('\n');
  const nodes = l.nodes
    .map((n) => {
      const x = n.x - n.w / 2;
      const y = n.y - n.h / 2;
      const attr = n.role === 'trigger' ? 'data-trigger' : 'data-action';
      const sub = subtitle(n);
      return (
        `<g class="${nodeClass(n)}" ${attr}="${esc(n.name)}" data-type="${esc(n.type)}" transform="translate(${n1(x)} ${n1(y)})">` +
        `<title>${esc(`${n.role === 'trigger' ? 'Trigger' : 'Action'}: ${n.name}${sub ? ` (${sub})` : ''}`)}</title>` +
        `<rect width="${n1(n.w)}" height="${n1(n.h)}" rx="${n.role === 'trigger' ? 22 : 6}"/>` +
        `<text x="${n1(n.w / 2)}" y="${sub ? 18 : 27}" text-anchor="middle" class="name">${esc(clip(title(n)))}</text>` +
        (sub ? `<text x="${n1(n.w / 2)}" y="34" text-anchor="middle" class="type">${esc(clip(sub))}</text>` : '') +
        `</g>`
      );
    })
    .join('\n');
  return (
    `<svg class="flow" xmlns="http://www.w3.org/2000/svg" data-playbook="${esc(opts.key)}" viewBox="0 0 ${l.width} ${l.height}" width="${l.width}" height="${l.height}" font-size="${FONT}" role="img" aria-label="${esc(opts.label)}">` +
    `<defs><marker id="${esc(marker)}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z"/></marker></defs>\n` +
    `${edges}\n${nodes}\n</svg>`
  );
}
