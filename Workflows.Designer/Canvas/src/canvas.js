// The flow canvas: one ES module behind one interop boundary (Editor/Diagram/DiagramCanvas.razor + CanvasInterop.cs).
// C# owns the model and sends patches of view models by id; the canvas draws them and sends back what the user did
// as intents (JSON strings), never the graph. Cells are only changed by patches: a drag's end, a connection, a delete
// key become intents, and the editor's answer (a patch) is what moves, adds or removes cells.
import { Graph, NodeView, Selection, Snapline, MiniMap, Keyboard } from '@antv/x6';
import { registerShapes, nodeMetadata, laneMetadata, edgeMetadata, isLane, departmentColour, LANE_PREFIX } from './shapes.js';

// Every change the canvas makes itself carries this flag; listeners ignore events that have it.
const PROGRAMMATIC = { programmatic: true };
const PASTE_OFFSET = 30;
// Half size is the smallest at which a step's name (12 px, 6 px on screen) can still be read: the view never opens,
// fits or reveals a node below it.
const MIN_READABLE_SCALE = 0.5;
const FIT_PADDING = 16;
// The minimap's picture: small enough to leave a 1280×720 window's canvas to the diagram.
const MINIMAP_WIDTH = 160;
const MINIMAP_HEIGHT = 96;

/**
 * How the minimap draws a node or a lane: one plain box in its colour. The minimap is a second X6 graph on the same
 * model: drawing full cells there (labels, ports, and every edge routed again around the nodes) doubled the work of
 * opening a diagram, for a 200×120 px picture where no label can be read. Edges are not drawn there (null).
 */
class MinimapBox extends NodeView {
  renderMarkup() {
    return this.renderJSONMarkup({ tagName: 'rect', selector: 'body' });
  }

  update() {
    const lane = isLane(this.cell);
    const stroke = this.cell.getAttrs()?.body?.stroke ?? '#52606d';
    super.update({
      body: { refWidth: '100%', refHeight: '100%', fill: lane ? '#f5f7fa' : stroke, stroke: lane ? '#cbd2d9' : 'none', strokeWidth: lane ? 2 : 0 },
    });
  }
}

function minimapView(cell) {
  return cell.isNode() ? MinimapBox : null;
}

/**
 * Creates the canvas inside `element` (a DiagramCanvas root with `.wf-canvas-graph`, `.wf-canvas-minimap` and, when
 * editable, palette items `[data-palette-kind]`). `optionsJson`: `{ "readOnly": bool }`.
 */
export function create(element, dotnetRef, optionsJson) {
  // performance.mark('wf-canvas:…'): silent milestones (create, patch-N, fit, reveal) that the designer benchmark reads
  // to say where the time of opening a diagram goes (tests/Workflows.Benchmarks/Designer/PageTimer.cs).
  performance.mark('wf-canvas:create');
  const canvas = new Canvas(element, dotnetRef, JSON.parse(optionsJson ?? '{}'));
  performance.mark('wf-canvas:created');
  return canvas;
}

