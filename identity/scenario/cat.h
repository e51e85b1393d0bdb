// Cat / CatAppend: string concatenation over std::string_view and integers. absl::StrCat takes
// absl::string_view, which in this abseil (20220623, built for C++14) is not std::string_view.
#ifndef CLIENTELE_IDENTITY_SCENARIO_CAT_H_
#define CLIENTELE_IDENTITY_SCENARIO_CAT_H_

#include <string>
#include <string_view>
#include <type_traits>

namespace clientele::identity::scenario {
namespace cat_internal {

inline void Piece(std::string* out, std::string_view s) { out->append(s.data(), s.size()); }
inline void Piece(std::string* out, const char* s) { out->append(s); }
inline void Piece(std::string* out, const std::string& s) { out->append(s); }
template <typename T, std::enable_if_t<std::is_integral_v<T> && !std::is_same_v<T, char> &&
                                           !std::is_same_v<T, bool>,
                                       int> = 0>
void Piece(std::string* out, T value) {
  out->append(std::to_string(value));
}

}  // namespace cat_internal

template <typename... Args>
void CatAppend(std::string* out, const Args&... args) {
  (cat_internal::Piece(out, args), ...);
}

template <typename... Args>
std::string Cat(const Args&... args) {
  std::string out;
  CatAppend(&out, args...);
  return out;
}

}  // namespace clientele::identity::scenario

#endif  // CLIENTELE_IDENTITY_SCENARIO_CAT_H_
