// Turning C++ and libtorch exceptions into plain messages with context.
#pragma once

#include <c10/util/Exception.h>

#include <exception>
#include <stdexcept>
#include <string>
#include <utility>

#include "common/invariant.h"

namespace neuroswipe {

/** An error whose message is meant for the user as it is. */
class UserError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/** The message of the exception currently being handled, without libtorch's C++ backtrace. */
inline std::string CurrentExceptionMessage() {
  try {
    throw;
  } catch (const c10::Error& e) {
    return e.what_without_backtrace();
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "unknown native exception";
  }
}

/**
 * Runs `fn`; any exception (libtorch's included) but a UserError or an InternalError is rethrown as a
 * UserError whose message starts with `context`.
 */
template <typename Fn>
auto WithContext(const std::string& context, Fn&& fn) -> decltype(fn()) {
  try {
    return std::forward<Fn>(fn)();
  } catch (const UserError&) {
    throw;
  } catch (const InternalError&) {
    throw;  // a bug's message stays as it is, so that it reads as one
  } catch (...) {
    throw UserError(context + ": " + CurrentExceptionMessage());
  }
}

}  // namespace neuroswipe
