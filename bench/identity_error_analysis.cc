// Error analysis of an identity resolution result on a generated scenario: classifies the
// false negatives and false positives of a record -> profile map by cause and by how the
// generator made the pair, and measures the ceiling (the true pairs that the evidence in the
// records can link at all).
//
//   build/bin/clientele gen --people=40000 --seed=11 --out=ev.jsonl --truth=truth.csv \
//       --records=rec.csv
//   IDENTITY_BENCH_DUMP_MAP=map.csv build/bin/identity_resolution_bench --events ev.jsonl \
//       --truth truth.csv
//   build/bin/identity_error_analysis --events ev.jsonl --records rec.csv --truth truth.csv \
//       --map map.csv [--examples 5]
//
// Causes of a missed true pair (a false negative), first that applies:
//   no_common_key     the two records share no blocking key: never compared directly
//   capped_keys_only  they share only keys whose posting list is over the matcher's cap
//   pair_links        the model links the pair, but the resolver kept them apart (conflict
//                     with another member, candidate or size cap, arrival order)
//   vetoed            the pair scores as a link but the household veto made it a review
//   review            scored between the review and link thresholds
//   below_review      scored below the review threshold
// Independently, the pair is "linkable" when the person's records connect through evidence
// pairs (same e-mail, phone or loyalty id; or names agreeing, possibly swapped, together with
// the birth date, the street address or the postal code): pairs that are not are beyond what
// any matcher can link from the records without guessing (name-only pairs, say).
// False positives (pairs in one profile of different people): same household or not, and how
// the pair itself scores: rule (e-mail/phone/loyalty equal), probabilistic link, or no direct
// link (joined transitively through other records: a bridge).
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <numeric>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "clientele/common/v1/event.pb.h"
#include "google/protobuf/util/json_util.h"
#include "identity/matching/blocking.h"
#include "identity/matching/comparison.h"
#include "identity/matching/match_model.h"
#include "identity/matching/person_record.h"

