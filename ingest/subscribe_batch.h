// Builds the wire bytes of a clientele.ingest.v1.SubscribeResponse from stored log entries
// without parsing them: a LogEntry is stored as its own wire bytes (log_entry_codec.h), and a
// repeated message field on the wire is tag + length + those bytes, so the response is the
// stored bytes spliced together. Subscribers parse it as the generated SubscribeResponse.
//
//   SubscribeBatch batch(kMaxBytes);
//   batch.TryAdd(sequence, entry_bytes);   // for each entry read, in order
//   std::string wire = batch.Finish(through_sequence, partition);
//
// Not thread-safe; one per stream.
#ifndef CLIENTELE_INGEST_SUBSCRIBE_BATCH_H_
#define CLIENTELE_INGEST_SUBSCRIBE_BATCH_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace clientele::ingest {

class SubscribeBatch {
 public:
  // Entries beyond `max_entry_bytes` (their wire bytes summed) are refused, except the first
  // of a batch, which always goes whatever its size.
  explicit SubscribeBatch(size_t max_entry_bytes) : max_entry_bytes_(max_entry_bytes) {}

  // Appends the stored LogEntry bytes of `sequence`. False (and nothing appended) when the
  // batch is full; once full it stays full until Finish.
  bool TryAdd(uint64_t sequence, std::string_view log_entry);

  int entries() const { return entries_; }
  bool full() const { return full_; }
  // The sequence of the last entry added (0: none).
  uint64_t last_sequence() const { return last_sequence_; }

  // The response's wire bytes: the entries added, `through_sequence`, `partition` and the
  // partition's `last_sequence` (0: not reported). Leaves the batch empty for the next
  // response.
  std::string Finish(uint64_t through_sequence, uint32_t partition, uint64_t last_sequence = 0);

 private:
  const size_t max_entry_bytes_;
  std::string wire_;
  size_t entry_bytes_ = 0;  // Of the entries added, without their tags and lengths.
  int entries_ = 0;
  bool full_ = false;
  uint64_t last_sequence_ = 0;
};

}  // namespace clientele::ingest

#endif  // CLIENTELE_INGEST_SUBSCRIBE_BATCH_H_
