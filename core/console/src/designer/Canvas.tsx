// The workflow canvas (React Flow): the trigger and the nodes with their exits as handles (success/failure,
// true/false), edges drawn by dragging from an exit to a node, nodes moved by dragging or arrow keys, zoom/fit
// from the controls. Every label is React text: node titles typed by users never become HTML.
import {
  Background,
  Controls,
  Handle,
  Position as Side,
  ReactFlow,
  useReactFlow,
  type Connection,
  type Edge,
  type EdgeChange,
  type Node,
  type NodeChange,
  type NodeProps,
} from '@xyflow/react';
import { memo, useEffect, useMemo, useRef, useState } from 'react';
import type { PublishProblem } from '@actionhost/core';
import {
  exitsOf,
  handlesOf,
  nodeKind,
  positionsOf,
  TRIGGER,
  type Definition,
  type PluginSummary,
  type Position,
} from './model.ts';
import { triggerLabel } from '../labels.ts';

export interface FlowNodeData extends Record<string, unknown> {
  kind: string;
  title: string;
  detail?: string;
  exits: string[];
  input: boolean;
  problems: PublishProblem[];
}

type FlowNode = Node<FlowNodeData, 'step'>;

const StepNode = memo(function StepNode({ data, selected }: NodeProps<FlowNode>) {
  const exits = data.exits;
  return (
    <div
      className={[
        'flow-node',
        `flow-node-${data.kind.toLowerCase().replace(/[^a-z]+/g, '-')}`,
        selected ? 'is-selected' : '',
        data.problems.length > 0 ? 'has-problems' : '',
      ].join(' ')}
    >
      {data.input ? (
        <Handle type="target" position={Side.Top} id="in" role="img" aria-label={`${data.title}: input`} />
      ) : null}
      <div className="flow-node-kind">{data.kind}</div>
      <div className="flow-node-title">{data.title}</div>
      {data.detail ? <div className="flow-node-detail">{data.detail}</div> : null}
      {data.problems.length > 0 ? (
        <ul className="flow-node-problems" aria-label={`Problems of ${data.title}`}>
          {data.problems.map((problem, index) => (
            <li key={index}>
              <code>{problem.code}</code> {problem.message}
            </li>
          ))}
        </ul>
      ) : null}
      <div className="flow-node-exits" aria-hidden="true">
        {exits.map((exit) => (
          <span key={exit}>{exit === 'out' ? 'next' : exit}</span>
        ))}
      </div>
      {exits.map((exit, index) => (
        <Handle
          key={exit}
          type="source"
          position={Side.Bottom}
          id={exit}
          className={`exit exit-${exit}`}
          style={{ left: `${((index + 0.5) / exits.length) * 100}%` }}
          role="img"
          aria-label={`${data.title}: ${exit === 'out' ? 'next' : exit} exit`}
        />
      ))}
    </div>
  );
});

const NODE_TYPES = { step: StepNode };

