// Email address normalization for identity matching: two spellings of one mailbox map to the
// same string.
//
//   NormalizeEmail("  John.Smith+promo@GoogleMail.com ")  // "johnsmith@gmail.com"
//   NormalizeEmail("ayse.yilmaz+x@firma.com.tr")          // "ayse.yilmaz@firma.com.tr"
//   NormalizeEmail("not an email")                        // std::nullopt
//
// The result is a matching key, not a deliverable address: do not send mail to it.
// Thread-safe. CMake target: clientele::identity_normalize.
#ifndef CLIENTELE_IDENTITY_NORMALIZE_EMAIL_H_
#define CLIENTELE_IDENTITY_NORMALIZE_EMAIL_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"

namespace clientele::identity {

struct EmailRules {
  // Drop everything from the first '+' in the local part ("a+tag@x.com" -> "a@x.com"), unless
  // the '+' is the first character (the local part would become empty).
  bool strip_plus_tags = true;
  // Drop dots from the local part for `dotless_domains`.
  bool gmail_dots = true;
  // Provider domains where dots in the local part do not matter (lowercase). Checked against
  // the domain after aliasing.
  std::vector<std::string> dotless_domains = {"gmail.com", "googlemail.com"};
  // Domains that are the same mailbox namespace as another (lowercase): key -> value.
  absl::flat_hash_map<std::string, std::string> domain_aliases = {{"googlemail.com", "gmail.com"}};
};

// Returns the normalized form of `raw`, or std::nullopt if it is not an email address.
//
// Steps: trim surrounding whitespace; require valid UTF-8, exactly one '@', a non-empty local
// part and a domain with at least one dot and no empty labels; reject whitespace, control
// characters and the RFC 5322 specials ()<>[]:;,\" anywhere (quoted local parts are not
// accepted); drop one trailing dot of the domain; lowercase both parts (ASCII fast path,
// ICU root-locale lowercasing for non-ASCII, e.g. internationalized local parts); then apply
// `rules`: domain aliases, +tag stripping, and dot removal for dotless domains (nullopt if that
// leaves the local part empty).
std::optional<std::string> NormalizeEmail(std::string_view raw, const EmailRules& rules = {});

}  // namespace clientele::identity

#endif  // CLIENTELE_IDENTITY_NORMALIZE_EMAIL_H_
