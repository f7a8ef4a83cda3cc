/* The running page: the model, the state and the drawn network, shared by the feature modules.
 * `app.api` is window.kgPage, which the browser tests and the benchmark read. */

export const app = {
  M: null,             // the model (data.js prepare)
  state: null,         // the filters, view and selection (filters.js defaultState)
  opening: null,       // the state the page opens on without a hash
  current: null,       // what the filters let through (filters.js compute)
  network: null, nodesDS: null, edgesDS: null,
  shownNodes: new Set(), shownEdges: new Set(),
  matrixDirty: true, summaryDirty: true,
  api: null,
};

/** How long the last change of each kind took, from its start to the frame drawn after it (ms). */
const lastMs = new Map();

/** Whether a change of this `kind` may take longer than a moment: the measured time of the last change of
 * the same kind when there is one, else Python's guess from the page's size (`meta.heavy`). The only place
 * the page decides whether to show "Working…". */
export function mayBeSlow(kind, meta) {
  return lastMs.has(kind) ? lastMs.get(kind) > meta.busy_ms : !!meta.heavy;
}

/** Run `work` (a change of `kind`; `quiet`: not a change the reader made), after painting the busy indicator when `mayBeSlow`; time it to the next
 * frame (vis-network draws in an animation frame asked for during `work`, which runs before this one's). */
export function busy(work, kind, meta, quiet) {
  if (quiet) { work(); return; }  // the page's own opening pass: neither shown nor timed (it changes nothing drawn)
  const indicator = document.getElementById("kg-busy");
  const slow = !!indicator && mayBeSlow(kind, meta);
  const run = function () {
    const t0 = performance.now();
    try { work(); } finally {
      if (slow) { indicator.hidden = true; }
      window.requestAnimationFrame(function () { lastMs.set(kind, performance.now() - t0); });
    }
  };
  if (!slow) { run(); return; }
  indicator.hidden = false;
  window.requestAnimationFrame(function () { window.setTimeout(run, 0); });
}