class Canvas {
  constructor(element, dotnetRef, options) {
    registerShapes();
    this.element = element;
    this.dotnetRef = dotnetRef;
    this.readOnly = options.readOnly === true;
    this.copied = [];
    this.pasteCount = 0;
    this.cleanups = [];

    const container = element.querySelector('.wf-canvas-graph');
    this.container = container;
    const readOnly = this.readOnly;
    this.graph = new Graph({
      container,
      autoResize: true,
      background: { color: '#ffffff' },
      grid: { visible: !readOnly, size: 10, type: 'dot', args: { color: '#e4e7eb' } },
      panning: { enabled: true, eventTypes: ['leftMouseDown'] },
      mousewheel: { enabled: true, zoomAtMousePosition: true, minScale: 0.2, maxScale: 3, factor: 1.1 },
      interacting: (view) => {
        if (readOnly || isLane(view.cell)) {
          return false;
        }
        return { nodeMovable: true, edgeMovable: false, edgeLabelMovable: false, arrowheadMovable: false, vertexMovable: false, vertexAddable: false, magnetConnectable: true };
      },
      connecting: {
        allowBlank: false,
        allowLoop: false,
        allowPort: false,
        allowEdge: false,
        allowNode: (args) => !isLane(args.targetCell),
        allowMulti: true,
        highlight: true,
        snap: { radius: 30 },
        router: { name: 'manhattan', args: { excludeShapes: ['wf-lane'] } },
        connector: 'rounded',
        validateMagnet: () => !readOnly,
      },
      highlighting: {
        magnetAdsorbed: { name: 'stroke', args: { attrs: { stroke: '#0b5394', strokeWidth: 3 } } },
      },
    });

    this.graph.use(new Selection({
      enabled: true,
      multiple: !readOnly,
      rubberband: !readOnly,
      modifiers: 'shift',
      movable: !readOnly,
      showNodeSelectionBox: true,
      filter: (cell) => !isLane(cell),
    }));
    if (!readOnly) {
      this.graph.use(new Snapline({ enabled: true, filter: (cell) => !isLane(cell) }));
    }
    const minimap = element.querySelector('.wf-canvas-minimap');
    if (minimap) {
      this.minimap = minimap;
      this.graph.use(new MiniMap({
        container: minimap, width: MINIMAP_WIDTH, height: MINIMAP_HEIGHT, padding: 8, scalable: false, graphOptions: { createCellView: minimapView },
      }));
      this.bindMinimapToggle();
    }
    this.graph.use(new Keyboard({ enabled: true, global: false }));

    this.listen();
    this.bindKeys();
    if (!readOnly) {
      this.bindPalette();
    }
  }

  // --- what the user does becomes intents -------------------------------------------------------------------------

  send(intent) {
    // A failing .NET handler is reported, not swallowed: the console shows it (and the browser tests fail on it).
    return this.dotnetRef.invokeMethodAsync('OnIntent', JSON.stringify(intent)).catch((error) => {
      console.error('The canvas could not deliver an intent to the editor', intent.type, error);
    });
  }

  listen() {
    const graph = this.graph;
    // The end of a drag, never every mouse move. With a selection, every selected node moved with it.
    graph.on('node:moved', ({ node }) => {
      if (this.readOnly || isLane(node)) {
        return;
      }
      const selected = graph.isSelected(node) ? graph.getSelectedCells().filter((c) => c.isNode() && !isLane(c)) : [node];
      for (const cell of selected) {
        const p = cell.getPosition();
        this.send({ type: 'NodeMoved', id: cell.id, x: Math.round(p.x), y: Math.round(p.y) });
      }
    });

    // A new edge dragged from a port to a node: the editor decides; the drawn edge goes, its answer comes as a patch.
    graph.on('edge:connected', ({ isNew, edge }) => {
      if (!isNew) {
        return;
      }
      const source = edge.getSourceCellId();
      const port = edge.getSourcePortId();
      const target = edge.getTargetCellId();
      graph.removeCell(edge, PROGRAMMATIC);
      if (source && port && target) {
        this.send({ type: 'NodesConnected', source, sourcePort: port, target });
      }
    });

    graph.on('selection:changed', ({ selected, options }) => {
      if (options?.programmatic) {
        return;
      }
      this.send({ type: 'SelectionChanged', nodeIds: selected.filter((c) => c.isNode() && !isLane(c)).map((c) => c.id) });
    });
  }

