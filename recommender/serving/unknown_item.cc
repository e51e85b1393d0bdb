#include "recommender/serving/unknown_item.h"

#include <algorithm>
#include <cstddef>
#include <string>
#include <tuple>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "identity/similarity/string_similarity.h"

namespace clientele::recommender {
namespace {

constexpr int kNearestShown = 3;
constexpr size_t kComparedBytes = 64;

std::string Comparable(absl::string_view text) {
  return absl::AsciiStrToLower(absl::StripAsciiWhitespace(text).substr(0, kComparedBytes));
}

// Lower is nearer: (0 if `candidate` contains `query` else 1, edits).
struct Nearness {
  int contains = 1;
  int edits = 0;
  friend bool operator<(const Nearness& a, const Nearness& b) {
    return std::tie(a.contains, a.edits) < std::tie(b.contains, b.edits);
  }
};

Nearness Measure(const std::string& query, absl::string_view text) {
  const std::string candidate = Comparable(text);
  Nearness n;
  n.contains = !query.empty() && candidate.find(query) != std::string::npos ? 0 : 1;
  n.edits = identity::DamerauLevenshtein(query, candidate);
  return n;
}

}  // namespace

std::vector<int32_t> NearestItems(const ServingSnapshot& s, absl::string_view text, int count) {
  if (count <= 0) return {};
  const std::string query = Comparable(text);
  struct Candidate {
    Nearness nearness;
    int32_t item;
  };
  auto better = [&s](const Candidate& a, const Candidate& b) {
    if (a.nearness < b.nearness || b.nearness < a.nearness) return a.nearness < b.nearness;
    return s.sku(a.item) < s.sku(b.item);
  };
  std::vector<Candidate> best;  // The `count` nearest so far, nearest first.
  for (int32_t item = 0; item < s.num_items(); ++item) {
    Nearness n = Measure(query, s.sku(item));
    if (!s.name(item).empty() && s.name(item) != s.sku(item)) {
      n = std::min(n, Measure(query, s.name(item)));
    }
    const Candidate c{n, item};
    if (static_cast<int>(best.size()) == count && !better(c, best.back())) continue;
    best.insert(std::upper_bound(best.begin(), best.end(), c, better), c);
    if (static_cast<int>(best.size()) > count) best.pop_back();
  }
  std::vector<int32_t> items;
  items.reserve(best.size());
  for (const Candidate& c : best) items.push_back(c.item);
  return items;
}

absl::Status UnknownItemError(const ServingSnapshot& s, absl::string_view field,
                              absl::string_view sku) {
  std::string message = absl::StrCat(field, ": '", sku, "' is not known");
  const std::vector<int32_t> nearest = NearestItems(s, sku, kNearestShown);
  for (size_t i = 0; i < nearest.size(); ++i) {
    absl::StrAppend(&message, i == 0 ? "; nearest known items: " : ", ", "'", s.sku(nearest[i]),
                    "'");
    const std::string& name = s.name(nearest[i]);
    if (!name.empty() && name != s.sku(nearest[i])) absl::StrAppend(&message, " (", name, ")");
  }
  return absl::NotFoundError(message);
}

}  // namespace clientele::recommender
