/**
 * End to end: the demo page in Debian's Chromium (driven by playwright-core) against the real server with
 * both example models, English (qwerty) first and Russian (default). Real vocabulary words are swiped
 * through the key centres of the page's own keyboards.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { Model } from '../../lib/model/model.js';
import type { RunningServer } from '../../lib/serve/server.js';
import { Vocabulary } from '../../lib/vocabulary.js';
import { EN_MODEL, EN_VOCAB } from '../helpers/examples.js';
import { loadExample, serveExample } from './helpers.js';
import { at } from '../../lib/util/checked.js';

const CHROMIUM = process.env.NEUROSWIPE_CHROMIUM ?? '/usr/bin/chromium';
const SHOTS = fileURLToPath(new URL('../../.tmp/serve-e2e/', import.meta.url));
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
/** Words of examples/vocab.txt the Russian example model decodes from a key-centre swipe. */
const WORD = 'человек';
const WORD_EXTRA = 'работа';
const WORD_TOUCH = 'жизнь';
/** Words of examples/en/vocab.txt the English example model decodes from a key-centre swipe. */
const EN_WORD = 'people';
const EN_WORD_TOUCH = 'thanks';
const EN_WORD_TRACED = 'something';

let model: Model;
let enModel: Model;
let srv: RunningServer;
let profile: string;
let context: BrowserContext;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM}: not found; install Debian's chromium (apt-get install -y chromium) or set NEUROSWIPE_CHROMIUM`);
  const ex = await loadExample();
  model = ex.model;
  enModel = await Model.load(EN_MODEL, { device: 'cpu' });
  const enVocabulary = await Vocabulary.fromFile(EN_VOCAB, enModel);
  srv = await serveExample(enModel, enVocabulary, { models: [{ model, vocabulary: ex.vocabulary }] });
  profile = mkdtempSync(join(tmpdir(), 'neuroswipe-chromium-'));
  mkdirSync(SHOTS, { recursive: true });
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
  });
});

afterAll(async () => {
  await context?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
  await srv?.close();
  model?.dispose();
  enModel?.dispose();
});