  bindKeys() {
    const keyboard = this.graph;
    const bind = (keys, handler) => keyboard.bindKey(keys, (e) => {
      handler(e);
      e.preventDefault?.();
      return false;
    });
    bind(['ctrl+z', 'meta+z'], () => this.send({ type: 'UndoRequested' }));
    bind(['ctrl+y', 'meta+y', 'ctrl+shift+z', 'meta+shift+z'], () => this.send({ type: 'RedoRequested' }));
    bind(['+', '='], () => this.zoom(1.2));
    bind(['-'], () => this.zoom(1 / 1.2));
    bind(['0'], () => this.fit());
    if (this.readOnly) {
      return;
    }
    bind(['delete', 'backspace'], () => {
      const cells = this.graph.getSelectedCells().filter((c) => !isLane(c));
      if (cells.length > 0) {
        this.send({
          type: 'ElementsRemoved',
          nodeIds: cells.filter((c) => c.isNode()).map((c) => c.id),
          edgeIds: cells.filter((c) => c.isEdge()).map((c) => c.id),
        });
      }
    });
    bind(['ctrl+c', 'meta+c'], () => {
      this.copied = this.graph.getSelectedCells().filter((c) => c.isNode() && !isLane(c)).map((c) => c.id);
      this.pasteCount = 0;
    });
    bind(['ctrl+v', 'meta+v'], () => {
      if (this.copied.length > 0) {
        this.pasteCount += 1;
        const offset = PASTE_OFFSET * this.pasteCount;
        this.send({ type: 'PasteRequested', nodeIds: this.copied, offsetX: offset, offsetY: offset });
      }
    });
  }

  // The palette: drag a kind onto the canvas, or press Enter/Space on it to drop it in the middle of the view.
  bindPalette() {
    const items = this.element.querySelectorAll('[data-palette-kind]');
    for (const item of items) {
      const onDragStart = (e) => {
        e.dataTransfer.setData('application/x-workflows-kind', item.dataset.paletteKind);
        e.dataTransfer.effectAllowed = 'copy';
      };
      const onClick = () => {
        const rect = this.container.getBoundingClientRect();
        this.drop(item.dataset.paletteKind, rect.left + rect.width / 2, rect.top + rect.height / 2);
      };
      item.addEventListener('dragstart', onDragStart);
      item.addEventListener('click', onClick);
      this.cleanups.push(() => {
        item.removeEventListener('dragstart', onDragStart);
        item.removeEventListener('click', onClick);
      });
    }
    const onDragOver = (e) => {
      if (e.dataTransfer.types.includes('application/x-workflows-kind')) {
        e.preventDefault();
        e.dataTransfer.dropEffect = 'copy';
      }
    };
    const onDrop = (e) => {
      const kind = e.dataTransfer.getData('application/x-workflows-kind');
      if (kind) {
        e.preventDefault();
        this.drop(kind, e.clientX, e.clientY);
      }
    };
    this.container.addEventListener('dragover', onDragOver);
    this.container.addEventListener('drop', onDrop);
    this.cleanups.push(() => {
      this.container.removeEventListener('dragover', onDragOver);
      this.container.removeEventListener('drop', onDrop);
    });
  }

  drop(kind, clientX, clientY) {
    const p = this.graph.clientToLocal(clientX, clientY);
    this.send({ type: 'NodeDropped', kind, x: Math.round(p.x), y: Math.round(p.y), lane: this.laneAt(p.x, p.y) });
  }

  laneAt(x, y) {
    for (const cell of this.graph.getNodes()) {
      if (isLane(cell) && cell.getBBox().containsPoint({ x, y })) {
        return cell.id.slice(LANE_PREFIX.length);
      }
    }
    return '';
  }

  // --- what C# sends -------------------------------------------------------------------------------------------------

  /**
   * Applies a patch by id, in one batch: `{ lanes: LaneView[] | null, nodes: NodeView[], removedNodes: string[],
   * edges: EdgeView[], removedEdges: string[] }`. `lanes`, when present, is the whole list of lanes. `fit`: fit the view
   * to the result (the first drawing) in the same call, before X6 draws the cells in the next frames: a separate call
   * waited behind those frames and then moved every node the user could already see and click.
   */
  render(patchJson, fit) {
    this.patches = (this.patches ?? 0) + 1;
    performance.mark(`wf-canvas:patch-${this.patches}`);
    const patch = JSON.parse(patchJson);
    const graph = this.graph;
    graph.startBatch('patch');
    try {
      for (const id of patch.removedEdges ?? []) {
        graph.removeCell(id, PROGRAMMATIC);
      }
      for (const id of patch.removedNodes ?? []) {
        graph.removeCell(id, PROGRAMMATIC);
      }
      if (patch.lanes) {
        this.renderLanes(patch.lanes);
      }
      for (const view of patch.nodes ?? []) {
        this.upsertNode(view);
      }
      for (const view of patch.edges ?? []) {
        this.upsertEdge(view);
      }
    } finally {
      graph.stopBatch('patch');
    }
    if (fit === true) {
      this.fit();
      this.placeMinimap();
    }
    this.element.dataset.nodes = String(graph.getNodes().filter((c) => !isLane(c)).length);
    this.element.dataset.rendered = String(Number(this.element.dataset.rendered ?? '0') + 1);
    performance.mark(`wf-canvas:patched-${this.patches}`);
  }

