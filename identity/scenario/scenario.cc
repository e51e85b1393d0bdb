#include "identity/scenario/scenario.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "common/time/proto_time.h"
#include "google/protobuf/timestamp.pb.h"
#include "identity/scenario/cat.h"
#include "identity/scenario/channels.h"
#include "identity/scenario/event_json.h"
#include "identity/scenario/evidence.h"
#include "identity/scenario/rng.h"

namespace clientele::identity::scenario {
namespace {

using common::v1::Event;

constexpr uint64_t kStreamRecords = 2;
constexpr int64_t kChunkPeople = 16384;

constexpr common::v1::ConsentPurpose kPurposes[] = {
    common::v1::CONSENT_PURPOSE_MARKETING_EMAIL, common::v1::CONSENT_PURPOSE_MARKETING_SMS,
    common::v1::CONSENT_PURPOSE_PHONE_CALL, common::v1::CONSENT_PURPOSE_PROFILING};

struct Record {
  System system;
  std::string id;
  absl::Time time;
  std::string shared_email;  // The household value this record shows, if any.
  std::string shared_phone;
};

// What one block of people produced.
struct BlockResult {
  std::string events;
  std::string truth;
  std::string records;
  ScenarioStats stats;
};

// Scenario times are whole seconds.
void SetTime(absl::Time t, google::protobuf::Timestamp* ts) {
  ToProtoTimestamp(absl::FromUnixSeconds(absl::ToUnixSeconds(t)), ts);
}

int Poisson(double lambda, Rng& rng) {
  if (lambda <= 0) return 0;
  const double limit = std::exp(-lambda);
  int k = 0;
  for (double p = rng.Uniform(); p > limit; p *= rng.Uniform()) ++k;
  return k;
}

std::string_view EvidenceKind(System system) {
  switch (system) {
    case System::kWebShop:
      return "web-form";
    case System::kPos:
      return "pos-signature";
    case System::kMobileApp:
      return "app-settings";
    case System::kCallCenter:
      return "call-recording";
    case System::kMarketplace:
      return "marketplace-optin";
    default:
      return "form";
  }
}

class BlockRenderer {
 public:
  BlockRenderer(const ScenarioOptions& options, const RetailData* retail, int64_t attached,
                bool want_records, BlockResult* result)
      : options_(options),
        retail_(retail),
        attached_(attached),
        want_records_(want_records),
        result_(result) {}

  // Renders people [begin, end) of `people`: whole households.
  void Render(const std::vector<Person>& people, size_t begin, size_t end) {
    // About 2.5 records and 1.3 KB of events per person by default: grow once, not often.
    const size_t n = end - begin;
    result_->events.reserve(n * static_cast<size_t>(options_.records_per_person * 520));
    result_->truth.reserve(n * 96);
    for (size_t i = begin; i < end; ++i) {
      RenderPerson(people[i]);
      if (i + 1 == end || people[i + 1].household != people[i].household) {
        CountHardNegatives();
        ++result_->stats.households;
      }
    }
  }

 private:
  void Emit(const Event& event) {
    AppendEventJson(event, &result_->events);
    result_->events.push_back('\n');
    ++result_->stats.events;
  }

  void RenderPerson(const Person& person);
  void CountHardNegatives();

