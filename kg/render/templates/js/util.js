/* Small pure helpers: text, numbers, safe links. No DOM. */

export function plural(n, word, many) { return fmt(n) + " " + (n === 1 ? word : (many || word + "s")); }

export function fmt(n) { return Number(n).toLocaleString("en"); }

export function splitMulti(value) {
  return typeof value === "string" && value ? value.split("|").map(function (s) { return s.trim(); }) : [];
}

/** The address itself when it is an http(s) URL, else null: nothing else becomes a link. */
export function safeHref(url) {
  if (typeof url !== "string" || !url) { return null; }
  let parsed;
  try { parsed = new URL(url); } catch { return null; }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") { return null; }
  return parsed.href;
}

export function doiUrl(doi) {
  return "https://doi.org/" + encodeURI(doi).replace(/#/g, "%23").replace(/\?/g, "%3F");
}

export function pmidUrl(pmid) {
  return /^[0-9]+$/.test(pmid) ? "https://pubmed.ncbi.nlm.nih.gov/" + pmid + "/" : null;
}

export function pushTo(map, key, value) {
  let list = map.get(key);
  if (!list) { list = []; map.set(key, list); }
  list.push(value);
}

export function indexBy(list) {
  const m = new Map();
  list.forEach(function (item) { m.set(item.value, item); });
  return m;
}

/** One CSV field: quoted when it holds a comma, quote or line break; a leading =+-@ is neutralised
 * so a spreadsheet never runs it as a formula. */
export function csvField(value) {
  let text = value === null || value === undefined ? "" : String(value);
  if (/^[=+\-@\t\r]/.test(text)) { text = "'" + text; }
  return /[",\r\n]/.test(text) ? "\"" + text.replace(/"/g, "\"\"") + "\"" : text;
}

export function csvText(header, rows) {
  return [header].concat(rows).map(function (r) { return r.map(csvField).join(","); }).join("\r\n") + "\r\n";
}