  renderLanes(lanes) {
    const graph = this.graph;
    const wanted = new Set(lanes.map((l) => LANE_PREFIX + l.id));
    for (const cell of graph.getNodes()) {
      if (isLane(cell) && !wanted.has(cell.id)) {
        graph.removeCell(cell, PROGRAMMATIC);
      }
    }
    for (const lane of lanes) {
      const meta = laneMetadata(lane);
      const cell = graph.getCellById(meta.id);
      if (cell) {
        cell.setPosition(meta.x, meta.y, PROGRAMMATIC);
        cell.resize(meta.width, meta.height, PROGRAMMATIC);
        cell.setAttrs(meta.attrs, PROGRAMMATIC);
      } else {
        graph.addNode(meta, PROGRAMMATIC);
      }
    }
  }

  upsertNode(view) {
    const graph = this.graph;
    const meta = nodeMetadata(view, departmentColour(view.lane));
    const cell = graph.getCellById(meta.id);
    if (cell && cell.shape !== meta.shape) {
      graph.removeCell(cell, PROGRAMMATIC);
    } else if (cell) {
      cell.setPosition(meta.x, meta.y, PROGRAMMATIC);
      cell.resize(meta.width, meta.height, PROGRAMMATIC);
      cell.setAttrs(meta.attrs, PROGRAMMATIC);
      cell.setData(meta.data, { ...PROGRAMMATIC, overwrite: true });
      const ports = JSON.stringify(meta.ports.items);
      if (JSON.stringify(cell.getPorts()) !== ports) {
        cell.removePorts(PROGRAMMATIC);
        cell.addPorts(meta.ports.items, PROGRAMMATIC);
      }
      return;
    }
    graph.addNode(meta, PROGRAMMATIC);
  }

  upsertEdge(view) {
    const graph = this.graph;
    const meta = edgeMetadata(view);
    const cell = graph.getCellById(meta.id);
    if (cell) {
      graph.removeCell(cell, PROGRAMMATIC);
    }
    graph.addEdge(meta, PROGRAMMATIC);
  }

  // --- view commands ---------------------------------------------------------------------------------------------

  /**
   * Fits the diagram to the view: a diagram that fits at a readable scale is shown whole and centred (never enlarged
   * past 100 %); a larger one opens at the smallest readable scale at its left end, where the procedure starts, centred
   * vertically when its height fits, and the rest is a pan (or the minimap) away. Computed from the cells' geometry
   * (the model), so it is right even while X6 is still drawing the cells.
   */
  fit() {
    performance.mark('wf-canvas:fit');
    const graph = this.graph;
    const area = graph.getContentArea({ useCellGeometry: true });
    const width = this.container.clientWidth;
    const height = this.container.clientHeight;
    if (area.width <= 0 || area.height <= 0 || width <= 0 || height <= 0) {
      return;
    }
    const room = (size) => Math.max(1, size - 2 * FIT_PADDING);
    const whole = Math.min(1, room(width) / area.width, room(height) / area.height);
    const scale = Math.max(MIN_READABLE_SCALE, whole);
    const start = (from, size, available) => size * scale <= room(available)
      ? (available - size * scale) / 2 - from * scale
      : FIT_PADDING - from * scale;
    graph.scale(scale, scale);
    graph.translate(start(area.x, area.width, width), start(area.y, area.height, height));
    performance.mark('wf-canvas:fitted');
  }

