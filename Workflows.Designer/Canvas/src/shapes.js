// Node, lane and edge shapes of the flow canvas, and how a view model from C# (NodeView, LaneView, EdgeView of
// Editor/Diagram/DiagramContract.cs) becomes X6 cell metadata. Pure functions of the view model: the same view always
// gives the same cell, so a patch can update a cell in place.
import { Graph } from '@antv/x6';

export const LANE_PREFIX = 'lane:';
export const LANE_HEADER_WIDTH = 170;

const colours = {
  text: '#1f2933',
  muted: '#52606d',
  stroke: '#52606d',
  problem: '#d32f2f',
  added: '#2e7d32',
  addedFill: '#e8f5e9',
  removed: '#c62828',
  removedFill: '#ffebee',
  changed: '#f9a825',
  changedFill: '#fff8e1',
};

// One soft colour per department, chosen from its id so a department keeps its colour in every diagram.
const laneColours = ['#0b5394', '#38761d', '#b45f06', '#674ea7', '#a61c00', '#134f5c', '#7f6000', '#741b47', '#3d85c6', '#6aa84f'];

export function departmentColour(id) {
  if (!id) {
    return '#7b8794';
  }
  let hash = 0;
  for (const ch of id) {
    hash = (hash * 31 + ch.codePointAt(0)) >>> 0;
  }
  return laneColours[hash % laneColours.length];
}

const font = 'Roboto, "Segoe UI", Arial, sans-serif';

let measure = null;

/**
 * Wraps `text` at spaces into at most `maxLines` lines no wider than `width` (canvas units) in the given font; the
 * last line ends with "…" when the text does not fit. X6's own wrapping cuts inside words ("Bộ phận Một cửa (T|rung").
 */
export function wrapWords(text, width, fontSize, maxLines, fontWeight = 400) {
  if (!text) {
    return '';
  }
  measure ??= document.createElement('canvas').getContext('2d');
  measure.font = `${fontWeight} ${fontSize}px ${font}`;
  const fits = (line) => measure.measureText(line).width <= width;
  const lines = [];
  let line = '';
  const words = text.split(/\s+/);
  for (let i = 0; i < words.length; i += 1) {
    const candidate = line ? `${line} ${words[i]}` : words[i];
    if (fits(candidate) || !line) {
      line = candidate;
      continue;
    }
    lines.push(line);
    line = words[i];
    if (lines.length === maxLines) {
      line = '';
      break;
    }
  }
  if (line) {
    lines.push(line);
  }
  if (lines.length > maxLines || (lines.length === maxLines && lines.join(' ').length < text.length)) {
    lines.length = Math.max(1, maxLines);
    let last = lines[lines.length - 1];
    while (last.length > 1 && !fits(`${last}…`)) {
      last = last.slice(0, -1);
    }
    lines[lines.length - 1] = `${last.trimEnd()}…`;
  }
  return lines.join('\n');
}

let registered = false;

