#pragma once

#include <string>
#include <utility>

#include <tl/expected.hpp>

namespace tributary {

// What kind of outside failure an Error reports. Expected outcomes (a 304,
// an unchanged feed) are values, never errors.
enum class Errc { invalid_input, unsupported_format, network, http_status, timeout, io, database, config };

// A failure that came from outside the program. `message` reads
// "module: what failed: cause", e.g. "rss: missing <channel>".
struct Error {
  Errc code = Errc::invalid_input;
  std::string message;
};

template <class T>
using Result = tl::expected<T, Error>;

inline tl::unexpected<Error> fail(Errc code, std::string message) {
  return tl::unexpected<Error>(Error{code, std::move(message)});
}

}  // namespace tributary
