// The workflow designer: palette, canvas and the selected node's settings over one definition value, with
// undo/redo, save, a check that shows every problem on its node at once, and Publish with its preview.
import { useCallback, useEffect, useRef, useState } from 'react';
import { ReactFlowProvider } from '@xyflow/react';
import type { PublishPreview, PublishProblem, WorkflowView } from '@actionhost/core';
import { api, ApiError, segment } from '../api.ts';
import { ErrorNotice, Loading, PageHeader, useAction, useResource } from '../ui.tsx';
import { Canvas } from './Canvas.tsx';
import { Palette } from './Palette.tsx';
import { NodeSettings } from './NodeSettings.tsx';
import { PublishDialog } from './PublishDialog.tsx';
import {
  newNodeId,
  nextFreePosition,
  removeEdge,
  removeNodes,
  setExit,
  startList,
  withNode,
  wouldCycle,
  type Definition,
  type PluginSummary,
  type Position,
  type WorkflowNode,
} from './model.ts';
import { loadCatalog, type Catalog } from './catalog.ts';

export function Designer({ id }: { id: string }) {
  const workflow = useResource(
    (signal) => api<WorkflowView>('GET', `/api/workflows/${segment(id)}`, undefined, { signal }),
    id,
  );
  const catalog = useResource((signal) => loadCatalog(signal), 'catalog');
  if (workflow.error || catalog.error) {
    return (
      <>
        <PageHeader title="Workflow designer" />
        <ErrorNotice error={workflow.error ?? catalog.error} />
      </>
    );
  }
  if (!workflow.data || !catalog.data) return <Loading what="the workflow" />;
  return (
    <ReactFlowProvider>
      <Editor key={workflow.data.id} initial={workflow.data} catalog={catalog.data} />
    </ReactFlowProvider>
  );
}

interface History {
  past: Definition[];
  present: Definition;
  future: Definition[];
}

/** Problems from an API error: schema issues (all of them) or one checked problem with its JSON path. */
export function problemsFromError(error: unknown, definition: Definition): PublishProblem[] {
  if (!(error instanceof ApiError)) return [];
  const nodeAt = (path: string | null): string | null => {
    if (!path) return null;
    if (path.startsWith('/trigger')) return 'trigger';
    const index = /^\/nodes\/(\d+)/.exec(path)?.[1];
    return index === undefined ? null : (definition.nodes[Number(index)]?.id ?? null);
  };
  const issues = error.details.issues as { path?: string; message?: string }[] | undefined;
  if (Array.isArray(issues) && issues.length > 0) {
    return issues.map((issue) => ({
      code: error.code,
      message: issue.message ?? error.message,
      path: issue.path ?? null,
      node: nodeAt(issue.path ?? null),
    }));
  }
  const path = typeof error.details.path === 'string' ? error.details.path : null;
  const node = typeof error.details.node === 'string' ? error.details.node : nodeAt(path);
  return [{ code: error.code, message: error.message, path, node }];
}

