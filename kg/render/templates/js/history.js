/* Back/Forward: every change of view, condition, filters, selection or search writes the URL hash
 * (urlstate.js); a hash change restores it. In a sandboxed iframe without history the page still works. */

import { app } from "./app.js";
import { nodeOf } from "./data.js";
import { decodeState, encodeState } from "./urlstate.js";

let restoring = false;
let lastHash = null;

function known(kind, key) {
  if (kind) { return !!nodeOf(app.M, kind, key); }
  return app.M.nodeByKey.has(key) || app.M.viewEdgeByKey.has(key);
}

export function currentHash() { return encodeState(app.state, app.opening, app.M.vocab); }

/** Write the state to the hash: a new history entry, or (`replace`) the same one, e.g. while typing. */
export function recordState(replace) {
  if (restoring || !app.api || !app.api.started) { return; }
  const hash = currentHash();
  if (hash === lastHash) { return; }
  lastHash = hash;
  try {
    const url = "#" + hash;
    if (replace) { window.history.replaceState(null, "", url); } else { window.history.pushState(null, "", url); }
  } catch {
    // about:srcdoc in a sandbox: no history, nothing to share
  }
}

export function stateFromLocation() {
  let hash = "";
  try { hash = window.location.hash; } catch { hash = ""; }
  lastHash = hash.replace(/^#/, "");
  return decodeState(hash, app.opening, app.M.vocab, known);
}

/** Restore the state named by the current hash through `apply(state)`, without writing history. */
export function restoreFromLocation(apply) {
  const st = stateFromLocation();
  restoring = true;
  try { apply(st); } finally { restoring = false; }
}
