// Test helpers for the Resolver's parts: a real RocksDB with the identity column families in a
// temp dir, and a small deterministic RecordMatcher whose scores are easy to reason about.
#ifndef CLIENTELE_TESTS_IDENTITY_RESOLUTION_PARTS_TEST_UTIL_H_
#define CLIENTELE_TESTS_IDENTITY_RESOLUTION_PARTS_TEST_UTIL_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/storage/key_encoding.h"
#include "common/storage/rocksdb_store.h"
#include "common/testing/temp_dir.h"
#include "gtest/gtest.h"
#include "identity/resolution/audit_log.h"
#include "identity/resolution/candidate_search.h"
#include "identity/resolution/identity_schema.h"
#include "identity/resolution/link_policy.h"
#include "identity/resolution/manual_operations.h"
#include "identity/resolution/match_statistics.h"
#include "identity/resolution/pending_records.h"
#include "identity/resolution/profile_queries.h"
#include "identity/resolution/profile_writer.h"
#include "identity/resolution/record_index.h"
#include "identity/resolution/record_matcher.h"
#include "identity/resolution/record_resolution.h"

namespace clientele::identity::testing {

// A RocksDB store with the identity service's column families, removed with the object.
class TestStore {
 public:
  TestStore() {
    storage::RocksDbOptions db;
    db.path = dir_.Sub("identity");
    db.column_families = IdentityColumnFamilies();
    store_ = std::move(storage::OpenRocksDbStore(db)).value();
  }
  storage::KvStore& operator*() { return *store_; }
  storage::KvStore* operator->() { return store_.get(); }
  storage::KvStore* get() { return store_.get(); }

  // The value of `key` in `cf`, "<none>" if absent.
  std::string Value(storage::ColumnFamilyId cf, std::string_view key) {
    auto v = store_->Get(cf, key);
    EXPECT_TRUE(v.ok()) << v.status();
    return v.ok() && v->has_value() ? **v : "<none>";
  }
  // The number of keys in `cf`.
  int Count(storage::ColumnFamilyId cf) {
    int n = 0;
    auto it = store_->NewIterator(cf);
    for (it->Seek(""); it->Valid(); it->Next()) ++n;
    return n;
  }

 private:
  clientele::testing::TempDir dir_;
  std::unique_ptr<storage::KvStore> store_;
};

// Blocking keys: "e:" + email, "p:" + phone, "f:" + family name (non-empty ones). Score: +10
// for an equal e-mail, +10 for an equal phone, +5 for an equal family name, -20 for two
// different non-empty given names (and then `conflict` if the family names are equal). LINK
// from 10, REVIEW from 5. The pattern packs the comparisons (bit 0 e-mail, 1 phone, 2 given
// names differ, 3 family name).
// The model is a number: Estimate increments it, EncodeModel is "m<n>"; ExplainPattern
// reports match_weight = pattern and rule = the encoded model it was given.
class TestMatcher : public RecordMatcher {
 public:
  std::vector<std::string> BlockingKeys(const PersonRecord& r) const override {
    std::vector<std::string> keys;
    if (!r.email.empty()) keys.push_back("e:" + r.email);
    if (!r.phone.empty()) keys.push_back("p:" + r.phone);
    if (!r.family_name.empty()) keys.push_back("f:" + r.family_name);
    return keys;
  }
  size_t max_block_size() const override { return max_block_size_; }

  PairScore Score(const PersonRecord& a, const PersonRecord& b) const override {
    PairScore s;
    if (!a.email.empty() && a.email == b.email) {
      s.weight += 10;
      s.pattern |= 1;
    }
    if (!a.phone.empty() && a.phone == b.phone) {
      s.weight += 10;
      s.pattern |= 2;
    }
    if (!a.family_name.empty() && a.family_name == b.family_name) {
      s.weight += 5;
      s.pattern |= 8;
    }
    if (!a.given_name.empty() && !b.given_name.empty() && a.given_name != b.given_name) {
      s.weight -= 20;
      s.pattern |= 4;
      s.conflict = !a.family_name.empty() && a.family_name == b.family_name;
    }
    s.decision = s.weight >= 10  ? v1::MATCH_DECISION_LINK
                 : s.weight >= 5 ? v1::MATCH_DECISION_REVIEW
                                 : v1::MATCH_DECISION_NO_LINK;
    ++scores_;
    return s;
  }
  v1::MatchExplanation Explain(const PersonRecord& a, const PersonRecord& b) const override {
    v1::MatchExplanation e;
    e.set_match_weight(Score(a, b).weight);
    return e;
  }
  absl::Status ExplainPattern(std::string_view encoded_model, uint64_t pattern,
                              v1::MatchExplanation* out) const override {
    int model = 0;
    if (encoded_model.size() < 2 || encoded_model[0] != 'm' ||
        !absl::SimpleAtoi(std::string(encoded_model.substr(1)), &model)) {
      return absl::InvalidArgumentError("bad model");
    }
    out->set_match_weight(static_cast<double>(pattern));
    out->set_rule(std::string(encoded_model));
    return absl::OkStatus();
  }
  absl::Status Estimate(const absl::flat_hash_map<uint64_t, uint64_t>& candidate_counts,
                        const absl::flat_hash_map<uint64_t, uint64_t>& random_counts) override {
    if (fail_estimates_) return absl::InternalError("estimate failed");
    last_candidate_counts_ = candidate_counts;
    last_random_counts_ = random_counts;
    ++model_;
    return absl::OkStatus();
  }
  std::string EncodeModel() const override { return absl::StrCat("m", model_); }
  absl::Status DecodeModel(std::string_view bytes) override {
    if (bytes.empty()) return absl::OkStatus();
    if (bytes[0] != 'm' || !absl::SimpleAtoi(std::string(bytes.substr(1)), &model_)) {
      return absl::InvalidArgumentError("bad model");
    }
    return absl::OkStatus();
  }