function Editor({ initial, catalog }: { initial: WorkflowView; catalog: Catalog }) {
  const [workflow, setWorkflow] = useState(initial);
  const [history, setHistory] = useState<History>(() => ({
    past: [],
    present: { ...initial.definition, start: startList(initial.definition) },
    future: [],
  }));
  const [selected, setSelected] = useState<string | null>(null);
  const [problems, setProblems] = useState<PublishProblem[]>([]);
  const [dirty, setDirty] = useState(false);
  const [status, setStatus] = useState('');
  const [publishing, setPublishing] = useState(false);
  const [fitKey, setFitKey] = useState(0);
  const dragOrigin = useRef<Definition | null>(null);
  const save = useAction();
  const definition = history.present;

  const commit = useCallback((next: Definition | ((current: Definition) => Definition)) => {
    setHistory((current) => {
      const value = typeof next === 'function' ? next(current.present) : next;
      if (value === current.present) return current;
      return { past: [...current.past.slice(-99), current.present], present: value, future: [] };
    });
    setDirty(true);
  }, []);

  const undo = useCallback(() => {
    setHistory((current) =>
      current.past.length === 0
        ? current
        : {
            past: current.past.slice(0, -1),
            present: current.past[current.past.length - 1],
            future: [current.present, ...current.future],
          },
    );
    setDirty(true);
  }, []);
  const redo = useCallback(() => {
    setHistory((current) =>
      current.future.length === 0
        ? current
        : { past: [...current.past, current.present], present: current.future[0], future: current.future.slice(1) },
    );
    setDirty(true);
  }, []);

  const check = useCallback(
    async (body?: Definition) => {
      const preview = await api<PublishPreview>('POST', `/api/workflows/${segment(workflow.id)}/preview`, body);
      setProblems(preview.problems);
      return preview;
    },
    [workflow.id],
  );

  /** Saves the draft; on a refusal the problems show on their nodes. Resolves true when saved. */
  const saveDraft = useCallback(async (): Promise<boolean> => {
    try {
      const saved = await api<WorkflowView>('PUT', `/api/workflows/${segment(workflow.id)}`, definition);
      setWorkflow(saved);
      // The stored draft holds secrets sealed: keep that form (a secret typed here is never shown again).
      setHistory((current) => ({ ...current, present: { ...saved.definition, start: startList(saved.definition) } }));
      setDirty(false);
      const preview = await check();
      setStatus(
        preview.ready
          ? `Saved revision ${saved.revision}. Ready to publish.`
          : `Saved revision ${saved.revision}. ${preview.problems.length} problem${preview.problems.length === 1 ? '' : 's'} to fix before publishing.`,
      );
      return true;
    } catch (error) {
      const found = problemsFromError(error, definition);
      if (found.length > 0) {
        setProblems(found);
        setStatus(`Not saved: ${found.length} problem${found.length === 1 ? '' : 's'}.`);
        return false;
      }
      throw error;
    }
  }, [workflow.id, definition, check]);

  const addNode = (node: WorkflowNode) => {
    commit((current) => withNode(current, node, nextFreePosition(current)));
    setSelected(node.id);
    setFitKey((n) => n + 1);
    setStatus(
      `Added ${node.title ?? node.id}. Connect it by dragging from an exit, or choose its place in the settings.`,
    );
  };

  const connect = (source: string, handle: string, target: string) => {
    if (wouldCycle(definition, source, target)) {
      setStatus('That connection would make a loop: a workflow runs from the trigger downwards only.');
      return;
    }
    commit((current) => setExit(current, source, handle, target));
  };

  // On the window, not the designer's element: after a node is deleted the focus is on <body>, and Ctrl+Z must
  // still bring it back.
  const onKeyDown = (event: KeyboardEvent) => {
    const target = event.target as HTMLElement;
    if (/^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName) || target.closest('dialog')) return;
    const mod = event.ctrlKey || event.metaKey;
    if (mod && event.key.toLowerCase() === 'z' && !event.shiftKey) {
      event.preventDefault();
      undo();
    } else if (mod && (event.key.toLowerCase() === 'y' || (event.key.toLowerCase() === 'z' && event.shiftKey))) {
      event.preventDefault();
      redo();
    } else if (mod && event.key.toLowerCase() === 's') {
      event.preventDefault();
      save.run(async () => void (await saveDraft()));
    }
  };

  const shortcuts = useRef(onKeyDown);
  shortcuts.current = onKeyDown;
  useEffect(() => {
    const listener = (event: KeyboardEvent) => shortcuts.current(event);
    window.addEventListener('keydown', listener);
    return () => window.removeEventListener('keydown', listener);
  }, []);

  useEffect(() => {
    const warn = (event: BeforeUnloadEvent) => {
      if (dirty) event.preventDefault();
    };
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [dirty]);

  const plugins: PluginSummary[] = catalog.plugins;

  return (
    <div className="designer">
      <PageHeader title={`Designer: ${definition.name}`}>
        <button type="button" onClick={undo} disabled={history.past.length === 0} aria-keyshortcuts="Control+Z">
          Undo
        </button>
        <button type="button" onClick={redo} disabled={history.future.length === 0} aria-keyshortcuts="Control+Y">
          Redo
        </button>
        <button
          type="button"
          onClick={() =>
            save.run(async () => {
              const preview = await check(definition);
              setStatus(
                preview.ready
                  ? 'No problems found.'
                  : `${preview.problems.length} problem${preview.problems.length === 1 ? '' : 's'} found.`,
              );
            })
          }
        >
          Check
        </button>
        <button
          type="button"
          onClick={() => save.run(async () => void (await saveDraft()))}
          disabled={save.busy}
          aria-keyshortcuts="Control+S"
        >
          Save draft
        </button>
        <button
          type="button"
          className="button-primary"
          onClick={() =>
            save.run(async () => {
              if (dirty && !(await saveDraft())) return;
              setPublishing(true);
            })
          }
          disabled={save.busy}
        >
          Publish…
        </button>
      </PageHeader>
      <p className="designer-meta">
        {workflow.published ? `Published version ${workflow.published.version}` : 'Never published'} · draft revision{' '}
        {workflow.revision}
        {dirty ? ' · unsaved changes' : ''}
      </p>
      <div role="status" aria-live="polite" className="designer-status">
        {status}
      </div>
      <ErrorNotice error={save.error} />
      {problems.length > 0 ? (
        <section className="problems" aria-labelledby="problems-title">
          <h2 id="problems-title">Problems ({problems.length})</h2>
          <ul>
            {problems.map((problem, index) => (
              <li key={index}>
                <code>{problem.code}</code>{' '}
                {problem.node ? <strong>{titleOf(definition, problem.node)}: </strong> : null}
                {problem.message}{' '}
                {problem.node ? (
                  <button type="button" className="button-link" onClick={() => setSelected(problem.node)}>
                    Show node
                  </button>
                ) : null}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <div className="designer-body">
        <Palette plugins={plugins} appIntegrations={catalog.appIntegrations} definition={definition} onAdd={addNode} />
        <Canvas
          definition={definition}
          plugins={plugins}
          problems={problems}
          selected={selected}
          onSelect={setSelected}
          onConnect={connect}
          onMove={(id: string, position: Position) => {
            if (!dragOrigin.current) dragOrigin.current = definition;
            setHistory((current) => ({
              ...current,
              present: { ...current.present, layout: { ...(current.present.layout ?? {}), [id]: position } },
            }));
          }}
          onMoveEnd={() => {
            const origin = dragOrigin.current;
            dragOrigin.current = null;
            if (origin) {
              setHistory((current) => ({ past: [...current.past, origin], present: current.present, future: [] }));
              setDirty(true);
            }
          }}
          onDeleteNodes={(ids) => {
            commit((current) => removeNodes(current, new Set(ids)));
            setSelected(null);
          }}
          onDeleteEdge={(source, handle, target) => commit((current) => removeEdge(current, source, handle, target))}
          fitKey={fitKey}
        />
        <NodeSettings
          key={selected ?? 'workflow'}
          workflowId={workflow.id}
          definition={definition}
          selected={selected}
          catalog={catalog}
          problems={problems}
          onChange={commit}
          onDelete={(nodeId) => {
            commit((current) => removeNodes(current, new Set([nodeId])));
            setSelected(null);
          }}
          onConnectExit={(source, handle, target) => {
            if (target !== null && wouldCycle(definition, source, target)) {
              setStatus('That connection would make a loop.');
              return;
            }
            commit((current) => setExit(current, source, handle, target));
          }}
          saveDraft={saveDraft}
          newId={(base) => newNodeId(definition, base)}
        />
      </div>
      <PublishDialog
        open={publishing}
        workflow={workflow}
        onClose={() => setPublishing(false)}
        onPublished={(view) => {
          setWorkflow(view);
          setPublishing(false);
          setProblems([]);
          setStatus(`Published version ${view.published?.version ?? ''}.`);
        }}
        onProblems={setProblems}
      />
    </div>
  );
}

function titleOf(definition: Definition, id: string): string {
  if (id === 'trigger') return 'Trigger';
  return definition.nodes.find((node) => node.id === id)?.title ?? id;
}
