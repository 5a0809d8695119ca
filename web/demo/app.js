// The demo page: draws the server's keyboards, records a swipe with pointer events (mouse, touch, pen),
// sends it to POST /v1/decode and shows the top candidates; chosen words collect in a text area.
import { drawKeyboard, gridLanguage, LANGUAGES, substituteMissing, traceWord } from './keyboard.js';

const TOP = 4;

const $ = (id) => document.getElementById(id);
const svg = $('keyboard');
const select = $('grid-select');
const candidatesBox = $('candidates');
const statusLine = $('status');
const text = $('text');

let grids = {};
let grid = null;
let trail = null;
let stroke = null; // { id, x: [], y: [], t: [], t0 }
let shown = [];
let requestSeq = 0;
let maxPoints = 299; // replaced by the model's max_curve_len

function setStatus(message, isError = false) {
  statusLine.textContent = message;
  statusLine.classList.toggle('error', isError);
}

/** Removes the candidates shown, so that an error never sits beside the previous swipe's words. */
function clearCandidates() {
  candidatesBox.replaceChildren();
  shown = [];
}

/** An error in the status line, with the candidates of the previous swipe gone. */
function showError(message) {
  clearCandidates();
  if (trail) showTrail([], []);
  setStatus(message, true);
}

function showTrail(x, y) {
  trail.setAttribute('points', x.map((v, i) => `${v},${y[i]}`).join(' '));
}

/** A word to trace on each keyboard language, shown as the trace field's placeholder. */
const PLACEHOLDERS = { en: 'people', ru: 'человек' };

function selectGrid(name) {
  grid = grids[name];
  trail = drawKeyboard(svg, grid);
  document.body.dataset.grid = name;
  const language = gridLanguage(grid);
  document.body.dataset.language = language;
  const input = $('trace-word');
  input.lang = language;
  input.placeholder = PLACEHOLDERS[language] ?? '';
  text.lang = language;
}

function choose(word) {
  const before = text.value;
  text.value = before + (before === '' || /\s$/.test(before) ? '' : ' ') + word;
  setStatus(`Added “${word}”.`);
}

function showCandidates(candidates, latencyMs, serverMs, note = '') {
  shown = candidates.slice(0, TOP);
  candidatesBox.replaceChildren();
  shown.forEach(([score, word], i) => {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'candidate';
    b.dataset.word = word;
    b.lang = gridLanguage(grid);
    b.setAttribute('aria-label', `${i + 1}: ${word}, score ${score.toFixed(3)}`);
    const w = document.createElement('span');
    w.className = 'word';
    w.textContent = word;
    const s = document.createElement('span');
    s.className = 'score';
    s.textContent = score.toFixed(3);
    b.append(w, s);
    b.addEventListener('click', () => choose(word));
    candidatesBox.append(b);
  });
  const words = shown.map(([, w]) => w).join(', ');
  setStatus(note + (shown.length
    ? `${shown.length} candidates: ${words}. ${latencyMs.toFixed(0)} ms round trip, ${serverMs.toFixed(1)} ms decoding.`
    : `No candidate. ${latencyMs.toFixed(0)} ms.`));
  document.body.dataset.latencyMs = latencyMs.toFixed(1);
}

async function decode(x, y, t, note = '') {
  const seq = ++requestSeq;
  setStatus('Decoding…');
  const started = performance.now();
  let res;
  let body;
  try {
    res = await fetch('v1/decode', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ x, y, t, grid_name: grid.grid_name }),
    });
    body = await res.json();
  } catch (err) {
    if (seq === requestSeq) showError(`The server did not answer: ${err.message}`);
    return;
  }
  if (seq !== requestSeq) return; // a newer swipe is on its way
  const latency = performance.now() - started;
  if (!res.ok) {
    showError(`Error ${res.status}: ${body?.error?.message ?? res.statusText}`);
    return;
  }
  showCandidates(body.candidates, latency, body.timings.decode_ms, note);
}

function gridPoint(e) {
  const p = new DOMPoint(e.clientX, e.clientY).matrixTransform(svg.getScreenCTM().inverse());
  return { x: Math.round(p.x), y: Math.round(p.y) };
}

function addPoint(e) {
  const p = gridPoint(e);
  const t = Math.max(0, Math.round(e.timeStamp - stroke.t0));
  const n = stroke.x.length;
  if (n > 0 && stroke.x[n - 1] === p.x && stroke.y[n - 1] === p.y) return;
  if (n > 0 && t < stroke.t[n - 1]) return;
  stroke.x.push(p.x);
  stroke.y.push(p.y);
  stroke.t.push(t);
}

