// Helpers of the scenario tests: run a scenario into strings and read its outputs back.
#ifndef CLIENTELE_TESTS_IDENTITY_SCENARIO_SCENARIO_TEST_UTIL_H_
#define CLIENTELE_TESTS_IDENTITY_SCENARIO_SCENARIO_TEST_UTIL_H_

#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "clientele/common/v1/event.pb.h"
#include "google/protobuf/util/json_util.h"
#include "identity/scenario/scenario.h"

namespace clientele::identity::scenario::testing {

struct Generated {
  std::string events;
  std::string truth;
  std::string records;
  ScenarioStats stats;
};

inline absl::StatusOr<Generated> Generate(const ScenarioOptions& options,
                                          const RetailData* retail = nullptr) {
  Generated g;
  ScenarioOutput output;
  output.events = [&](std::string_view s) {
    g.events.append(s.data(), s.size());
    return absl::OkStatus();
  };
  output.truth = [&](std::string_view s) {
    g.truth.append(s.data(), s.size());
    return absl::OkStatus();
  };
  output.records = [&](std::string_view s) {
    g.records.append(s.data(), s.size());
    return absl::OkStatus();
  };
  absl::StatusOr<ScenarioStats> stats = GenerateScenario(options, retail, output);
  if (!stats.ok()) return stats.status();
  g.stats = *stats;
  return g;
}

inline std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) lines.push_back(line);
  return lines;
}

// Every line parsed with protobuf's own JSON parser; a line that does not parse fails the test
// through an empty event id.
inline std::vector<common::v1::Event> ParseEvents(const std::string& jsonl) {
  std::vector<common::v1::Event> events;
  for (const std::string& line : Lines(jsonl)) {
    common::v1::Event& e = events.emplace_back();
    if (!google::protobuf::util::JsonStringToMessage(line, &e).ok()) e.Clear();
  }
  return events;
}

inline std::string KeyOf(const common::v1::SourceKey& key) { return key.system() + "/" + key.id(); }

// source key -> (person, household), from the records output.
inline absl::flat_hash_map<std::string, std::pair<int64_t, int64_t>> RecordOwners(
    const std::string& records) {
  absl::flat_hash_map<std::string, std::pair<int64_t, int64_t>> owners;
  for (const std::string& line : Lines(records)) {
    // source_key,person,household,noise
    const size_t a = line.find(','), b = line.find(',', a + 1);
    owners[line.substr(0, a)] = {std::stoll(line.substr(a + 1, b - a - 1)),
                                 std::stoll(line.substr(b + 1))};
  }
  return owners;
}

}  // namespace clientele::identity::scenario::testing

#endif  // CLIENTELE_TESTS_IDENTITY_SCENARIO_SCENARIO_TEST_UTIL_H_