  /**
   * The minimap's button (in the view tools) shows or hides it. What the user chose stays for the page; until then the
   * first fit decides (placeMinimap).
   */
  bindMinimapToggle() {
    const toggle = this.element.querySelector('[data-minimap-toggle]');
    if (!toggle) {
      return;
    }
    this.minimapToggle = toggle;
    const onClick = () => {
      this.minimapChosen = true;
      this.showMinimap(this.minimap.classList.contains('wf-canvas-minimap-closed'));
    };
    toggle.addEventListener('click', onClick);
    this.cleanups.push(() => toggle.removeEventListener('click', onClick));
    this.showMinimap(true);
  }

  showMinimap(open) {
    this.minimap.classList.toggle('wf-canvas-minimap-closed', !open);
    this.minimapToggle?.setAttribute('aria-pressed', String(open));
  }

  /**
   * After the first fit, the minimap stays open only where it covers none of the drawn nodes: over a corner the fitted
   * diagram leaves free (a small procedure in a large window). Where it would hide part of the diagram (a 1280×720
   * window, a procedure wider than the canvas) it closes and waits behind its button. Measured on the model's geometry
   * placed by the fit, so it holds before X6 has drawn the cells.
   */
  placeMinimap() {
    if (!this.minimap || this.minimapChosen) {
      return;
    }
    const nodes = this.graph.getNodes().filter((c) => !isLane(c));
    if (nodes.length === 0) {
      return;
    }
    this.showMinimap(true);
    const drawn = this.graph.localToClient(this.graph.getCellsBBox(nodes));
    const canvas = this.container.getBoundingClientRect();
    const box = this.minimap.getBoundingClientRect();
    // Only what the canvas shows of the drawing counts: nodes panned out of view are not hidden by the minimap.
    const left = Math.max(drawn.x, canvas.left);
    const top = Math.max(drawn.y, canvas.top);
    const right = Math.min(drawn.x + drawn.width, canvas.right);
    const bottom = Math.min(drawn.y + drawn.height, canvas.bottom);
    const covers = left < box.right && right > box.left && top < box.bottom && bottom > box.top;
    this.showMinimap(!covers);
  }

  /** Multiplies the scale by `factor` (1.2 zooms in, 1/1.2 out), around the centre of the view. */
  zoom(factor) {
    const scale = Math.min(3, Math.max(0.2, this.graph.zoom() * factor));
    this.graph.zoomTo(scale, { center: this.graph.getGraphArea().getCenter() });
  }

  /** Brings a node into view (see revealNode) and selects it (e.g. a validation problem chosen in a list). */
  focusNode(id) {
    const cell = this.revealNode(id);
    if (!cell) {
      throw new Error(`The canvas has no node ${id}.`);
    }
    this.graph.resetSelection(cell, PROGRAMMATIC);
    this.container.focus();
  }

  /**
   * Brings a node into view: back to a readable scale if the user zoomed out below it, then, only when the node is not
   * wholly visible, pans so it is in the middle (a node already in view stays put, so the diagram does not jump under
   * the user's eyes). Returns the cell, or null when the canvas does not have it (yet).
   */
  revealNode(id) {
    performance.mark('wf-canvas:reveal');
    const graph = this.graph;
    const cell = graph.getCellById(id);
    if (!cell || !cell.isNode()) {
      return null;
    }
    if (graph.zoom() < MIN_READABLE_SCALE) {
      graph.zoomTo(MIN_READABLE_SCALE, { center: graph.getGraphArea().getCenter() });
    }
    if (!graph.getGraphArea().containsRect(cell.getBBox())) {
      graph.centerCell(cell);
    }
    return cell;
  }

  dispose() {
    for (const cleanup of this.cleanups) {
      cleanup();
    }
    this.cleanups = [];
    this.graph.dispose();
    this.dotnetRef = null;
  }
}
