/**
 * Public API of the neuroswipe package.
 */
// Synthetic swipes (lib/synth)
export { Prng } from './synth/prng.js';
export { minJerk, proportionalKnots } from './synth/min-jerk.js';
export { SYNTH_LETTERS, letterLayout, nearestLetter, type LetterKey, type LetterLayout } from './synth/layout.js';
export { LETTER_SUBSTITUTES, MISSING_LETTER_POLICIES, filterVocabForGrid, type MissingLetterPolicy, type SkippedWord, type TraceableWord, type VocabFilterResult, type VocabWord } from './synth/vocab-filter.js';
export { parseVocab, readVocab } from './synth/vocab.js';
export { WORD_SAMPLINGS, WordSampler, type WordSampling } from './synth/sampler.js';
export { DEFAULT_SWIPE_OPTIONS, generateSwipe, type SwipeCurve, type SwipeOptions } from './synth/generator.js';
export { formatSwipeLine, type GridStyle } from './synth/format.js';
export { resolveSwipeOptions } from './synth/options.js';
export { synthesizeSwipes, synthesizeToFile, type SynthFileRequest, type SynthSample, type SynthSummary } from './synth/synthesize.js';
