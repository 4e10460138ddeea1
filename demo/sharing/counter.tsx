/**
 * A React 19 MFE whose `react` stays a bare import (build.mjs): the page decides which React
 * it runs on. It shows the React version it got, whether that is the same module as the other
 * MFEs' (`globalThis.__demoReacts`), and a counter (a hook).
 */
import * as React from 'react';
import { useState } from 'react';
import { flushSync } from 'react-dom';
import { createRoot, type Root } from 'react-dom/client';
import type { MountContext } from '../../src/types.js';

const reacts = ((globalThis as { __demoReacts?: unknown[] }).__demoReacts ??= []);
if (!reacts.includes(React)) reacts.push(React);
const roots = new WeakMap<HTMLElement, Root>();

function Counter({ name }: { name: string }): React.ReactElement {
  const [n, setN] = useState(0);
  const copy = reacts.indexOf(React) + 1;
  return (
    <p>
      <strong>{name}</strong> runs on React {React.version}, copy #{copy} of {reacts.length} on this page.{' '}
      <button type="button" onClick={() => setN((c) => c + 1)}>
        clicked {n}
      </button>
    </p>
  );
}

export function mount(ctx: MountContext): void {
  const root = createRoot(ctx.host);
  roots.set(ctx.host, root);
  flushSync(() => root.render(<Counter name={ctx.name} />));
}

export function unmount(ctx: MountContext): void {
  roots.get(ctx.host)?.unmount();
}
