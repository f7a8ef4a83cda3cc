/* Building elements: createElement and textContent only, never markup from text. */

export function byId(id) { return document.getElementById(id); }

export function el(tag, props, ...children) {
  const node = document.createElement(tag);
  if (props) {
    Object.keys(props).forEach(function (k) {
      const v = props[k];
      if (v === null || v === undefined || v === false) { return; }
      if (k === "className") { node.className = v; }
      else if (k === "text") { node.textContent = String(v); }
      else if (k === "dataset") { Object.keys(v).forEach(function (d) { node.dataset[d] = String(v[d]); }); }
      else if (k === "style") { Object.keys(v).forEach(function (s) { node.style[s] = v[s]; }); }
      else if (k.slice(0, 2) === "on") { throw new Error("no inline handlers"); }
      else if (k === "title" || k === "type" || k === "value" || k === "checked" || k === "hidden") { node[k] = v; }
      else { node.setAttribute(k, String(v)); }
    });
  }
  children.forEach(function (c) { append(node, c); });
  return node;
}

/** Append children (nodes, strings as text nodes, arrays of either; null is skipped). */
export function append(parent, ...children) {
  children.forEach(function (child) {
    if (child === null || child === undefined || child === false) { return; }
    if (Array.isArray(child)) { child.forEach(function (c) { append(parent, c); }); return; }
    if (typeof child === "string" || typeof child === "number") { child = document.createTextNode(String(child)); }
    parent.appendChild(child);
  });
  return parent;
}

export function clear(node) { while (node.firstChild) { node.removeChild(node.firstChild); } return node; }

export function svg(tag, attrs) {
  const node = document.createElementNS("http://www.w3.org/2000/svg", tag);
  Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, String(attrs[k])); });
  return node;
}
