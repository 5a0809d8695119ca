// decodeSwipes(): the batched search over many swipes, run off the event loop.
#pragma once

#include <napi.h>

namespace neuroswipe {

/**
 * Registers `decodeSwipes(model, trie | null, traj, trajShape, keys, keysShape, lengths, options)`:
 * traj `[sum S, F]` Float32Array, keys `[sum S]` Int32Array or `[sum S, K]` Float32Array, lengths Int32Array.
 * Resolves to `{ counts: Int32Array, scores: Float64Array, tokenOffsets: Int32Array, tokens: Int32Array,
 * stats, certifiedTop? }`: swipe i owns `counts[i]` candidates (in the seed's collection order), candidate j's
 * tokens are `tokens[tokenOffsets[j] .. tokenOffsets[j+1])`; `certifiedTop[i]` (Int32Array, when a search gave a
 * certificate) counts swipe i's best candidates proven to be the vocabulary's best, −1 where none was given. The arrays
 * are filled on the worker thread and handed to JS without a copy, so settling the promise costs the event loop next to
 * nothing however large the result.
 */
void InitDecodeWorker(Napi::Env env, Napi::Object exports);

}  // namespace neuroswipe