  const ScenarioOptions& options_;
  const RetailData* const retail_;
  const int64_t attached_;
  const bool want_records_;
  BlockResult* const result_;
  // Shared values shown by the current household's records: (value, person index).
  std::vector<std::pair<std::string, int64_t>> shared_;
  Event event_;
};

void BlockRenderer::RenderPerson(const Person& person) {
  ScenarioStats& stats = result_->stats;
  ++stats.people;
  Rng rng(MixSeed(options_.seed, static_cast<uint64_t>(person.index), kStreamRecords));
  const RetailCustomer* customer =
      retail_ != nullptr && person.index < attached_ ? &retail_->customers[person.index] : nullptr;
  if (customer != nullptr) ++stats.attached_customers;

  // Which records the person has.
  int count = 1 + Poisson(options_.records_per_person - 1, rng);
  count = std::min(count, options_.max_records_per_person);
  std::vector<Record> records(static_cast<size_t>(count));
  const double window = absl::ToDoubleSeconds(options_.end - options_.start);
  for (int r = 0; r < count; ++r) {
    Record& record = records[r];
    if (r == 0 && customer != nullptr) {
      record.system = System::kOnlineRetail;
      record.id = customer->customer_id;
    } else {
      record.system = RandomSystem(rng);
      record.id = RecordId(record.system, person.index, r, options_.seed);
    }
    record.time = options_.start + absl::Seconds(std::floor(rng.Uniform() * window));
  }

  // Orders first: a record exists before its first order.
  std::vector<int> order_record;
  if (customer != nullptr) {
    order_record.reserve(customer->orders.size());
    for (const Event& order : customer->orders) {
      const int r =
          count == 1 || rng.Bernoulli(0.4) ? 0 : 1 + static_cast<int>(rng.Below(count - 1));
      order_record.push_back(r);
      const absl::Time at = absl::FromUnixSeconds(order.occurred_at().seconds());
      const absl::Time before = at - absl::Seconds(rng.Between(3600, 30 * 86400));
      records[r].time = std::min(records[r].time, before);
    }
  }

  // Customer records: rendered first, so that they can be connected, then emitted.
  std::vector<Event> upserts(static_cast<size_t>(count));
  std::vector<NoiseCounts> noise(static_cast<size_t>(count));
  for (int r = 0; r < count; ++r) {
    Record& record = records[r];
    Event& event = upserts[r];
    event.set_event_id(Cat(SystemName(record.system), "/customer/", record.id));
    event.set_channel(ChannelOf(record.system));
    event.mutable_source()->set_system(std::string(SystemName(record.system)));
    event.mutable_source()->set_id(record.id);
    SetTime(record.time, event.mutable_occurred_at());
    NoiseCounts& counts = noise[r];
    counts.fill(0);
    const std::string relay =
        RecordId(System::kMarketplace, person.index, r, options_.seed ^ 0x5A5A);
    RenderCustomer(person, record.system, options_.noise, relay.substr(3), rng,
                   event.mutable_customer_upsert(), &counts);
    if (customer != nullptr && r == 0 && !customer->country.empty()) {
      event.mutable_customer_upsert()->mutable_address()->set_country(customer->country);
    }
    if (counts[static_cast<int>(NoiseKind::kSharedEmail)] > 0) {
      shared_.emplace_back(person.family_email, person.index);
    }
    if (counts[static_cast<int>(NoiseKind::kSharedLandline)] > 0) {
      shared_.emplace_back(person.landline, person.index);
    }
  }
  if (options_.connect_records) {
    std::vector<common::v1::CustomerUpsert*> rendered;
    for (Event& e : upserts) rendered.push_back(e.mutable_customer_upsert());
    std::vector<std::string> copied;
    stats.connected_records += ConnectRecords(person, rendered, &copied);
    for (std::string& v : copied) shared_.emplace_back(std::move(v), person.index);
  }
  for (int r = 0; r < count; ++r) {
    const Record& record = records[r];
    const NoiseCounts& counts = noise[r];
    for (int k = 0; k < static_cast<int>(NoiseKind::kCount); ++k) {
      if (counts[k] > 0) ++stats.noise[k];
    }
    Emit(upserts[r]);
    ++stats.records;
    ++stats.customer_upserts;
    if (want_records_) {
      CatAppend(&result_->records, SystemName(record.system), "/", record.id, ",", person.index,
                ",", person.household, ",");
      bool first_kind = true;  // The record's noise kinds, '|'-separated (may be none).
      for (int k = 0; k < static_cast<int>(NoiseKind::kCount); ++k) {
        if (counts[k] == 0) continue;
        CatAppend(&result_->records, first_kind ? "" : "|",
                  NoiseKindName(static_cast<NoiseKind>(k)));
        first_kind = false;
      }
      result_->records.push_back('\n');
    }
  }

  // Consents: grants, some revoked later through another record.
  if (rng.Bernoulli(options_.consent_share)) {
    const int purposes = rng.Bernoulli(0.3) ? 2 : 1;
    const size_t first = rng.Below(std::size(kPurposes));
    std::vector<int> sequence(count, 0);
    for (int p = 0; p < purposes; ++p) {
      const common::v1::ConsentPurpose purpose = kPurposes[(first + p) % std::size(kPurposes)];
      const int granted_on = static_cast<int>(rng.Below(count));
      absl::Time at = records[granted_on].time + absl::Seconds(rng.Between(0, 20 * 86400));
      const bool revoke = rng.Bernoulli(0.35);
      for (int step = 0; step < (revoke ? 2 : 1); ++step) {
        const int r = step == 0 || count == 1
                          ? granted_on
                          : (granted_on + 1 + static_cast<int>(rng.Below(count - 1))) % count;
        if (step == 1) at += absl::Seconds(rng.Between(86400, 200 * 86400));
        const Record& record = records[r];
        event_.Clear();
        event_.set_event_id(
            Cat(SystemName(record.system), "/consent/", record.id, "/", ++sequence[r]));
        event_.set_channel(ChannelOf(record.system));
        event_.mutable_source()->set_system(std::string(SystemName(record.system)));
        event_.mutable_source()->set_id(record.id);
        SetTime(at, event_.mutable_occurred_at());
        common::v1::ConsentChange* change = event_.mutable_consent_change();
        change->set_purpose(purpose);
        change->set_status(step == 0 ? common::v1::CONSENT_STATUS_GRANTED
                                     : common::v1::CONSENT_STATUS_REVOKED);
        change->set_channel(ChannelOf(record.system));
        change->set_evidence(Cat(EvidenceKind(record.system), ":", record.id, "-", sequence[r]));
        Emit(event_);
        ++stats.consent_changes;
      }
    }
  }

  // The customer's real invoices, each on one of the person's records.
  if (customer != nullptr) {
    for (size_t o = 0; o < customer->orders.size(); ++o) {
      const Record& record = records[order_record[o]];
      event_ = customer->orders[o];
      const std::string& invoice = event_.order().order_id();
      event_.set_event_id(Cat(SystemName(record.system), "/order/", invoice));
      event_.set_channel(ChannelOf(record.system));
      event_.mutable_source()->set_system(std::string(SystemName(record.system)));
      event_.mutable_source()->set_id(invoice);
      common::v1::Order* order = event_.mutable_order();
      order->mutable_customer()->set_system(std::string(SystemName(record.system)));
      order->mutable_customer()->set_id(record.id);
      if (record.system == System::kPos) {
        order->set_store_id(Cat("store-", 1 + MixSeed(options_.seed, person.household) % 40));
      }
      Emit(event_);
      ++stats.orders;
    }
  }

  // Ground truth: every pair of the person's records.
  for (int a = 0; a < count; ++a) {
    for (int b = a + 1; b < count; ++b) {
      CatAppend(&result_->truth, SystemName(records[a].system), "/", records[a].id, ",",
                SystemName(records[b].system), "/", records[b].id, "\n");
      ++stats.pairs;
    }
  }
}

void BlockRenderer::CountHardNegatives() {
  std::sort(shared_.begin(), shared_.end());
  for (size_t i = 0; i < shared_.size(); ++i) {
    for (size_t j = i + 1; j < shared_.size() && shared_[j].first == shared_[i].first; ++j) {
      if (shared_[j].second != shared_[i].second) ++result_->stats.hard_negative_pairs;
    }
  }
  shared_.clear();
}

void Add(const ScenarioStats& from, ScenarioStats* to) {
  to->people += from.people;
  to->households += from.households;
  to->attached_customers += from.attached_customers;
  to->records += from.records;
  to->events += from.events;
  to->customer_upserts += from.customer_upserts;
  to->consent_changes += from.consent_changes;
  to->orders += from.orders;
  to->pairs += from.pairs;
  to->hard_negative_pairs += from.hard_negative_pairs;
  to->connected_records += from.connected_records;
  for (size_t k = 0; k < from.noise.size(); ++k) to->noise[k] += from.noise[k];
}

}  // namespace

absl::Status ValidateScenarioOptions(const ScenarioOptions& o) {
  if (o.people < 0) return absl::InvalidArgumentError("people: must not be negative");
  if (o.people > 50000000) return absl::InvalidArgumentError("people: at most 50,000,000");
  if (o.max_records_per_person < 1 || o.max_records_per_person > 16) {
    return absl::InvalidArgumentError("max_records_per_person: must be in 1..16");
  }
  if (!(o.records_per_person >= 1) || o.records_per_person > o.max_records_per_person) {
    return absl::InvalidArgumentError(
        "records_per_person: must be at least 1 and at most max_records_per_person");
  }
  if (!(o.noise >= 0) || o.noise > 3) return absl::InvalidArgumentError("noise: must be in 0..3");
  auto share = [](double v) { return v >= 0 && v <= 1; };
  if (!share(o.consent_share)) return absl::InvalidArgumentError("consent_share: must be in 0..1");
  if (!share(o.people_options.turkish_share)) {
    return absl::InvalidArgumentError("turkish_share: must be in 0..1");
  }
  if (!share(o.people_options.family_share)) {
    return absl::InvalidArgumentError("family_share: must be in 0..1");
  }
  if (!share(o.people_options.loyalty_share)) {
    return absl::InvalidArgumentError("loyalty_share: must be in 0..1");
  }
  if (o.end <= o.start) return absl::InvalidArgumentError("end: must be after start");
  if (o.threads < 0) return absl::InvalidArgumentError("threads: must not be negative");
  return absl::OkStatus();
}

absl::StatusOr<ScenarioStats> GenerateScenario(const ScenarioOptions& options,
                                               const RetailData* retail,
                                               const ScenarioOutput& output) {
  if (absl::Status status = ValidateScenarioOptions(options); !status.ok()) return status;
  if (!output.events || !output.truth) {
    return absl::InvalidArgumentError("output: events and truth consumers are required");
  }
  int64_t people = options.people;
  int64_t attached = 0;
  std::function<std::optional<Locale>(int64_t)> forced_locale;
  if (retail != nullptr) {
    const auto customers = static_cast<int64_t>(retail->customers.size());
    if (people == 0) people = customers;
    attached = std::min(people, customers);
    // Online Retail is a UK shop: its UK customers get English names.
    forced_locale = [retail, attached](int64_t index) -> std::optional<Locale> {
      if (index < attached && retail->customers[index].country == "United Kingdom") {
        return Locale::kEnglish;
      }
      return std::nullopt;
    };
  }
  int threads = options.threads;
  if (threads == 0) threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));

  PeopleGenerator generator(options.seed, options.people_options, std::move(forced_locale));
  ScenarioStats total;
  const bool want_records = static_cast<bool>(output.records);
  int64_t generated = 0;
  auto next_chunk = [&](std::vector<Person>* chunk) {
    chunk->clear();
    while (static_cast<int64_t>(chunk->size()) < kChunkPeople && generated < people) {
      const size_t before = chunk->size();
      generator.NextHousehold(people - generated, chunk);
      generated += static_cast<int64_t>(chunk->size() - before);
    }
  };
  auto write = [&](const std::vector<BlockResult>& results) -> absl::Status {
    for (const BlockResult& r : results) {
      if (absl::Status s = output.events(r.events); !s.ok()) return s;
      if (absl::Status s = output.truth(r.truth); !s.ok()) return s;
      if (want_records) {
        if (absl::Status s = output.records(r.records); !s.ok()) return s;
      }
      Add(r.stats, &total);
    }
    return absl::OkStatus();
  };

  // A pipeline: while `threads` workers render one chunk, this thread writes the previous
  // chunk's output and generates the next chunk's people.
  std::vector<Person> chunk, next;
  std::vector<BlockResult> rendering(static_cast<size_t>(threads));
  std::vector<BlockResult> rendered(static_cast<size_t>(threads));
  bool have_rendered = false;
  next_chunk(&chunk);
  while (!chunk.empty()) {
    // Household-aligned parts, one per worker.
    std::vector<size_t> bounds = {0};
    for (int t = 1; t < threads; ++t) {
      size_t b = std::max(bounds.back(), chunk.size() * t / threads);
      while (b > 0 && b < chunk.size() && chunk[b].household == chunk[b - 1].household) ++b;
      bounds.push_back(b);
    }
    bounds.push_back(chunk.size());
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t) {
      workers.emplace_back([&, t] {
        // Keep the buffers' capacity: fresh 50 MB buffers per chunk cost page faults.
        BlockResult& r = rendering[t];
        r.events.clear();
        r.truth.clear();
        r.records.clear();
        r.stats = ScenarioStats();
        BlockRenderer renderer(options, retail, attached, want_records, &rendering[t]);
        renderer.Render(chunk, bounds[t], bounds[t + 1]);
      });
    }
    const absl::Status status = have_rendered ? write(rendered) : absl::OkStatus();
    next_chunk(&next);
    for (std::thread& w : workers) w.join();
    if (!status.ok()) return status;
    std::swap(rendering, rendered);
    have_rendered = true;
    std::swap(chunk, next);
  }
  if (have_rendered) {
    if (absl::Status s = write(rendered); !s.ok()) return s;
  }

  // What is not attached goes out as the importer built it: the file stays complete.
  if (retail != nullptr) {
    std::string lines;
    auto emit = [&](const Event& event) {
      AppendEventJson(event, &lines);
      lines.push_back('\n');
      ++total.events;
      if (event.has_order()) ++total.orders;
      if (event.has_customer_upsert()) ++total.customer_upserts;
    };
    for (size_t c = static_cast<size_t>(attached); c < retail->customers.size(); ++c) {
      for (const Event& event : retail->customers[c].upserts) emit(event);
      for (const Event& event : retail->customers[c].orders) emit(event);
    }
    for (const Event& event : retail->guest_orders) emit(event);
    if (absl::Status s = output.events(lines); !s.ok()) return s;
  }
  return total;
}

}  // namespace clientele::identity::scenario
