/* A keyboard and screen-reader route to every drawn node: a list of the nodes the canvas shows, kept in
 * step with the filters (filled only while it is open). */

import { app } from "./app.js";
import { byId, clear, el } from "./dom.js";
import { focusNode } from "./graph.js";
import { fmt } from "./util.js";

const LIST_LIMIT = 300;

export function syncNodeList() {
  const details = byId("kg-list");
  if (!details || !app.current) { return; }
  const shown = app.current.nodes;
  byId("kg-list-count").textContent = fmt(shown.size);
  if (!details.open) { return; }
  const M = app.M;
  const list = clear(byId("kg-list-items"));
  const keys = Array.from(shown).sort(function (a, b) {
    const na = M.nodeByKey.get(a), nb = M.nodeByKey.get(b);
    return na.kind < nb.kind ? -1 : na.kind > nb.kind ? 1 : (String(na.label || na.title) < String(nb.label || nb.title) ? -1 : 1);
  });
  keys.slice(0, LIST_LIMIT).forEach(function (k) {
    const n = M.nodeByKey.get(k);
    list.appendChild(el("li", null, el("button", { type: "button", className: "kg-link", dataset: { key: k } },
      (n.kind === "source" ? n.title : n.label) + " (" + n.kind + ", " + fmt(M.weight.get(k) || 0) + " statements)")));
  });
  if (keys.length > LIST_LIMIT) {
    list.appendChild(el("li", { className: "kg-muted" }, "… and " + fmt(keys.length - LIST_LIMIT) +
      " more: search by name, or choose a condition, to reach them."));
  }
}

export function initNodeList() {
  const details = byId("kg-list");
  details.addEventListener("toggle", syncNodeList);
  byId("kg-list-items").addEventListener("click", function (ev) {
    const b = ev.target.closest ? ev.target.closest("button[data-key]") : null;
    if (b) { focusNode(b.dataset.key); }
  });
}