svg.addEventListener('pointerdown', (e) => {
  if (!grid || (e.pointerType === 'mouse' && e.button !== 0)) return;
  e.preventDefault();
  svg.setPointerCapture(e.pointerId);
  stroke = { id: e.pointerId, x: [], y: [], t: [], t0: e.timeStamp };
  document.body.dataset.pointerType = e.pointerType;
  addPoint(e);
  showTrail(stroke.x, stroke.y);
  svg.classList.add('drawing');
});

svg.addEventListener('pointermove', (e) => {
  if (!stroke || e.pointerId !== stroke.id) return;
  const events = typeof e.getCoalescedEvents === 'function' ? e.getCoalescedEvents() : [];
  for (const c of events.length ? events : [e]) addPoint(c);
  showTrail(stroke.x, stroke.y);
});

function endStroke(e, cancelled) {
  if (!stroke || e.pointerId !== stroke.id) return;
  const s = stroke;
  stroke = null;
  svg.classList.remove('drawing');
  if (cancelled) {
    showTrail([], []);
    return;
  }
  if (s.x.length < 2) {
    showError('That was a tap: swipe across the letters of a word.');
    return;
  }
  if (s.x.length > maxPoints) {
    // Keep the swipe within the model's limit by even subsampling (the first and last point stay).
    const keep = (i) => Math.round((i * (s.x.length - 1)) / (maxPoints - 1));
    const idx = Array.from({ length: maxPoints }, (_, i) => keep(i));
    s.x = idx.map((i) => s.x[i]);
    s.y = idx.map((i) => s.y[i]);
    s.t = idx.map((i) => s.t[i]);
  }
  decode(s.x, s.y, s.t);
}

svg.addEventListener('pointerup', (e) => endStroke(e, false));
svg.addEventListener('pointercancel', (e) => endStroke(e, true));

select.addEventListener('change', () => {
  selectGrid(select.value);
  clearCandidates();
  setStatus(`Keyboard “${select.value}”.`);
});

$('controls').addEventListener('submit', (e) => {
  e.preventDefault();
  const typed = $('trace-word').value.trim();
  if (!typed || !grid) return;
  // Letters the keyboard lacks are traced as the seed's data cleaning writes them (ё → е, ъ → ь), as
  // `neuroswipe synth --missing substitute` does.
  const { word, substituted } = substituteMissing(grid, typed);
  const { x, y, t, missing } = traceWord(grid, word);
  if (missing.length) {
    const letters = [...new Set(missing.filter((c) => c.trim() !== ''))];
    showError(`The keyboard has no key for ${letters.map((c) => `“${c}”`).join(', ')}.`);
    return;
  }
  if (x.length < 2) return;
  showTrail(x, y);
  const note = substituted.length ? `Traced “${word}” (${substituted.map(([a, b]) => `${a} → ${b}`).join(', ')}: no such key). ` : '';
  decode(x, y, t, note);
});

$('clear-text').addEventListener('click', () => {
  text.value = '';
  setStatus('Text cleared.');
});

document.addEventListener('keydown', (e) => {
  const target = e.target;
  if (target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement || e.altKey || e.ctrlKey || e.metaKey) return;
  const n = Number(e.key);
  if (Number.isInteger(n) && n >= 1 && n <= shown.length) {
    e.preventDefault();
    choose(shown[n - 1][1]);
  }
});

async function start() {
  try {
    const [g, m] = await Promise.all([fetch('v1/grids').then((r) => r.json()), fetch('v1/model').then((r) => r.json())]);
    grids = g.grids;
    // The models' own grids first (in the server's model order), then the others.
    const names = [...g.model_grids.filter((n) => n in grids), ...Object.keys(grids).filter((n) => !g.model_grids.includes(n))];
    for (const name of names) {
      const o = document.createElement('option');
      o.value = name;
      o.textContent = `${LANGUAGES[gridLanguage(grids[name])]} (${name})`;
      select.append(o);
    }
    const first = names[0];
    select.value = first;
    selectGrid(first);
    const models = m.models ?? [m];
    maxPoints = Math.min(...models.map((x) => x.max_curve_len));
    $('model-info').textContent = models.map((x) => {
      const d = x.decoding;
      const words = x.vocabulary ? `word list ${x.vocabulary.file}, ${x.vocabulary.words.toLocaleString('en')} words` : 'no word list (any letter sequence)';
      return `Model ${x.file} (${x.architecture}, trained on the ${x.grid_names.join(', ')} grid) on ${x.device}; ${d.generator}${d.beamSize ? ` ${d.beamSize}` : ''}; ${words}${d.priorWeight !== undefined ? '; word-frequency prior' : ''}.`;
    }).join(' ');
    const cards = models.filter((x) => x.card).map((x) => `${x.card.title}. ${x.card.summary}`);
    if (cards.length > 0) {
      $('model-card').textContent = cards.join(' ');
      $('model-card').hidden = false;
    }
    document.body.dataset.ready = 'true';
  } catch (err) {
    showError(`Cannot load the keyboards: ${err.message}`);
  }
}

start();