namespace clientele::identity {
namespace {

struct Rec {
  std::string key;
  std::string system;
  int64_t person = -1;
  int64_t household = -1;
  std::vector<std::string> noise;
  PersonRecord person_record;
  std::vector<std::string> keys;
  std::string profile;
};

// A union-find over record indexes.
struct Components {
  std::vector<uint32_t> parent;
  explicit Components(size_t n) : parent(n) { std::iota(parent.begin(), parent.end(), 0); }
  uint32_t Find(uint32_t x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
  }
  void Join(uint32_t a, uint32_t b) { parent[Find(a)] = Find(b); }
};

constexpr uint8_t kNameOther = 4;

bool NamesAgree(const ComparisonPattern& p) {
  const uint8_t g = p.level(Field::kGivenName), f = p.level(Field::kFamilyName);
  if (g == 1) return true;  // swapped (family then missing)
  return g <= 3 && f <= 3;  // both known, jaro-winkler >= 0.80
}

// Evidence a careful human or any linker could use (see the file comment).
std::string Evidence(const ComparisonPattern& p) {
  if (p.level(Field::kEmail) == 0) return "email";
  if (p.level(Field::kPhone) == 0) return "phone";
  if (p.level(Field::kLoyaltyId) == 0) return "loyalty";
  if (!NamesAgree(p)) return "";
  const uint8_t b = p.level(Field::kBirthDate);
  if (b <= 1) return "name+birth_date";
  if (p.level(Field::kAddress) <= 1) return "name+address";
  if (p.level(Field::kPostalCode) == 0) return "name+postal_code";
  return "";
}

std::string PatternText(const ComparisonPattern& p) {
  std::string out;
  for (int i = 0; i < kFieldCount; ++i) {
    const uint8_t l = p.levels[i];
    if (l == kMissingLevel) continue;
    absl::StrAppend(&out, out.empty() ? "" : " ", std::string(FieldName(FieldAt(i))), "=",
                    std::string(LevelName(FieldAt(i), l)));
  }
  return out.empty() ? "(nothing compared)" : out;
}

std::string ChannelPair(const Rec& a, const Rec& b) {
  return a.system < b.system ? absl::StrCat(a.system, "+", b.system)
                             : absl::StrCat(b.system, "+", a.system);
}

using Counter = std::map<std::string, int64_t>;

void PrintTable(const std::string& title, const Counter& c, int64_t total, size_t top = 30) {
  std::vector<std::pair<std::string, int64_t>> rows(c.begin(), c.end());
  std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
  std::printf("\n%s\n\n| | pairs | share |\n|---|---:|---:|\n", title.c_str());
  for (size_t i = 0; i < rows.size() && i < top; ++i) {
    std::printf("| %s | %lld | %.2f%% |\n", rows[i].first.c_str(),
                static_cast<long long>(rows[i].second),
                total == 0 ? 0.0 : 100.0 * static_cast<double>(rows[i].second) / total);
  }
  if (rows.size() > top) std::printf("| (%zu more) | | |\n", rows.size() - top);
}

std::string RecordText(const Rec& r) {
  const PersonRecord& p = r.person_record;
  std::string date =
      p.has_birth_date() ? absl::StrCat(p.birth_year, "-", p.birth_month, "-", p.birth_day) : "";
  std::string address;
  for (const std::string& t : p.address_tokens) absl::StrAppend(&address, t, " ");
  return absl::StrCat(r.key, " [", p.given_name, " | ", p.family_name, "] e=", p.email,
                      " p=", p.phone, " l=", p.loyalty_id, " b=", date, " z=", p.postal_code,
                      " a=", address, " city=", p.city, " noise=", absl::StrJoin(r.noise, "|"));
}

int Run(const std::string& events_file, const std::string& records_file,
        const std::string& truth_file, const std::string& map_file, size_t max_block_size,
        int examples) {
  std::vector<Rec> recs;
  absl::flat_hash_map<std::string, uint32_t> index;
  {
    std::ifstream in(events_file);
    if (!in) {
      std::fprintf(stderr, "cannot read %s\n", events_file.c_str());
      return 2;
    }
    std::string line;
    common::v1::Event e;
    while (std::getline(in, line)) {
      if (line.empty()) continue;
      e.Clear();
      if (!google::protobuf::util::JsonStringToMessage(line, &e).ok()) {
        std::fprintf(stderr, "bad event line\n");
        return 2;
      }
      if (!e.has_customer_upsert()) continue;
      const std::string key = absl::StrCat(e.source().system(), "/", e.source().id());
      auto [it, inserted] = index.try_emplace(key, static_cast<uint32_t>(recs.size()));
      if (inserted) recs.emplace_back();
      Rec& r = recs[it->second];
      r.key = key;
      r.system = e.source().system();
      r.person_record = FromCustomerUpsert(key, e.customer_upsert());  // Last upsert wins.
    }
  }
  auto read_csv = [](const std::string& file, auto&& row) {
    std::ifstream in(file);
    if (!in) {
      std::fprintf(stderr, "cannot read %s\n", file.c_str());
      return false;
    }
    std::string line;
    bool header = true;
    while (std::getline(in, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.empty()) continue;
      std::vector<std::string> cols = absl::StrSplit(line, ',');
      if (header && (cols[0] == "source_key" || cols[0] == "source_key_1")) {
        header = false;
        continue;
      }
      header = false;
      row(cols);
    }
    return true;
  };
  if (!read_csv(records_file, [&](const std::vector<std::string>& c) {
        auto it = index.find(c[0]);
        if (it == index.end() || c.size() < 3) return;
        Rec& r = recs[it->second];
        r.person = std::stoll(c[1]);
        r.household = std::stoll(c[2]);
        if (c.size() >= 4 && !c[3].empty()) r.noise = absl::StrSplit(c[3], '|');
      })) {
    return 2;
  }
  if (!read_csv(map_file, [&](const std::vector<std::string>& c) {
        auto it = index.find(c[0]);
        if (it != index.end() && c.size() >= 2) recs[it->second].profile = c[1];
      })) {
    return 2;
  }
  std::vector<std::pair<uint32_t, uint32_t>> truth;
  if (!read_csv(truth_file, [&](const std::vector<std::string>& c) {
        auto a = index.find(c[0]);
        auto b = index.find(c.size() > 1 ? c[1] : "");
        if (a != index.end() && b != index.end()) truth.emplace_back(a->second, b->second);
      })) {
    return 2;
  }

  absl::flat_hash_map<std::string, int64_t> key_size;
  for (Rec& r : recs) {
    r.keys = BlockingKeys(r.person_record);
    for (const std::string& k : r.keys) ++key_size[k];
  }
  const MatchModel model(DefaultMatchModelConfig());

  // Ceiling: evidence components per person.
  absl::flat_hash_map<int64_t, std::vector<uint32_t>> by_person;
  for (uint32_t i = 0; i < recs.size(); ++i) by_person[recs[i].person].push_back(i);
  Components evidence(recs.size()), model_links(recs.size());
  for (const auto& [person, members] : by_person) {
    for (size_t i = 0; i < members.size(); ++i) {
      for (size_t j = i + 1; j < members.size(); ++j) {
        const Rec& a = recs[members[i]];
        const Rec& b = recs[members[j]];
        const MatchResult m = model.Evaluate(a.person_record, b.person_record);
        if (!Evidence(m.pattern).empty()) evidence.Join(members[i], members[j]);
        if (m.decision == MatchDecision::kLink) model_links.Join(members[i], members[j]);
      }
    }
  }

  int64_t tp = 0, fn = 0, unlinkable = 0, fn_linkable = 0, fn_model_connected = 0;
  Counter fn_cause, fn_channels, fn_noise, fn_patterns, fn_unlinkable_patterns, fn_cause_linkable;
  Counter tp_channels;
  std::map<std::string, std::vector<std::string>> fn_examples;
  for (const auto& [ia, ib] : truth) {
    const Rec& a = recs[ia];
    const Rec& b = recs[ib];
    const bool linkable = evidence.Find(ia) == evidence.Find(ib);
    if (!linkable) ++unlinkable;
    if (!a.profile.empty() && a.profile == b.profile) {
      ++tp;
      ++tp_channels[ChannelPair(a, b)];
      continue;
    }
    ++fn;
    if (linkable) ++fn_linkable;
    if (model_links.Find(ia) == model_links.Find(ib)) ++fn_model_connected;
    bool common = false, uncapped = false;
    for (const std::string& k : a.keys) {
      if (std::binary_search(b.keys.begin(), b.keys.end(), k)) {
        common = true;
        if (static_cast<size_t>(key_size[k]) <= max_block_size) uncapped = true;
      }
    }
    const MatchResult m = model.Evaluate(a.person_record, b.person_record);
    std::string cause;
    if (!common) {
      cause = "no_common_key";
    } else if (!uncapped) {
      cause = "capped_keys_only";
    } else if (m.decision == MatchDecision::kLink) {
      cause = "pair_links";
    } else if (m.vetoed) {
      cause = "vetoed";
    } else if (m.decision == MatchDecision::kReview) {
      cause = "review";
    } else {
      cause = "below_review";
    }
    ++fn_cause[cause];
    ++fn_cause_linkable[absl::StrCat(cause, linkable ? " (linkable)" : " (unlinkable)")];
    ++fn_channels[ChannelPair(a, b)];
    absl::flat_hash_set<std::string> kinds(a.noise.begin(), a.noise.end());
    kinds.insert(b.noise.begin(), b.noise.end());
    if (kinds.empty()) ++fn_noise["(no noise)"];
    for (const std::string& k : kinds) ++fn_noise[k];
    const std::string pattern = PatternText(m.pattern);
    if (linkable) {
      ++fn_patterns[absl::StrCat(cause, ": ", pattern)];
    } else {
      ++fn_unlinkable_patterns[pattern];
    }
    auto& ex = fn_examples[absl::StrCat(cause, linkable ? "" : " (unlinkable)")];
    if (static_cast<int>(ex.size()) < examples) {
      ex.push_back(absl::StrCat(RecordText(a), "\n    ", RecordText(b), "\n    weight ", m.weight,
                                " ", pattern));
    }
  }

  // False positives: pairs of different people within a profile.
  absl::flat_hash_map<std::string, std::vector<uint32_t>> members;
  for (uint32_t i = 0; i < recs.size(); ++i) {
    if (!recs[i].profile.empty()) members[recs[i].profile].push_back(i);
  }
  int64_t predicted = 0, fp = 0, fp_profiles = 0;
  Counter fp_cause, fp_channels, fp_patterns;
  std::map<std::string, std::vector<std::string>> fp_examples;
  for (const auto& [profile, m] : members) {
    bool any = false;
    for (size_t i = 0; i < m.size(); ++i) {
      for (size_t j = i + 1; j < m.size(); ++j) {
        ++predicted;
        const Rec& a = recs[m[i]];
        const Rec& b = recs[m[j]];
        if (a.person == b.person) continue;
        ++fp;
        any = true;
        const MatchResult r = model.Evaluate(a.person_record, b.person_record);
        std::string how;
        if (r.decision == MatchDecision::kLink) {
          how = r.rule.empty() ? "probabilistic link" : absl::StrCat("rule ", std::string(r.rule));
        } else {
          how = "no direct link (bridge)";
        }
        const std::string cause =
            absl::StrCat(a.household == b.household ? "household" : "other people", ", ", how);
        ++fp_cause[cause];
        ++fp_channels[ChannelPair(a, b)];
        if (r.decision == MatchDecision::kLink) ++fp_patterns[PatternText(r.pattern)];
        auto& ex = fp_examples[cause];
        if (static_cast<int>(ex.size()) < examples) {
          ex.push_back(absl::StrCat(RecordText(a), "\n    ", RecordText(b), "\n    weight ",
                                    r.weight, " ", PatternText(r.pattern)));
        }
      }
    }
    fp_profiles += any;
  }

  const int64_t n = static_cast<int64_t>(truth.size());
  const double precision = predicted == 0 ? 1.0 : static_cast<double>(predicted - fp) / predicted;
  const double recall = n == 0 ? 1.0 : static_cast<double>(tp) / n;
  const double ceiling = n == 0 ? 1.0 : static_cast<double>(n - unlinkable) / n;
  std::printf("# Identity error analysis\n\n");
  std::printf("records %zu, true pairs %lld, predicted pairs %lld\n", recs.size(),
              static_cast<long long>(n), static_cast<long long>(predicted));
  std::printf("precision %.4f, recall %.4f, F1 %.4f\n", precision, recall,
              precision + recall == 0 ? 0.0 : 2 * precision * recall / (precision + recall));
  std::printf(
      "linkable true pairs (evidence chain within the person): %lld of %lld = recall ceiling "
      "%.4f (F1 ceiling at precision 1: %.4f)\n",
      static_cast<long long>(n - unlinkable), static_cast<long long>(n), ceiling,
      2 * ceiling / (1 + ceiling));
  std::printf(
      "false negatives %lld: linkable %lld, connected by pairwise model links within the "
      "person %lld\n",
      static_cast<long long>(fn), static_cast<long long>(fn_linkable),
      static_cast<long long>(fn_model_connected));
  std::printf("false positives %lld pairs in %lld profiles\n", static_cast<long long>(fp),
              static_cast<long long>(fp_profiles));
  PrintTable("## False negatives by cause", fn_cause, fn);
  PrintTable("## False negatives by cause and linkability", fn_cause_linkable, fn);
  PrintTable("## False negatives by channel pair", fn_channels, fn);
  PrintTable("## True positives by channel pair", tp_channels, tp);
  PrintTable("## False negatives by noise kind (either record)", fn_noise, fn);
  PrintTable("## Linkable false negatives: cause and comparison levels", fn_patterns, fn, 40);
  PrintTable("## Unlinkable true pairs missed: comparison levels", fn_unlinkable_patterns, fn, 20);
  PrintTable("## False positives by cause", fp_cause, fp);
  PrintTable("## False positives by channel pair", fp_channels, fp);
  PrintTable("## Directly linked false positives: comparison levels", fp_patterns, fp, 20);
  if (examples > 0) {
    std::printf("\n## Examples\n");
    for (const auto& [cause, list] : fn_examples) {
      std::printf("\n### FN %s\n", cause.c_str());
      for (const std::string& s : list) std::printf("  %s\n", s.c_str());
    }
    for (const auto& [cause, list] : fp_examples) {
      std::printf("\n### FP %s\n", cause.c_str());
      for (const std::string& s : list) std::printf("  %s\n", s.c_str());
    }
  }
  return 0;
}

}  // namespace
}  // namespace clientele::identity

int main(int argc, char** argv) {
  CLI::App app{"Error analysis of identity resolution on a generated scenario"};
  std::string events, records, truth, map;
  size_t max_block_size = 500;
  int examples = 0;
  app.add_option("--events", events, "events-jsonl file (clientele gen --out)")->required();
  app.add_option("--records", records, "records CSV (clientele gen --records)")->required();
  app.add_option("--truth", truth, "truth CSV (clientele gen --truth)")->required();
  app.add_option("--map", map, "source_key,profile CSV (IDENTITY_BENCH_DUMP_MAP)")->required();
  app.add_option("--max_block_size", max_block_size, "The matcher's posting-list cap");
  app.add_option("--examples", examples, "Example pairs to print per cause");
  CLI11_PARSE(app, argc, argv);
  return clientele::identity::Run(events, records, truth, map, max_block_size, examples);
}
