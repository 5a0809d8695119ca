// Internal invariants: conditions the TypeScript layer guarantees before it calls the engine (cross-option
// rules are checked once, in lib/options/rules.ts). A violation is a bug, not bad input: it throws an
// InternalError, which the binding turns into a JS Error like any other exception; it never aborts.
#pragma once

#include <stdexcept>
#include <string>

namespace neuroswipe {

/** A broken internal invariant; its message starts with "internal invariant violated: ". */
class InternalError : public std::logic_error {
 public:
  explicit InternalError(const std::string& what) : std::logic_error("internal invariant violated: " + what) {}
};

}  // namespace neuroswipe

/**
 * Throws an InternalError saying `what` (and the condition's text) unless `cond` holds. For invariants that
 * protect memory safety only; user-facing checks throw UserError with the option's name.
 */
#define NEUROSWIPE_ASSERT(cond, what)                                                   \
  do {                                                                                  \
    if (!(cond)) throw ::neuroswipe::InternalError(std::string(what) + " (" #cond ")"); \
  } while (false)
