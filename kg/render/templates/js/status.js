/* The status line and the banner: what is drawn, and exactly what the page leaves out. */

import { app } from "./app.js";
import { byId } from "./dom.js";
import { fmt, plural } from "./util.js";

export function bannerText(M, current, tab) {
  const msgs = [];
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
  banner.hidden = !banner.textContent;
}
