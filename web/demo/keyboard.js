// Drawing a keyboard grid (the `gridname_to_grid.json` format) as SVG, and tracing words through its keys.

const SVG_NS = 'http://www.w3.org/2000/svg';

/** How action keys are shown (the grid files name them, they have no label). */
const ACTION_LABELS = {
  shift: '⇧',
  backspace: '⌫',
  toNumberState: '?123',
  globe: '⊕',
  space: 'space',
  enter: '⏎',
};

/** The space bar's label in the keyboard's language. */
const SPACE_LABELS = { en: 'space', ru: 'пробел' };

/** Languages of the keyboards: the language tag and its name. */
export const LANGUAGES = { en: 'English', ru: 'Russian' };

/**
 * The language of a grid from its letter keys: `en` when they are Latin a–z and none is Cyrillic, else `ru`
 * (the server's rule for a grid's alphabet, gridAlphabet in lib/keyboard/grid.ts).
 */
export function gridLanguage(grid) {
  let latin = false;
  for (const k of grid.keys) {
    if (k.label === undefined) continue;
    if (/^[\u0430-\u044f\u0451]$/.test(k.label)) return 'ru';
    if (/^[a-z]$/.test(k.label)) latin = true;
  }
  return latin ? 'en' : 'ru';
}

/** Spoken names of action keys. */
const ACTION_NAMES = {
  shift: 'shift',
  backspace: 'backspace',
  toNumberState: 'numbers',
  globe: 'language',
  space: 'space',
  enter: 'enter',
};

function el(name, attrs = {}) {
  const node = document.createElementNS(SVG_NS, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  return node;
}

/** The label a key shows: its character, or the symbol of its action. */
export function keyText(key, language = 'en') {
  if (key.label !== undefined) return key.label;
  if (key.action === 'space') return SPACE_LABELS[language] ?? ACTION_LABELS.space;
  return ACTION_LABELS[key.action] ?? key.action;
}

/** Centre of a key's hitbox, in grid pixels. */
export function keyCentre(key) {
  return { x: key.hitbox.x + key.hitbox.w / 2, y: key.hitbox.y + key.hitbox.h / 2 };
}

/**
 * Draws `grid` into `svg` (emptied first): one rect and label per key, and the trail polyline on top.
 * The SVG's user units are the grid's pixels, so pointer positions map back to grid coordinates directly.
 * @returns the trail element
 */
export function drawKeyboard(svg, grid) {
  const language = gridLanguage(grid);
  svg.replaceChildren();
  svg.setAttribute('viewBox', `0 0 ${grid.width} ${grid.height}`);
  svg.setAttribute('aria-label', `keyboard “${grid.grid_name}”, ${grid.keys.length} keys; swipe across the letters of a word`);
  svg.append(el('rect', { x: 0, y: 0, width: grid.width, height: grid.height, class: 'kb-bg' }));
  for (const key of grid.keys) {
    const { x, y, w, h } = key.hitbox;
    const g = el('g', { class: key.label !== undefined ? 'key' : `key action ${key.action}` });
    g.dataset.key = key.label ?? key.action;
    g.dataset.cx = String(x + w / 2);
    g.dataset.cy = String(y + h / 2);
    const title = el('title');
    title.textContent = key.label ?? ACTION_NAMES[key.action] ?? key.action;
    g.append(title);
    const pad = Math.min(w, h) * 0.06;
    g.append(el('rect', { x: x + pad, y: y + pad, width: Math.max(1, w - 2 * pad), height: Math.max(1, h - 2 * pad), rx: Math.min(w, h) * 0.12 }));
    const text = el('text', { x: x + w / 2, y: y + h / 2, 'text-anchor': 'middle', 'dominant-baseline': 'central', 'font-size': Math.min(h * 0.42, w * (key.label !== undefined ? 0.6 : 0.3)) });
    text.textContent = keyText(key, language);
    g.append(text);
    svg.append(g);
  }
  const trail = el('polyline', { class: 'trail', points: '' });
  svg.append(trail);
  return trail;
}

/** Letters the seed's data cleaning writes as others (docs/SEED.md §1.3), as `synth --missing substitute`. */
const SUBSTITUTES = { 'ё': 'е', 'ъ': 'ь' };

/**
 * `word` (lower-cased) with each letter the grid has no key for, but whose substitute it has, replaced by
 * that substitute.
 * @returns `{word, substituted}`: the word to trace and the `[letter, substitute]` pairs used
 */
export function substituteMissing(grid, word) {
  const labels = new Set(grid.keys.filter((k) => k.label !== undefined).map((k) => k.label));
  const substituted = [];
  let out = '';
  for (const ch of word.toLowerCase()) {
    const sub = SUBSTITUTES[ch];
    if (!labels.has(ch) && sub !== undefined && labels.has(sub)) {
      out += sub;
      if (!substituted.some(([a]) => a === ch)) substituted.push([ch, sub]);
    } else {
      out += ch;
    }
  }
  return { word: out, substituted };
}

/** Minimum-jerk progress along a segment: 0 → 1 with zero velocity and acceleration at both ends. */
function minJerk(u) {
  return u * u * u * (10 - 15 * u + 6 * u * u);
}

/**
 * A swipe through the centres of the keys of `word` on `grid`: minimum-jerk strokes between consecutive
 * letters, sampled every `dtMs` milliseconds; `msPerKey` is the time of one stroke. Letters missing from the
 * grid are skipped (the caller reports them).
 * @returns `{x, y, t, missing}`: integer arrays and the letters the grid lacks
 */
export function traceWord(grid, word, { dtMs = 7, msPerKey = 110 } = {}) {
  const byLabel = new Map(grid.keys.filter((k) => k.label !== undefined).map((k) => [k.label, k]));
  const centres = [];
  const missing = [];
  for (const ch of word.toLowerCase()) {
    const key = byLabel.get(ch);
    if (key) centres.push(keyCentre(key));
    else missing.push(ch);
  }
  const x = [];
  const y = [];
  const t = [];
  if (centres.length === 0) return { x, y, t, missing };
  const push = (p, ms) => {
    x.push(Math.round(p.x));
    y.push(Math.round(p.y));
    t.push(Math.round(ms));
  };
  push(centres[0], 0);
  let now = 0;
  for (let i = 1; i < centres.length; i++) {
    const a = centres[i - 1];
    const b = centres[i];
    const n = Math.max(2, Math.round(msPerKey / dtMs));
    for (let s = 1; s <= n; s++) {
      const u = minJerk(s / n);
      push({ x: a.x + (b.x - a.x) * u, y: a.y + (b.y - a.y) * u }, now + (s * msPerKey) / n);
    }
    now += msPerKey;
  }
  if (centres.length === 1) {
    // One letter: a short dwell on its key, so the swipe has more than one point.
    for (let s = 1; s <= 5; s++) push(centres[0], s * dtMs);
  }
  return { x, y, t, missing };
}
