// A deterministic omnichannel identity scenario: N people (Turkish and English, in
// households), each seen by one or more channels as noisy customer records, with consent
// changes and, when attached to Online Retail, the customers' real invoices spread over the
// person's records. Emitted as clientele.common.v1.Event lines (protobuf JSON mapping, the
// `events-jsonl` import format) plus the ground truth.
//
//   ScenarioOptions options;
//   options.people = 1000;
//   options.seed = 42;
//   ScenarioOutput output;
//   output.events = [&](std::string_view chunk) { events += chunk; return absl::OkStatus(); };
//   output.truth = [&](std::string_view chunk) { truth += chunk; return absl::OkStatus(); };
//   CLT_ASSIGN_OR_RETURN(ScenarioStats stats, GenerateScenario(options, nullptr, output));
//
// Outputs:
//   events   One Event per line. Per record: a CustomerUpsert (event id
//            "<system>/customer/<id>"), then the person's ConsentChanges
//            ("<system>/consent/<id>/<n>"), then, when attached, orders ("<system>/order/<inv>",
//            source <system>/<invoice>, customer = the record). Source keys are
//            `system/id` with ids unique per system.
//   truth    CSV "source_key_1,source_key_2": one line per pair of records of the same person
//            (all pairs), as "system/id".
//   records  (optional) CSV "source_key,person,household,noise": every record's person and
//            household number and the kinds of noise it got (NoiseKindName, '|'-separated,
//            empty for a clean record), for cluster metrics and error analysis.
//
// Deterministic: the same options, seed and retail data give the same bytes, whatever
// `threads` is. Work is spread over threads in household-aligned blocks, each with its own
// random streams; outputs are written in person order.
#ifndef CLIENTELE_IDENTITY_SCENARIO_SCENARIO_H_
#define CLIENTELE_IDENTITY_SCENARIO_SCENARIO_H_

#include <cstdint>
#include <functional>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "identity/scenario/noise.h"
#include "identity/scenario/online_retail_source.h"
#include "identity/scenario/person.h"

namespace clientele::identity::scenario {

struct ScenarioOptions {
  // People to generate. With retail data, 0 means one per customer; otherwise the first
  // `people` customers get a person each (further people are not attached).
  int64_t people = 1000;
  uint64_t seed = 1;
  // Mean number of records per person (>= 1): 1 + Poisson(mean - 1), at most
  // max_records_per_person (1..16). An attached customer's online_retail record counts.
  double records_per_person = 2.5;
  int max_records_per_person = 8;
  // Scale of all noise rates: 0 = clean records, 1 = default rates, up to 3.
  double noise = 1.0;
  // Share of people with consent changes (grants, some revoked later on another channel).
  double consent_share = 0.4;
  PeopleOptions people_options;
  // Records appear between these times (attached records also before their first order).
  absl::Time start = absl::FromCivil(absl::CivilDay(2010, 12, 1), absl::UTCTimeZone());
  absl::Time end = absl::FromCivil(absl::CivilDay(2011, 12, 10), absl::UTCTimeZone());
  // Make every person's records evidence-connected (identity/scenario/evidence.h): a record
  // that shares no e-mail, phone, loyalty id, name + birth date or name + address with the
  // person's other records gets an identifier one of them shows. Without it (the behaviour
  // before this option existed, same bytes) about 11% of the true pairs can be joined only by
  // the name, which no linker can tell from a namesake (docs/identity.md, "Generated data").
  bool connect_records = true;
  // Worker threads; 0 = one per core. Does not change the output.
  int threads = 0;
};

struct ScenarioStats {
  int64_t people = 0;
  int64_t households = 0;
  int64_t attached_customers = 0;  // People attached to Online Retail customers.
  int64_t records = 0;             // Distinct source records (CustomerUpsert events).
  int64_t events = 0;
  int64_t customer_upserts = 0;
  int64_t consent_changes = 0;
  int64_t orders = 0;  // Including unattached customers' and guests' orders.
  int64_t pairs = 0;   // Lines of the truth file.
  // Pairs of records of different people (same household) showing the same shared e-mail or
  // landline: the hard negatives.
  int64_t hard_negative_pairs = 0;
  // Records given an identifier by connect_records (changes, counted once per fix).
  int64_t connected_records = 0;
  NoiseCounts noise{};  // Records that got each kind of noise.
};

// Consumers of output chunks (whole lines). A non-OK status stops generation and is returned.
struct ScenarioOutput {
  std::function<absl::Status(std::string_view)> events;   // Required.
  std::function<absl::Status(std::string_view)> truth;    // Required.
  std::function<absl::Status(std::string_view)> records;  // Optional.
};

// InvalidArgument naming the option when one is out of range.
absl::Status ValidateScenarioOptions(const ScenarioOptions& options);

// Generates the scenario into `output`. `retail` (may be null) attaches people to its
// customers; it must stay alive during the call.
absl::StatusOr<ScenarioStats> GenerateScenario(const ScenarioOptions& options,
                                               const RetailData* retail,
                                               const ScenarioOutput& output);

}  // namespace clientele::identity::scenario

#endif  // CLIENTELE_IDENTITY_SCENARIO_SCENARIO_H_
