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

/** Run `work` after the busy indicator has been painted when it may take longer than a moment. */
export function busy(work, slow) {
  const indicator = document.getElementById("kg-busy");
  if (!slow || !indicator) { work(); return; }
  indicator.hidden = false;
  window.requestAnimationFrame(function () {
    window.setTimeout(function () {
      try { work(); } finally { indicator.hidden = true; }
    }, 0);
  });
}
