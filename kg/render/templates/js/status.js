/* The status line and the banner: what is drawn, and exactly what the page leaves out. */

import { app } from "./app.js";
import { byId, el } from "./dom.js";
import { fmt, plural } from "./util.js";

export function bannerText(M, current, tab) {
  const msgs = [];
  if (tab === "graph" && current.overview) {
    const c = M.meta.counts;
    msgs.push("This graph is large (" + fmt(c.treatments) + " treatments, " + fmt(c.conditions) + " conditions): it opens on its " +
      plural(M.overview.length, "broadest condition") + ", each with the statements about it and its narrower conditions." +
      " Click one, choose a condition or search, to see its treatments.");
  }
  if (tab === "graph" && current.cappedNodes) {
    msgs.push("This graph is large: the drawing shows the " + fmt(current.nodes.size) + " nodes with most statements out of " +
      fmt(current.totalNodes) + " that match. Choose a condition or other filters to see the rest; search shows any node.");
  }
  if (tab === "graph" && current.cappedEdges) {
    msgs.push("Only " + fmt(M.meta.max_edges) + " of " + fmt(current.totalEdges) + " links are drawn.");
  }
  const c = M.meta.counts;
  if (c.carried < c.statements) {
    msgs.push("This page carries " + fmt(c.carried) + " of the " + fmt(c.statements) +
      " statements (the quotes of the treatments with most statements). Every pair, verdict and count covers all " +
      fmt(c.statements) + "; for the quotes of the rest, query the graph (kg query) or open it in a notebook.");
  }
  if (current.unknownPairs) {
    msgs.push(plural(current.unknownPairs, "pair") + " whose statements this page does not carry " +
      (current.unknownPairs === 1 ? "is" : "are") + " hidden while an effect, timeframe, source type or certainty filter is set.");
  }
  return msgs.join(" ");
}

export function updateStatus() {
  const M = app.M;
  const current = app.current;
  const status = byId("kg-status");
  if (app.state.tab === "graph") {
    status.textContent = "Showing " + fmt(current.nodes.size) + " nodes, " + fmt(current.edges.size) + " links";
  } else {
    status.textContent = fmt(current.okPairs.size) + " of " + fmt(M.pairs.length) + " pairs match";
  }
  const banner = byId("kg-banner");
  banner.textContent = bannerText(M, current, app.state.tab);
  if (app.state.tab === "graph" && current.overview) {
    const all = el("button", { type: "button", className: "kg-banner-button", id: "kg-draw-all" },
      "Draw every node (slow, up to " + fmt(M.meta.max_nodes) + ")");
    all.addEventListener("click", function () { app.state.everything = true; app.api.applyFilters(); });
    banner.appendChild(document.createTextNode(" "));
    banner.appendChild(all);
  } else if (app.state.tab === "graph" && app.state.everything && M.overview.length && !app.state.condition) {
    const back = el("button", { type: "button", className: "kg-banner-button", id: "kg-overview" }, "Back to the overview");
    back.addEventListener("click", function () { app.state.everything = false; app.api.applyFilters(); });
    banner.appendChild(document.createTextNode(" "));
    banner.appendChild(back);
  }
  banner.hidden = !banner.textContent;
}
