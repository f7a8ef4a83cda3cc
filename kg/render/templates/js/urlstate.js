/* The page's state in the URL hash, so that Back/Forward move through it and a shared link opens the
 * page as it was. Only what differs from an unfiltered page is written: `#view=matrix&condition=sciatica&
 * verdicts=benefit,harm&sel=treatment:nsaids&q=ibu`. Pure: takes and returns plain values. */

import { allValues, filterLists } from "./filters.js";

export const VIEWS = ["graph", "matrix", "summary"];
/** The Show toggles: state field, hash name, value when nothing says otherwise. */
const TOGGLES = [["expanded", "lines", false], ["showHierarchy", "hierarchy", true], ["showSources", "sources", false],
  ["everything", "all", false]];

function sameSet(a, b) { return a.size === b.size && Array.from(a).every(function (v) { return b.has(v); }); }

function encodeFields(state, vocab) {
  const q = new URLSearchParams();
  if (state.tab !== "graph") { q.set("view", state.tab); }
  if (state.condition) { q.set("condition", state.condition); }
  Object.keys(filterLists(vocab)).forEach(function (name) {
    const all = allValues(vocab, name);
    if (!sameSet(state[name], new Set(all))) {
      q.set(name, all.filter(function (v) { return state[name].has(v); }).join(","));
    }
  });
  TOGGLES.forEach(function (t) { if (state[t[0]] !== t[2]) { q.set(t[1], state[t[0]] ? "on" : "off"); } });
  if (state.pinned && state.pinned.size) { q.set("open", Array.from(state.pinned).join(",")); }
  if (state.selected) { q.set("sel", state.selected); }
  if (state.search) { q.set("q", state.search); }
  return q.toString();
}

/** The hash (without "#") for `state`: what differs from an unfiltered graph. `opening` is the state the
 * page opens on without a hash (the build's options); when it differs and `state` is the plain page,
 * `view=graph` is written so that the hash still says so. */
export function encodeState(state, opening, vocab) {
  const text = encodeFields(state, vocab);
  if (!text && encodeFields(opening, vocab)) { return "view=graph"; }
  return text;
}

/** The state a hash describes. An empty hash is `opening` (the build's options); otherwise a field it does not
 * mention takes its plain value (everything ticked, no condition). Unknown values are dropped
 * (a link from an older page still opens). `known(kind, id)` says whether a node of that kind has that
 * id, `known(null, key)` whether a node, pair or line has that key. */
export function decodeState(hash, opening, vocab, known) {
  const text = String(hash || "").replace(/^#/, "");
  const q = new URLSearchParams(text.indexOf("=") >= 0 ? text : "");  // "#kg-views" is an anchor, not a state
  const st = {
    tab: opening.tab, condition: opening.condition, selected: opening.selected, search: "",
    expanded: opening.expanded, showHierarchy: opening.showHierarchy, showSources: opening.showSources,
    everything: !!opening.everything, pinned: new Set(),
  };
  if (!q.toString()) {
    Object.keys(filterLists(vocab)).forEach(function (name) { st[name] = new Set(opening[name]); });
    return st;
  }
  const view = q.get("view");
  st.tab = VIEWS.indexOf(view) >= 0 ? view : "graph";
  const condition = q.get("condition");
  st.condition = condition && known("condition", condition) ? condition : "";
  Object.keys(filterLists(vocab)).forEach(function (name) {
    const allowed = allValues(vocab, name);
    if (!q.has(name)) { st[name] = new Set(allowed); return; }
    const wanted = q.get(name).split(",");
    st[name] = new Set(allowed.filter(function (v) { return wanted.indexOf(v) >= 0; }));
  });
  TOGGLES.forEach(function (t) { const v = q.get(t[1]); st[t[0]] = v === null ? t[2] : v === "on"; });
  st.pinned = new Set((q.get("open") || "").split(",").filter(function (k) { return k && known(null, k); }));
  const sel = q.get("sel");
  st.selected = sel && known(null, sel) ? sel : null;
  st.search = q.get("q") || "";
  return st;
}
