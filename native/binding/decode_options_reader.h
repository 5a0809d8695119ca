// Reading the options argument of decodeSwipes (lib/native.ts `NativeDecodeOptions`): the decoding options and
// the per-swipe word lists of a rescoring call.
#pragma once

#include <napi.h>

#include <cstdint>
#include <vector>

#include "engine/driver.h"
#include "search/decoding_options.h"

namespace neuroswipe {

/**
 * The options object of decodeSwipes: three objects, `search`, `engine` and `limits`, mirroring
 * DecodingOptions. Every field of its type or absent (then the default), else a TypeError naming it
 * (`options.search.beamSize`); ranges are ValidateDecodingOptions's (a RangeError).
 */
DecodingOptions ReadDecodingOptions(const Napi::Value& value);

/**
 * Per-swipe word lists (options.wordLists, lib/native.ts NativeWordLists): word w is `ids[wordOffsets[w] ..
 * wordOffsets[w+1])`, swipe i owns words `swipeOffsets[i] .. swipeOffsets[i+1]`. Empty when not given.
 */
struct WordLists {
  std::vector<int32_t> ids, word_offsets, swipe_offsets;
};

/** options.wordLists for `swipes` swipes, its offsets checked (a RangeError naming the field). */
WordLists ReadWordLists(const Napi::Value& options, size_t swipes);

/** One trie per swipe from its words (on the worker thread: a large list takes a while). */
void BuildWordLists(const WordLists& w, int32_t eos, SwipeInputs& in);

}  // namespace neuroswipe
