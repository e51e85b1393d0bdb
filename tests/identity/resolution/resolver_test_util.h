// A Resolver over a real RocksDB in a temp dir, and event builders, for resolution tests.
#ifndef CLIENTELE_TESTS_IDENTITY_RESOLUTION_RESOLVER_TEST_UTIL_H_
#define CLIENTELE_TESTS_IDENTITY_RESOLUTION_RESOLVER_TEST_UTIL_H_

#include <memory>
#include <string>
#include <vector>

#include "clientele/common/v1/event.pb.h"
#include "common/storage/rocksdb_store.h"
#include "common/testing/temp_dir.h"
#include "gtest/gtest.h"
#include "identity/resolution/fellegi_sunter_matcher.h"
#include "identity/resolution/identity_schema.h"
#include "identity/resolution/resolver.h"

namespace clientele::identity::testing {

inline constexpr int64_t kT0 = 1704067200;  // 2024-01-01T00:00:00Z

struct Person {
  std::string email, phone, given, family;
  int birth_year = 0, birth_month = 0, birth_day = 0;
};

inline common::v1::Event Upsert(const std::string& system, const std::string& id, const Person& p,
                                int64_t at = kT0,
                                common::v1::Channel channel = common::v1::CHANNEL_ONLINE_SHOP) {
  common::v1::Event e;
  e.set_event_id(system + "-" + id + "-" + std::to_string(at));
  e.set_channel(channel);
  e.mutable_source()->set_system(system);
  e.mutable_source()->set_id(id);
  e.mutable_occurred_at()->set_seconds(at);
  auto* c = e.mutable_customer_upsert();
  c->set_email(p.email);
  c->set_phone(p.phone);
  c->set_given_name(p.given);
  c->set_family_name(p.family);
  if (p.birth_year) {
    c->mutable_birth_date()->set_year(p.birth_year);
    c->mutable_birth_date()->set_month(p.birth_month);
    c->mutable_birth_date()->set_day(p.birth_day);
  }
  return e;
}

inline common::v1::Event Consent(const std::string& system, const std::string& id,
                                 common::v1::ConsentPurpose purpose,
                                 common::v1::ConsentStatus status, int64_t at) {
  common::v1::Event e;
  e.set_event_id(system + "-" + id + "-consent-" + std::to_string(at) + "-" +
                 std::to_string(status));
  e.set_channel(common::v1::CHANNEL_CALL_CENTER);
  e.mutable_source()->set_system(system);
  e.mutable_source()->set_id(id);
  e.mutable_occurred_at()->set_seconds(at);
  e.mutable_consent_change()->set_purpose(purpose);
  e.mutable_consent_change()->set_status(status);
  e.mutable_consent_change()->set_evidence("form-" + std::to_string(at));
  return e;
}

inline common::v1::Event OrderOf(const std::string& system, const std::string& customer_id,
                                 const std::string& order_id, int64_t at = kT0) {
  common::v1::Event e;
  e.set_event_id("order-" + order_id);
  e.set_channel(common::v1::CHANNEL_STORE_POS);
  e.mutable_source()->set_system("pos");
  e.mutable_source()->set_id(order_id);
  e.mutable_occurred_at()->set_seconds(at);
  e.mutable_order()->set_order_id(order_id);
  e.mutable_order()->mutable_customer()->set_system(system);
  e.mutable_order()->mutable_customer()->set_id(customer_id);
  auto* line = e.mutable_order()->add_lines();
  line->set_sku("SKU-1");
  line->set_quantity(1);
  line->mutable_unit_price()->set_minor_units(1250);
  line->mutable_unit_price()->set_currency_code("TRY");
  return e;
}

inline common::v1::SourceKey Key(const std::string& system, const std::string& id) {
  common::v1::SourceKey k;
  k.set_system(system);
  k.set_id(id);
  return k;
}

// Applies `events` to `resolver` as one batch written to `store` and committed, as the identity
// consumer does; a rejected event fails the test and aborts the batch.
inline void ApplyCommittedBatch(Resolver& resolver, storage::KvStore& store,
                                const std::vector<common::v1::Event>& events) {
  auto batch = store.NewWriteBatch();
  resolver.BeginBatch();
  for (const auto& e : events) {
    absl::Status s = resolver.ApplyEvent(e, *batch);
    if (!s.ok()) {
      ADD_FAILURE() << s;
      (void)resolver.AbortBatch();
      return;
    }
  }
  resolver.FinishBatch(*batch);
  ASSERT_TRUE(store.Write(*batch).ok());
  resolver.CommitBatch();
}

class ResolverHarness {
 public:
  explicit ResolverHarness(ResolverOptions options = {}) : options_(std::move(options)) {
    storage::RocksDbOptions db;
    db.path = dir_.Sub("identity");
    db.column_families = IdentityColumnFamilies();
    store_ = std::move(storage::OpenRocksDbStore(db)).value();
    Reopen();
  }

  // A fresh Resolver over the same store (what a restart does).
  void Reopen() {
    resolver_.reset();
    auto opened = Resolver::Open(store_.get(), std::make_unique<FellegiSunterMatcher>(), options_);
    ASSERT_TRUE(opened.ok()) << opened.status();
    resolver_ = std::move(*opened);
  }

  // Applies `events` as one committed batch, as the identity consumer does.
  void Apply(const std::vector<common::v1::Event>& events) {
    ApplyCommittedBatch(*resolver_, *store_, events);
  }

  // The profile id of a source record ("" if unknown).
  std::string ProfileOf(const std::string& system, const std::string& id) {
    v1::ProfileLookup lookup;
    *lookup.mutable_source() = Key(system, id);
    auto p = resolver_->GetProfile(lookup);
    return p.ok() ? p->profile().profile_id() : "";
  }

  Resolver& resolver() { return *resolver_; }
  storage::KvStore& store() { return *store_; }

 private:
  clientele::testing::TempDir dir_;
  ResolverOptions options_;
  std::unique_ptr<storage::KvStore> store_;
  std::unique_ptr<Resolver> resolver_;
};

}  // namespace clientele::identity::testing

#endif  // CLIENTELE_TESTS_IDENTITY_RESOLUTION_RESOLVER_TEST_UTIL_H_
