// A real RocksDB with the ingest column families in a fresh temp dir, for the ingest unit tests.
#ifndef CLIENTELE_TESTS_INGEST_INGEST_TEST_STORE_H_
#define CLIENTELE_TESTS_INGEST_INGEST_TEST_STORE_H_

#include <memory>

#include "common/storage/rocksdb_store.h"
#include "common/testing/temp_dir.h"
#include "gtest/gtest.h"
#include "ingest/ingest_schema.h"

namespace clientele::ingest {

class IngestTestStore {
 public:
  IngestTestStore() { Reopen(); }

  // Closes and opens the store again (what a restart sees).
  void Reopen() {
    store_.reset();
    storage::RocksDbOptions options;
    options.path = dir_.Sub("ingest");
    options.column_families = IngestColumnFamilies();
    absl::StatusOr<std::unique_ptr<storage::KvStore>> store = storage::OpenRocksDbStore(options);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
  }

  storage::KvStore* get() const { return store_.get(); }

 private:
  testing::TempDir dir_;
  std::unique_ptr<storage::KvStore> store_;
};

}  // namespace clientele::ingest

#endif  // CLIENTELE_TESTS_INGEST_INGEST_TEST_STORE_H_