/** Screen position of the centre of the page's key `label`. */
async function keyCentre(page: Page, label: string): Promise<{ x: number; y: number }> {
  const box = await page.locator(`#keyboard g.key[data-key="${label}"] rect`).boundingBox();
  if (!box) throw new Error(`no key ${label} on the page`);
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

/**
 * Swipes `word` through the centres of the page's keys: per stroke, 12 moves spaced by a minimum-jerk
 * profile (slow at the keys, fast between), the last exactly on the key's centre, about 7 ms apart. On a
 * busy machine each move takes longer and the swipe slows down, but its shape stays fully sampled (the
 * words below decode the same from 30 ms to 2 s per stroke).
 */
async function swipeWord(page: Page, word: string, input: 'mouse' | 'touch' = 'mouse'): Promise<void> {
  const centres = [];
  for (const ch of word) centres.push(await keyCentre(page, ch));
  const cdp = input === 'touch' ? await page.context().newCDPSession(page) : null;
  const touch = (type: 'touchStart' | 'touchMove' | 'touchEnd', p?: { x: number; y: number }) =>
    cdp!.send('Input.dispatchTouchEvent', { type, touchPoints: p ? [{ x: p.x, y: p.y }] : [] });
  const move = (p: { x: number; y: number }) => (cdp ? touch('touchMove', p) : page.mouse.move(p.x, p.y));
  if (cdp) await touch('touchStart', centres[0]);
  else {
    await page.mouse.move(at(centres, 0).x, at(centres, 0).y);
    await page.mouse.down();
  }
  const steps = 12;
  for (let i = 1; i < centres.length; i++) {
    const a = at(centres, i - 1);
    const b = at(centres, i);
    for (let s = 1; s <= steps; s++) {
      const u = s / steps;
      const k = u * u * u * (10 - 15 * u + 6 * u * u);
      await new Promise((r) => setTimeout(r, 7));
      await move({ x: a.x + (b.x - a.x) * k, y: a.y + (b.y - a.y) * k });
    }
  }
  if (cdp) {
    await touch('touchEnd');
    await cdp.detach();
  } else {
    await page.mouse.up();
  }
}

async function shownWords(page: Page): Promise<string[]> {
  await page.locator('#candidates .candidate').first().waitFor({ timeout: 20_000 });
  return page.locator('#candidates .candidate').evaluateAll((els) => els.map((e) => (e as unknown as { dataset: Record<string, string | undefined> }).dataset.word ?? ''));
}

describe('demo page in Chromium', () => {
  it('opens on the English QWERTY keyboard; English words swiped with the mouse and a finger are among the top 4', async () => {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.goto(`${srv.url}/`);
    await page.waitForSelector('body[data-ready="true"]');
    expect(await page.locator('#grid-select option').allTextContents()).toEqual(['English (qwerty)', 'Russian (default)', 'Russian (extra)']);
    expect(await page.locator('#grid-select').inputValue()).toBe('qwerty');
    expect(await page.locator('#keyboard g.key').count()).toBe(34);
    expect(await page.locator('#keyboard g.key.action.space text').textContent()).toBe('space');
    expect(await page.locator('#trace-word').getAttribute('lang')).toBe('en');
    expect(await page.locator('#model-info').textContent()).toMatch(/model\.pt \(m1_bigger, trained on the qwerty grid\).*model\.pt \(m1_bigger, trained on the default grid\)/);

    await swipeWord(page, EN_WORD);
    const words = await shownWords(page);
    expect(words.length).toBeLessThanOrEqual(4);
    expect(words).toContain(EN_WORD);
    expect(words.every((w) => /^[a-z]+$/.test(w))).toBe(true);
    expect(await page.locator('#candidates .candidate').first().getAttribute('lang')).toBe('en');
    await page.screenshot({ path: join(SHOTS, 'phone-swipe-en.png') });
    await page.locator(`#candidates .candidate[data-word="${EN_WORD}"]`).click();
    expect(await page.locator('#text').inputValue()).toBe(EN_WORD);

    await swipeWord(page, EN_WORD_TOUCH, 'touch');
    expect(await page.locator('body').getAttribute('data-pointer-type')).toBe('touch');
    await page.locator(`#candidates .candidate[data-word="${EN_WORD_TOUCH}"]`).waitFor({ timeout: 20_000 });

    // Without a pointer: trace a typed word through the QWERTY keys.
    await page.locator('#trace-word').fill(EN_WORD_TRACED);
    await page.keyboard.press('Enter');
    await page.locator(`#candidates .candidate[data-word="${EN_WORD_TRACED}"]`).waitFor({ timeout: 20_000 });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('draws the Russian keyboard, swipes a word with the mouse and shows it among the top 4 with scores and latency', async () => {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.goto(`${srv.url}/`);
    await page.waitForSelector('body[data-ready="true"]');
    await page.locator('#grid-select').selectOption('default');
    expect(await page.locator('#keyboard g.key').count()).toBe(39);
    expect(await page.locator('#keyboard g.key.action.space text').textContent()).toBe('пробел');
    expect(await page.locator('#trace-word').getAttribute('lang')).toBe('ru');
    // Phone-sized: the keyboard fits the viewport's width.
    const kb = (await page.locator('#keyboard').boundingBox())!;
    expect(kb.width).toBeLessThanOrEqual(390);
    expect(kb.width).toBeGreaterThan(300);

    await swipeWord(page, WORD);
    const trail = await page.locator('#keyboard .trail').getAttribute('points');
    expect(trail!.split(' ').length).toBeGreaterThan(6 * WORD.length);
    const words = await shownWords(page);
    expect(words.length).toBeGreaterThan(0);
    expect(words.length).toBeLessThanOrEqual(4);
    expect(words).toContain(WORD);
    const scores = await page.locator('#candidates .candidate .score').allTextContents();
    expect(scores.map(Number).every((x) => Number.isFinite(x))).toBe(true);
    expect(await page.locator('#status').textContent()).toMatch(/\d+ ms round trip, [\d.]+ ms decoding/);
    await page.screenshot({ path: join(SHOTS, 'phone-swipe.png') });

    // Choosing a candidate puts the word in the text area.
    await page.locator(`#candidates .candidate[data-word="${WORD}"]`).click();
    expect(await page.locator('#text').inputValue()).toBe(WORD);
    expect(await page.locator('body').getAttribute('data-pointer-type')).toBe('mouse');

    // The same with a finger: touch input goes through the same pointer events.
    await swipeWord(page, WORD_TOUCH, 'touch');
    expect(await page.locator('body').getAttribute('data-pointer-type')).toBe('touch');
    await page.locator(`#candidates .candidate[data-word="${WORD_TOUCH}"]`).waitFor({ timeout: 20_000 });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('switches to the other grid and is usable from the keyboard alone', async () => {
    const page = await context.newPage();
    await page.goto(`${srv.url}/`);
    await page.waitForSelector('body[data-ready="true"]');
    await page.locator('#grid-select').selectOption('extra');
    expect(await page.locator('#keyboard g.key').count()).toBe(42);
    await swipeWord(page, WORD_EXTRA);
    expect((await shownWords(page)).length).toBeGreaterThan(0);

    // Keyboard only: type a word into "Trace a word", press Enter, pick candidate 1 with the digit key.
    await page.locator('#grid-select').selectOption('default');
    await page.locator('#trace-word').focus();
    await page.keyboard.type(WORD);
    await page.keyboard.press('Enter');
    const words = await shownWords(page);
    expect(words).toContain(WORD);
    await page.locator('#candidates .candidate').first().focus();
    await page.keyboard.press(String(words.indexOf(WORD) + 1));
    expect(await page.locator('#text').inputValue()).toBe(WORD);
    // The results are announced: a polite live region names the candidates.
    expect(await page.locator('#status').getAttribute('aria-live')).toBe('polite');
    expect(await page.locator('#status').textContent()).toContain(WORD);
    await page.close();
  });

  it('renders on a desktop-sized viewport (the README screenshot)', async () => {
    const page = await context.newPage();
    await page.setViewportSize({ width: 760, height: 700 });
    await page.goto(`${srv.url}/`);
    await page.waitForSelector('body[data-ready="true"]');
    await swipeWord(page, EN_WORD);
    expect(await shownWords(page)).toContain(EN_WORD);
    await page.screenshot({ path: join(SHOTS, 'desktop-swipe.png'), fullPage: true });
    await page.close();
  });
});

describe('demo page: what it runs, substitutions, errors and a steady layout', () => {
  it('states the model, its training data and the word list; traces ё as е; an error clears the candidates; the keyboard never moves; phone candidates show whole', async () => {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${srv.url}/`);
    await page.waitForSelector('body[data-ready="true"]');
    expect(await page.locator('#model-info').textContent()).toBe('Model model.pt (m1_bigger, trained on the qwerty grid) on cpu; beam 6; word list vocab.txt, 49,152 words. ' +
      'Model model.pt (m1_bigger, trained on the default grid) on cpu; beam 6; word list vocab.txt, 20,000 words.');
    const card = (await page.locator('#model-card').textContent()) ?? '';
    expect(card).toMatch(/^English example model: .*Example model: m1_bigger trained on synthetic swipes\. examples\/model\.pt is a small swipe-decoding model/);
    expect(card).toContain('on synthetic swipes only');
    expect(await page.locator('#model-card').isVisible()).toBe(true);
    // The page opens on the first model's keyboard (English); the rest of this test uses the Russian one.
    await page.locator('#grid-select').selectOption('default');
    await page.waitForFunction("document.querySelector('#status').textContent.startsWith('Keyboard')");
    // In page coordinates: a click may scroll the (taller than a phone) page, which is not a layout shift.
    const keyboardTop = async (): Promise<number> => page.locator('#keyboard').evaluate((e) => e.getBoundingClientRect().top + (globalThis as unknown as { scrollY: number }).scrollY);
    const top = await keyboardTop();

    // ё has no key on the default grid: traced as е, and said so.
    const trace = async (word: string): Promise<void> => {
      await page.locator('#trace-word').fill(word);
      await page.locator('#trace-button').click();
    };
    await trace('ёлка');
    await page.locator('#candidates .candidate').first().waitFor({ timeout: 20_000 });
    expect(await page.locator('#status').textContent()).toMatch(/^Traced “елка” \(ё → е: no such key\)\. \d candidates: /);
    expect(await page.locator('#status').getAttribute('class')).not.toContain('error');
    expect(await keyboardTop()).toBe(top);

    // Long candidates show whole on a phone: no word is cut or overflows its button.
    await trace('привет');
    await page.waitForFunction("!document.querySelector('#status').textContent.startsWith('Traced') && document.querySelector('#status').textContent.includes('candidates:')");
    const fits = await page.locator('#candidates .candidate .word').evaluateAll((els) => els.map((e) => {
      const el = e as unknown as { scrollWidth: number; clientWidth: number; scrollHeight: number; clientHeight: number; textContent: string | null };
      return { word: el.textContent, fits: el.scrollWidth <= el.clientWidth + 1 && el.scrollHeight <= el.clientHeight + 1 };
    }));
    expect(fits.length).toBeGreaterThan(0);
    for (const f of fits) expect(f.fits, `${f.word ?? ''} shows whole`).toBe(true);
    const buttons = await page.locator('#candidates .candidate').evaluateAll((els) => els.map((e) => {
      const el = e as unknown as { scrollWidth: number; clientWidth: number; scrollHeight: number; clientHeight: number };
      return el.scrollWidth <= el.clientWidth + 1 && el.scrollHeight <= el.clientHeight + 1;
    }));
    expect(buttons.every(Boolean)).toBe(true);
    expect(await keyboardTop()).toBe(top);
    await page.screenshot({ path: join(SHOTS, 'phone-trace.png') });

    // An error (letters without a key or a substitute) clears the previous candidates; a long message
    // wraps within the status line's two lines, so the keyboard stays put.
    await trace('hello world, this line is long enough to wrap several times on a phone');
    await page.waitForFunction("document.querySelector('#status').classList.contains('error')");
    expect(await page.locator('#candidates .candidate').count()).toBe(0);
    expect(await page.locator('#status').textContent()).toBe('The keyboard has no key for “h”, “e”, “l”, “o”, “w”, “r”, “d”, “t”, “i”, “s”, “n”, “g”, “u”, “a”, “p”, “v”, “m”.');
    expect(await page.locator('#keyboard .trail').getAttribute('points')).toBe('');
    expect(await keyboardTop()).toBe(top);
    await page.screenshot({ path: join(SHOTS, 'phone-error.png') });
    expect(errors).toEqual([]);
    await page.close();
  });
});