  size_t max_block_size_ = 100;
  bool fail_estimates_ = false;
  int model_ = 0;
  mutable int scores_ = 0;
  absl::flat_hash_map<uint64_t, uint64_t> last_candidate_counts_, last_random_counts_;
};

inline PersonRecord PersonOf(const std::string& key, const std::string& email,
                             const std::string& phone = "", const std::string& given = "",
                             const std::string& family = "") {
  PersonRecord p;
  p.source_key = key;
  p.email = email;
  p.phone = phone;
  p.given_name = given;
  p.family_name = family;
  return p;
}

// Adds a record with `person` to `index` and `matcher`'s blocking lists (in no profile).
inline uint32_t AddIndexed(RecordIndex& index, const RecordMatcher& matcher,
                           const PersonRecord& person) {
  const uint32_t r = index.AddRecord(person.source_key);
  index.record(r).person = person;
  for (const std::string& k : matcher.BlockingKeys(person)) index.blocking().Add(k, r);
  index.IndexContacts(r, true);
  return r;
}

// Creates profile `number` in memory with `members` (records in no profile yet).
inline void AddProfile(RecordIndex& index, uint64_t number, const std::vector<uint32_t>& members) {
  IndexedProfile& p = index.profiles()[number];
  for (uint32_t m : members) {
    index.record(m).profile = number;
    p.members.push_back(m);
  }
  if (index.next_profile() <= number) index.set_next_profile(number + 1);
}

// Every part wired as the Resolver wires them, over a TestStore and a TestMatcher, without the
// façade's lock and batch protocol: Apply writes each event's batch at once.
struct WiredParts {
  explicit WiredParts(ResolverOptions o = {}) : options(std::move(o)) {}

  // Applies `event` in a batch of its own and writes it.
  absl::Status Apply(const common::v1::Event& event) {
    auto batch = store->NewWriteBatch();
    absl::Status s = resolution.Apply(event, *batch, nullptr);
    if (!s.ok()) return s;
    pending.PutChanged(*batch);
    PutCounters(*batch);
    s = store->Write(*batch);
    pending.Clear();
    return s;
  }
  void PutCounters(storage::WriteBatch& batch) {
    batch.Put(kMetaCf, "next_profile", storage::EncodeUint64(index.next_profile()));
    batch.Put(kMetaCf, "next_audit", storage::EncodeUint64(audit.next_id()));
    batch.Put(kMetaCf, "next_consent", storage::EncodeUint64(resolution.next_consent()));
  }
  // The profile number of source record `key`, 0 if unknown.
  uint64_t ProfileOf(const std::string& key) const {
    const uint32_t* r = index.FindRecord(key);
    return r == nullptr ? 0 : index.record(*r).profile;
  }

  TestStore store;
  TestMatcher matcher;
  ResolverOptions options;
  google::protobuf::Arena arena;
  RecordIndex index;
  PendingRecords pending{store.get(), &index, &arena};
  ProfileWriter writer{&index, &pending};
  CandidateSearch search{&index, &matcher, options.max_candidates};
  LinkPolicy policy{&index, &matcher, options};
  AuditLog audit{store.get(), &matcher, &arena};
  MatchStatistics statistics{&matcher, options};
  RecordResolution resolution{
      {&index, &pending, &writer, &search, &policy, &audit, &statistics, &matcher},
      options.normalization};
  ProfileQueries queries{&index, &pending, &search, &matcher, &options};
  ManualOperations manual{{store.get(), &index, &pending, &writer, &policy, &audit, &matcher,
                           &options, [this](storage::WriteBatch& b) { PutCounters(b); }}};
};

}  // namespace clientele::identity::testing

#endif  // CLIENTELE_TESTS_IDENTITY_RESOLUTION_PARTS_TEST_UTIL_H_
