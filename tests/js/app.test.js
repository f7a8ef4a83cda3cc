import test from "node:test";
import assert from "node:assert/strict";
import { busy } from "../../kg/render/templates/js/app.js";

test("slow work paints the busy indicator first and hides it after, even when the work throws", () => {
  const indicator = { hidden: true };
  const seen = [];
  const frames = [];
  globalThis.document = { getElementById: () => indicator };
  globalThis.window = { requestAnimationFrame: (f) => frames.push(f), setTimeout: (f) => f() };
  try {
    busy(() => seen.push(indicator.hidden), true);
    assert.equal(indicator.hidden, false, "shown before the work is even scheduled");
    assert.deepEqual(seen, [], "the work waits for a frame, so the indicator is painted");
    frames.shift()();
    assert.deepEqual(seen, [false]);
    assert.equal(indicator.hidden, true);
    busy(() => { throw new Error("boom"); }, true);
    assert.throws(() => frames.shift()(), /boom/);
    assert.equal(indicator.hidden, true);
    busy(() => seen.push("quick"), false);
    assert.deepEqual(seen, [false, "quick"], "quick work runs at once, without the indicator");
  } finally {
    delete globalThis.document;
    delete globalThis.window;
  }
});
