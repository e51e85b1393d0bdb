// ProfileWriter: changes of profile membership, applied to memory (RecordIndex), to the
// records' stored form (PendingRecords: StoredRecord.profile) and to a WriteBatch (the
// profiles and aliases families) together, so that the three stay consistent.
//
//   const uint64_t p = writer.NewProfile(at, batch);
//   writer.Join(record, p);
//   CLT_ASSIGN_OR_RETURN(uint64_t survivor, writer.Merge(p, other, batch));
//
// Stored forms: profiles [u64 number] -> StoredProfile (creation time, aliases oldest first),
// aliases [u64 alias] -> [u64 survivor]. Uses `index` and `pending` (not owned; both outlive
// this object). Not thread-safe: the Resolver calls it under its write lock.
#ifndef CLIENTELE_IDENTITY_RESOLUTION_PROFILE_WRITER_H_
#define CLIENTELE_IDENTITY_RESOLUTION_PROFILE_WRITER_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/storage/kv_store.h"
#include "identity/resolution/pending_records.h"
#include "identity/resolution/record_index.h"

namespace clientele::identity {

class ProfileWriter {
 public:
  ProfileWriter(RecordIndex* index, PendingRecords* pending) : index_(index), pending_(pending) {}

  // Creates an empty profile with the next number, created at `at`; returns its number.
  uint64_t NewProfile(absl::Time at, storage::WriteBatch& batch);
  // Enters record `record` (in no profile yet; its stored form is the caller's) as the last
  // member of `profile`.
  void Join(uint32_t record, uint64_t profile);
  // Moves record `record` from its profile to `to` (last member), in memory and in its pending
  // stored record.
  absl::Status Move(uint32_t record, uint64_t to);
  // Merges the younger (larger number) of `a` and `b` into the older, which keeps its id and
  // gets the other and its aliases as aliases; returns the survivor.
  absl::StatusOr<uint64_t> Merge(uint64_t a, uint64_t b, storage::WriteBatch& batch);
  // Move and Merge fail only if a stored record to be moved cannot be read, and then before
  // changing anything (a caller that changed memory before must still reload).

 private:
  RecordIndex* const index_;       // Not owned.
  PendingRecords* const pending_;  // Not owned.
};

}  // namespace clientele::identity

#endif  // CLIENTELE_IDENTITY_RESOLUTION_PROFILE_WRITER_H_