/** Registers the shapes once per page (X6's registry is global). */
export function registerShapes() {
  if (registered) {
    return;
  }
  registered = true;
  const label = (extra) => ({ fontFamily: font, fontSize: 12, fill: colours.text, ...extra });

  Graph.registerNode('wf-lane', {
    inherit: 'rect',
    markup: [
      { tagName: 'rect', selector: 'body' },
      { tagName: 'rect', selector: 'header' },
      { tagName: 'text', selector: 'heading' },
      { tagName: 'title', selector: 'tooltip' },
    ],
    attrs: {
      body: { refWidth: '100%', refHeight: '100%', fill: '#fbfcfd', stroke: '#cbd2d9', strokeWidth: 1 },
      header: { width: LANE_HEADER_WIDTH, refHeight: '100%', fill: '#eef2f6', stroke: '#cbd2d9', strokeWidth: 1 },
      heading: {
        ...label({ fontSize: 13, fontWeight: 600 }),
        refX: 0, x: 12, refY: '50%', textAnchor: 'start', textVerticalAnchor: 'middle',
      },
    },
  }, true);

  Graph.registerNode('wf-step', {
    inherit: 'rect',
    markup: [
      { tagName: 'rect', selector: 'body' },
      { tagName: 'rect', selector: 'header' },
      { tagName: 'text', selector: 'label' },
      { tagName: 'text', selector: 'detail' },
      { tagName: 'title', selector: 'tooltip' },
    ],
    attrs: {
      body: { refWidth: '100%', refHeight: '100%', rx: 6, ry: 6, fill: '#ffffff', stroke: colours.stroke, strokeWidth: 1.5 },
      header: { refWidth: '100%', height: 8, rx: 6, ry: 6, fill: colours.stroke },
      label: {
        ...label({ fontWeight: 500 }),
        refX: 0, refY: 0, x: 10, y: 14, textAnchor: 'start', textVerticalAnchor: 'top',
      },
      detail: { ...label({ fontSize: 11, fill: colours.muted }), refX: 0, x: 10, refY: '100%', refY2: -8, textAnchor: 'start', textVerticalAnchor: 'bottom' },
    },
  }, true);

  Graph.registerNode('wf-decision', {
    inherit: 'polygon',
    markup: [
      { tagName: 'polygon', selector: 'body' },
      { tagName: 'text', selector: 'label' },
      { tagName: 'title', selector: 'tooltip' },
    ],
    attrs: {
      body: { refPoints: '0,10 10,0 20,10 10,20', fill: '#fffdf5', stroke: colours.stroke, strokeWidth: 1.5 },
      label: {
        ...label({ fontSize: 11 }), refX: '50%', refY: '50%', textAnchor: 'middle', textVerticalAnchor: 'middle',
      },
    },
  }, true);

  Graph.registerNode('wf-bar', {
    inherit: 'rect',
    markup: [
      { tagName: 'rect', selector: 'body' },
      { tagName: 'text', selector: 'label' },
      { tagName: 'title', selector: 'tooltip' },
    ],
    attrs: {
      body: { refWidth: '100%', refHeight: '100%', rx: 2, ry: 2, fill: '#323f4b', stroke: '#323f4b', strokeWidth: 1 },
      label: { ...label({ fontSize: 11, fill: colours.muted }), refX: '50%', refY: '100%', refY2: 6, textAnchor: 'middle', textVerticalAnchor: 'top' },
    },
  }, true);

  Graph.registerNode('wf-circle', {
    inherit: 'circle',
    markup: [
      { tagName: 'circle', selector: 'body' },
      { tagName: 'circle', selector: 'inner' },
      { tagName: 'text', selector: 'icon' },
      { tagName: 'text', selector: 'label' },
      { tagName: 'title', selector: 'tooltip' },
    ],
    attrs: {
      body: { refCx: '50%', refCy: '50%', refR: '50%', fill: '#ffffff', stroke: colours.stroke, strokeWidth: 2 },
      inner: { refCx: '50%', refCy: '50%', refR: '38%', fill: 'none', stroke: 'none' },
      icon: { fontFamily: font, fontSize: 20, fill: colours.text, refX: '50%', refY: '50%', textAnchor: 'middle', textVerticalAnchor: 'middle' },
      label: {
        ...label({ fontSize: 11 }), refX: '50%', refY: '100%', refY2: 6, textAnchor: 'middle', textVerticalAnchor: 'top',
      },
    },
  }, true);

  Graph.registerNode('wf-box', {
    inherit: 'rect',
    markup: [
      { tagName: 'rect', selector: 'body' },
      { tagName: 'rect', selector: 'inner' },
      { tagName: 'text', selector: 'icon' },
      { tagName: 'text', selector: 'label' },
      { tagName: 'text', selector: 'detail' },
      { tagName: 'title', selector: 'tooltip' },
    ],
    attrs: {
      body: { refWidth: '100%', refHeight: '100%', rx: 4, ry: 4, fill: '#ffffff', stroke: colours.stroke, strokeWidth: 1.5 },
      inner: { x: 4, y: 4, refWidth: '100%', refWidth2: -8, refHeight: '100%', refHeight2: -8, rx: 3, ry: 3, fill: 'none', stroke: 'none' },
      icon: { fontFamily: font, fontSize: 16, fill: colours.text, refX: 0, x: 10, refY: '50%', textAnchor: 'start', textVerticalAnchor: 'middle' },
      label: {
        ...label({ fontSize: 11 }), refX: 0, refY: 0, x: 34, y: 7, textAnchor: 'start', textVerticalAnchor: 'top',
      },
      detail: { ...label({ fontSize: 10, fill: colours.muted }), refX: 0, x: 34, refY: '100%', refY2: -6, textAnchor: 'start', textVerticalAnchor: 'bottom' },
    },
  }, true);
}

// Where each kind is drawn, and what differs between kinds sharing a shape.
const kinds = {
  Step: { shape: 'wf-step' },
  Decision: { shape: 'wf-decision' },
  Fork: { shape: 'wf-bar' },
  Join: { shape: 'wf-bar' },
  Wait: { shape: 'wf-circle', icon: '⏸' },
  Timer: { shape: 'wf-circle', icon: '⏱' },
  Start: { shape: 'wf-circle', icon: '' },
  End: { shape: 'wf-circle', icon: '', inner: true, strokeWidth: 4 },
  Notify: { shape: 'wf-box', icon: '✉' },
  SubProcess: { shape: 'wf-box', icon: '⧉', double: true },
};

export function shapeOf(kind) {
  return (kinds[kind] ?? kinds.Notify).shape;
}

function diffStyle(diff) {
  switch (diff) {
    case 'Added': return { stroke: colours.added, fill: colours.addedFill, dash: null, width: 2.5 };
    case 'Removed': return { stroke: colours.removed, fill: colours.removedFill, dash: '6 4', width: 2.5 };
    case 'Changed': return { stroke: colours.changed, fill: colours.changedFill, dash: null, width: 2.5 };
    default: return null;
  }
}

function portGroups() {
  return {
    out: {
      position: 'right',
      attrs: {
        circle: { r: 5, magnet: true, stroke: colours.stroke, strokeWidth: 1.5, fill: '#ffffff', cursor: 'crosshair' },
        text: { fontFamily: font, fontSize: 9, fill: colours.muted },
      },
      label: { position: { name: 'right', args: { x: 7, y: -7 } } },
    },
  };
}

