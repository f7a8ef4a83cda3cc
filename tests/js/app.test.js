import test from "node:test";
import assert from "node:assert/strict";
import { busy, mayBeSlow } from "../../kg/render/templates/js/app.js";

const HEAVY = { heavy: true, busy_ms: 100 };
const LIGHT = { heavy: false, busy_ms: 100 };

const realPerformance = globalThis.performance;

function fakeBrowser(indicator, frames, clock) {
  globalThis.document = { getElementById: () => indicator };
  globalThis.window = { requestAnimationFrame: (f) => frames.push(f), setTimeout: (f) => f() };
  globalThis.performance = { now: () => clock.now };
}

function cleanUp() {
  delete globalThis.document;
  delete globalThis.window;
  globalThis.performance = realPerformance;
}

test("slow work paints the busy indicator first and hides it after, even when the work throws", () => {
  const indicator = { hidden: true };
  const seen = [];
  const frames = [];
  fakeBrowser(indicator, frames, { now: 0 });
  try {
    busy(() => seen.push(indicator.hidden), "first-slow", HEAVY);
    assert.equal(indicator.hidden, false, "shown before the work is even scheduled");
    assert.deepEqual(seen, [], "the work waits for a frame, so the indicator is painted");
    frames.shift()();
    assert.deepEqual(seen, [false]);
    assert.equal(indicator.hidden, true);
    frames.length = 0;  // the timing frame
    busy(() => { throw new Error("boom"); }, "throws", HEAVY);
    assert.throws(() => frames.shift()(), /boom/);
    assert.equal(indicator.hidden, true);
    frames.length = 0;
    busy(() => seen.push("quick"), "first-quick", LIGHT);
    assert.deepEqual(seen, [false, "quick"], "quick work runs at once, without the indicator");
  } finally {
    cleanUp();
  }
});

test("after the first change of a kind, its measured time to the next frame decides, not the page's size", () => {
  const indicator = { hidden: true };
  const frames = [];
  const clock = { now: 0 };
  fakeBrowser(indicator, frames, clock);
  try {
    assert.equal(mayBeSlow("filters", LIGHT), false, "no time yet: the size guess (light)");
    assert.equal(mayBeSlow("filters", HEAVY), true, "no time yet: the size guess (heavy)");
    busy(() => { clock.now += 30; }, "filters", LIGHT);
    clock.now += 400;  // the drawing takes long: the frame after the work comes late
    frames.shift()();
    assert.equal(mayBeSlow("filters", LIGHT), true, "430 ms to the next frame: slow next time, whatever the size");
    busy(() => { clock.now += 20; }, "filters", LIGHT);
    assert.equal(indicator.hidden, false, "the indicator shows for the next change of that kind");
    frames.shift()();  // paint, then the work
    assert.equal(indicator.hidden, true);
    clock.now += 10;
    frames.shift()();  // its frame: 30 ms in all
    assert.equal(mayBeSlow("filters", HEAVY), false, "30 ms: quick next time, even on a large page");
    assert.equal(mayBeSlow("everything", LIGHT), false, "another kind has its own time");
  } finally {
    cleanUp();
  }
});