export function Canvas({
  definition,
  plugins,
  problems,
  selected,
  onSelect,
  onConnect,
  onMove,
  onMoveEnd,
  onDeleteNodes,
  onDeleteEdge,
  fitKey,
}: {
  definition: Definition;
  plugins: readonly PluginSummary[];
  problems: readonly PublishProblem[];
  selected: string | null;
  onSelect: (id: string | null) => void;
  onConnect: (source: string, handle: string, target: string) => void;
  onMove: (id: string, position: Position) => void;
  onMoveEnd: () => void;
  onDeleteNodes: (ids: string[]) => void;
  onDeleteEdge: (source: string, handle: string, target: string) => void;
  /** Changes when the view should fit every node again (a node was added below the visible area). */
  fitKey: number;
}) {
  const flow = useReactFlow();
  useEffect(() => {
    if (fitKey === 0) return;
    // After React Flow measured the new node: the next frame.
    const frame = requestAnimationFrame(() => void flow.fitView({ maxZoom: 1, padding: 0.2 }));
    return () => cancelAnimationFrame(frame);
  }, [fitKey, flow]);
  // Controlled nodes must carry their measured size back, or React Flow measures them again on every change.
  const measured = useRef(new Map<string, { width: number; height: number }>());
  const [sizes, setSizes] = useState(0);
  const nodes = useMemo<FlowNode[]>(() => {
    const positions = positionsOf(definition);
    const size = (id: string) => (measured.current.has(id) ? { measured: measured.current.get(id) } : {});
    const forNode = (id: string) => problems.filter((problem) => problem.node === id);
    const trigger: FlowNode = {
      id: TRIGGER,
      type: 'step',
      position: positions.get(TRIGGER)!,
      deletable: false,
      selected: selected === TRIGGER,
      ...size(TRIGGER),
      ariaLabel: `Trigger: ${triggerLabel(definition.trigger)}`,
      data: {
        kind: 'Trigger',
        title: triggerLabel(definition.trigger),
        detail: 'Module: Request',
        exits: ['out'],
        input: false,
        problems: forNode(TRIGGER),
      },
    };
    return [
      trigger,
      ...definition.nodes.map((node): FlowNode => {
        const kind = nodeKind(node, plugins);
        const title = node.title || node.id;
        return {
          id: node.id,
          type: 'step',
          position: positions.get(node.id)!,
          selected: selected === node.id,
          ...size(node.id),
          ariaLabel: `${kind}: ${title}`,
          data: {
            kind,
            title,
            detail:
              node.kind === 'condition'
                ? `${node.match === 'all' ? 'All' : 'Any'} of ${node.rules.length} rule${node.rules.length === 1 ? '' : 's'}`
                : (node.uses ?? `App Integration: ${node.appIntegration}`),
            exits: handlesOf(node, plugins),
            input: true,
            problems: forNode(node.id),
          },
        };
      }),
    ];
    // `sizes` changes when a node was measured: the memo must pick the new size up.
  }, [definition, plugins, problems, selected, sizes]);

  const edges = useMemo<Edge[]>(() => {
    const titleOf = (id: string) =>
      id === TRIGGER ? 'Trigger' : (definition.nodes.find((node) => node.id === id)?.title ?? id);
    return [TRIGGER, ...definition.nodes.map((node) => node.id)].flatMap((source) =>
      exitsOf(definition, source).map(([handle, target]) => ({
        id: `${source}:${handle}:${target}`,
        source,
        sourceHandle: handle,
        target,
        targetHandle: 'in',
        label: handle === 'out' ? undefined : handle,
        className: `edge-${handle}`,
        ariaLabel: `${titleOf(source)} ${handle === 'out' ? 'leads' : `on ${handle}`} to ${titleOf(target)}`,
      })),
    );
  }, [definition]);

  const onNodesChange = (changes: NodeChange<FlowNode>[]) => {
    const removed: string[] = [];
    let resized = false;
    for (const change of changes) {
      if (change.type === 'dimensions' && change.dimensions) {
        measured.current.set(change.id, change.dimensions);
        resized = true;
      }
      if (change.type === 'position' && change.position) onMove(change.id, change.position);
      if (change.type === 'position' && change.dragging === false) onMoveEnd();
      if (change.type === 'select' && change.selected) onSelect(change.id);
      if (change.type === 'remove' && change.id !== TRIGGER) removed.push(change.id);
    }
    if (resized) setSizes((n) => n + 1);
    if (removed.length > 0) onDeleteNodes(removed);
  };
  const onEdgesChange = (changes: EdgeChange[]) => {
    for (const change of changes) {
      if (change.type !== 'remove') continue;
      const [source, handle, target] = change.id.split(':');
      onDeleteEdge(source, handle, target);
    }
  };
  const connect = (connection: Connection) => {
    if (connection.source && connection.target && connection.sourceHandle) {
      onConnect(connection.source, connection.sourceHandle, connection.target);
    }
  };

  return (
    <div className="canvas" aria-label="Workflow canvas">
      <ReactFlow
        nodes={nodes}
        edges={edges}
        nodeTypes={NODE_TYPES}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onConnect={connect}
        onPaneClick={() => onSelect(null)}
        deleteKeyCode={['Delete', 'Backspace']}
        fitView
        fitViewOptions={{ maxZoom: 1, padding: 0.2 }}
        minZoom={0.2}
        maxZoom={2}
        nodesFocusable
        edgesFocusable
        proOptions={{ hideAttribution: false }}
      >
        <Background gap={20} />
        <Controls showInteractive={false} />
      </ReactFlow>
    </div>
  );
}