/** The X6 metadata of a node view (position, size, shape, attrs, ports, data). */
export function nodeMetadata(view, laneColour) {
  const kind = kinds[view.kind] ?? kinds.Notify;
  const diff = diffStyle(view.diff);
  const problems = view.problems ?? [];
  const hasProblems = problems.length > 0;
  const stroke = hasProblems ? colours.problem : diff?.stroke ?? colours.stroke;
  const tooltip = [view.label, view.detail, ...problems.map((p) => '⚠ ' + p)].filter(Boolean).join('\n');

  const body = {
    stroke,
    strokeWidth: hasProblems ? 3 : diff?.width ?? kind.strokeWidth ?? 1.5,
    strokeDasharray: diff?.dash ?? null,
    fill: diff?.fill ?? (kind.shape === 'wf-bar' ? '#323f4b' : '#ffffff'),
    'data-problems': hasProblems ? problems.length : null,
    // The visual diff's state in the DOM too (Added, Removed, Changed), for tests and assistive tools.
    'data-diff': diff ? view.diff : null,
  };
  if (kind.shape === 'wf-bar' && !diff) {
    body.fill = '#323f4b';
  }

  const attrs = {
    body,
    label: { text: labelText(kind.shape, view) },
    tooltip: { text: tooltip },
  };
  if (kind.shape === 'wf-step') {
    attrs.header = { fill: laneColour };
    attrs.detail = { text: view.detail ?? '' };
  } else if (kind.shape === 'wf-circle') {
    attrs.icon = { text: kind.icon ?? '' };
    attrs.inner = { stroke: kind.inner ? stroke : 'none' };
  } else if (kind.shape === 'wf-box') {
    attrs.icon = { text: kind.icon ?? '' };
    attrs.inner = { stroke: kind.double ? stroke : 'none' };
    attrs.detail = { text: view.detail ?? '' };
  }

  return {
    id: view.id,
    shape: kind.shape,
    x: view.x,
    y: view.y,
    width: view.width,
    height: view.height,
    zIndex: 2,
    attrs,
    ports: {
      groups: portGroups(),
      items: (view.ports ?? []).map((p) => ({
        id: p.id,
        group: 'out',
        attrs: { text: { text: p.label ?? '' }, circle: { title: p.tooltip ?? p.label ?? p.id } },
      })),
    },
    data: { kind: view.kind, lane: view.lane },
  };
}

function labelText(shape, view) {
  const text = view.label ?? '';
  switch (shape) {
    case 'wf-step': return wrapWords(text, view.width - 24, 12, Math.max(1, Math.floor((view.height - 36) / 17)), 500);
    case 'wf-decision': return wrapWords(text, view.width * 0.6, 11, 3);
    case 'wf-box': return wrapWords(text, view.width - 44, 11, 2);
    default: return wrapWords(text, 150, 11, 2);
  }
}

/** A lane band: a node drawn behind every other, never selectable or movable. */
export function laneMetadata(view) {
  return {
    id: LANE_PREFIX + view.id,
    shape: 'wf-lane',
    x: 0,
    y: view.y,
    width: view.width,
    height: view.height,
    zIndex: 0,
    attrs: {
      header: { fill: '#eef2f6', stroke: '#cbd2d9' },
      heading: {
        text: wrapWords(view.title ?? '', LANE_HEADER_WIDTH - 24, 13, Math.max(1, Math.floor((view.height - 8) / 19)), 600),
        fill: departmentColour(view.id),
      },
      tooltip: { text: view.title ?? '' },
      body: { 'data-lane': view.id },
    },
    data: { lane: view.id, isLane: true },
  };
}

export function edgeMetadata(view) {
  const diff = diffStyle(view.diff);
  const stroke = diff?.stroke ?? '#616e7c';
  return {
    id: view.id,
    shape: 'edge',
    source: { cell: view.source, port: view.sourcePort },
    target: { cell: view.target },
    zIndex: 1,
    // A 20-unit grid for the route search (X6's default is 10): routing every edge around the nodes is most of the
    // work of opening a diagram, and a search on a grid twice as coarse visits about a quarter of the points.
    router: { name: 'manhattan', args: { padding: 12, step: 20, excludeShapes: ['wf-lane'] } },
    connector: { name: 'rounded', args: { radius: 6 } },
    attrs: {
      line: {
        stroke,
        strokeWidth: diff ? 2.5 : 1.5,
        strokeDasharray: diff?.dash ?? null,
        'data-diff': diff ? view.diff : null,
        targetMarker: { name: 'block', width: 8, height: 6 },
      },
    },
    labels: view.label
      ? [{
        position: 0.5,
        attrs: {
          label: { text: view.label, fontFamily: font, fontSize: 10, fill: colours.muted },
          body: { fill: '#ffffff', stroke: 'none', rx: 3, ry: 3 },
        },
      }]
      : [],
    data: { diff: view.diff ?? 'None' },
  };
}

export function isLane(cell) {
  return cell?.isNode() && cell.id.startsWith(LANE_PREFIX);
}
