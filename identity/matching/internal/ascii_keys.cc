#include "identity/matching/internal/ascii_keys.h"

#include "absl/container/flat_hash_map.h"
#include "identity/normalize/address.h"
#include "identity/normalize/name.h"

namespace clientele::identity::matching_internal {
namespace {

bool IsAscii(std::string_view s) {
  for (char c : s) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

bool IsWordChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// The abbreviations AddressTokens expands (identity/normalize/address.cc), as comparison keys.
std::string_view Expand(std::string_view token) {
  struct Abbreviation {
    std::string_view from;
    std::string_view to;
  };
  static constexpr Abbreviation kAbbreviations[] = {
      {"st", "street"},    {"rd", "road"},     {"ave", "avenue"},   {"cad", "caddesi"},
      {"cd", "caddesi"},   {"sk", "sokak"},    {"sok", "sokak"},    {"mah", "mahallesi"},
      {"mh", "mahallesi"}, {"blv", "bulvari"}, {"bulv", "bulvari"},
  };
  for (const Abbreviation& a : kAbbreviations) {
    if (token == a.from) return a.to;
  }
  return token;
}

// The space-separated words of a comparison key, abbreviations expanded, appended to *tokens.
void AppendExpandedWords(std::string_view key, std::vector<std::string>* tokens) {
  size_t start = 0;
  while (start < key.size()) {
    size_t end = key.find(' ', start);
    if (end == std::string_view::npos) end = key.size();
    if (end > start) tokens->emplace_back(Expand(key.substr(start, end - start)));
    start = end + 1;
  }
}

}  // namespace

bool AsciiNameKey(std::string_view raw, std::string* key) {
  if (!IsAscii(raw)) return false;
  key->clear();
  bool pending_break = false;
  bool last_was_word = false;
  for (size_t i = 0; i < raw.size(); ++i) {
    const char c = raw[i];
    if (IsWordChar(c)) {
      if (pending_break && !key->empty()) key->push_back(' ');
      pending_break = false;
      // Turkish lowercasing maps 'I' to dotless 'ı', which the key folds back to 'i'.
      key->push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
      last_was_word = true;
      continue;
    }
    // A hyphen or apostrophe between two word characters joins them: the apostrophe is
    // dropped ("o'brien" -> "obrien"), the hyphen becomes a space ("ayse-nur" -> "ayse nur").
    if ((c == '-' || c == '\'') && !pending_break && last_was_word && i + 1 < raw.size() &&
        IsWordChar(raw[i + 1])) {
      if (c == '-') key->push_back(' ');
      last_was_word = false;
      continue;
    }
    pending_break = true;
    last_was_word = false;
  }
  return true;
}

bool AsciiAddressTokens(std::string_view line, std::vector<std::string>* tokens) {
  std::string key;
  if (!AsciiNameKey(line, &key)) return false;
  AppendExpandedWords(key, tokens);
  return true;
}

// Per-thread memo of the ICU results for non-ASCII input: names and address words repeat
// heavily (a few thousand given names cover most people). Emptied when full.
template <typename Value>
class IcuMemo {
 public:
  template <typename Compute>
  const Value& Get(std::string_view raw, Compute compute) {
    auto it = memo_.find(absl::string_view(raw.data(), raw.size()));
    if (it != memo_.end()) return it->second;
    if (memo_.size() >= kMaxEntries) memo_.clear();
    return memo_.emplace(std::string(raw), compute(raw)).first->second;
  }

 private:
  static constexpr size_t kMaxEntries = 1 << 16;
  absl::flat_hash_map<std::string, Value> memo_;
};

std::string ComparisonKey(std::string_view raw) {
  std::string key;
  if (AsciiNameKey(raw, &key)) return key;
  if (raw.size() > 256) return NameComparisonKey(raw);
  thread_local IcuMemo<std::string> memo;
  return memo.Get(raw, [](std::string_view s) { return NameComparisonKey(s); });
}

void AppendAddressTokens(std::string_view line, std::vector<std::string>* tokens) {
  if (AsciiAddressTokens(line, tokens)) return;
  if (line.size() > 256) {
    for (std::string& token : AddressTokens(line)) tokens->push_back(std::move(token));
    return;
  }
  // Whole lines rarely repeat (house numbers), their words do: the key is computed word by
  // word, split at ASCII spaces, each word through ComparisonKey (ASCII fast path or memo).
  // NameComparisonKey treats a space as a break and nothing joins across it, so the words'
  // keys joined equal the line's key (ascii_keys_test.cc checks random non-ASCII lines).
  size_t start = 0;
  while (start < line.size()) {
    size_t end = line.find(' ', start);
    if (end == std::string_view::npos) end = line.size();
    if (end > start) {
      AppendExpandedWords(ComparisonKey(line.substr(start, end - start)), tokens);
    }
    start = end + 1;
  }
}

}  // namespace clientele::identity::matching_internal
