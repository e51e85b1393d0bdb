// ProfileQueries: the read-only questions about profiles, answered from memory (and, for
// member details and golden records, the records' stored form): which profile a record or a
// contact belongs to, who a profile is, its members, its consents, the profiles with a
// consent, the candidates of a record that is not stored, and the source key -> profile map.
//
//   ResolveSubject subject = ...ResolveSubjectOf(request, normalization);  // No lock needed.
//   absl::ReaderMutexLock l(&mu);
//   absl::StatusOr<v1::ResolveResponse> response = queries.Resolve(subject);
//
// Requests are checked here: InvalidArgument naming the field, NotFound for unknown ids.
// Pages hold 100 entries unless asked for fewer or more (at most 1,000). The parts are not
// owned and outlive this object. Not thread-safe by itself: the Resolver holds its reader lock
// around each call (ResolveSubjectOf needs none).
#ifndef CLIENTELE_IDENTITY_RESOLUTION_PROFILE_QUERIES_H_
#define CLIENTELE_IDENTITY_RESOLUTION_PROFILE_QUERIES_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "clientele/identity/v1/identity.pb.h"
#include "common/status/interrupt.h"
#include "identity/matching/person_record.h"
#include "identity/resolution/candidate_search.h"
#include "identity/resolution/pending_records.h"
#include "identity/resolution/record_index.h"
#include "identity/resolution/record_matcher.h"
#include "identity/resolution/resolver_options.h"

namespace clientele::identity {

// A Resolve request, checked and normalized.
struct ResolveSubject {
  size_t limit = 0;     // Candidates to return at most.
  std::string key;      // "system/id" of request.source, "" if unset.
  PersonRecord person;  // The normalized request.record.
};

class ProfileQueries {
 public:
  ProfileQueries(const RecordIndex* index, const PendingRecords* pending,
                 const CandidateSearch* search, const RecordMatcher* matcher,
                 const ResolverOptions* options)
      : index_(index), pending_(pending), search_(search), matcher_(matcher), options_(options) {}

  // InvalidArgument for a negative max_candidates. Pure: thread-safe.
  static absl::StatusOr<ResolveSubject> ResolveSubjectOf(const v1::ResolveRequest& request,
                                                         const NormalizationOptions& options);
  // The subject's candidates, best per profile and best first: the decision of the best, the
  // linked profile if it links, and each candidate's explanation. The subject's own stored
  // record (same source key) is no candidate.
  v1::ResolveResponse Resolve(const ResolveSubject& subject) const;

  // The profile of `lookup` (an alias resolves to its survivor; an e-mail or phone shared by
  // several profiles gives the lowest, the others in other_profile_ids) with its members and
  // golden record.
  absl::StatusOr<v1::GetProfileResponse> GetProfile(const v1::ProfileLookup& lookup) const;
  absl::StatusOr<v1::ListProfilesResponse> ListProfiles(
      const v1::ListProfilesRequest& request) const;
  absl::StatusOr<v1::ListMembersResponse> ListMembers(const v1::ListMembersRequest& request) const;
  absl::StatusOr<v1::GetConsentsResponse> GetConsents(const v1::ProfileLookup& lookup) const;
  // Scans profiles until a page is full; stops with interrupt.Check()'s status
  // (DeadlineExceeded, Cancelled) when the caller stops waiting.
  absl::StatusOr<v1::ListByConsentResponse> ListByConsent(
      const v1::ListByConsentRequest& request, const Interrupt& interrupt = NoInterrupt()) const;
  // The profile that `number` (parsed from `profile_id`) resolves to and its aliases: the
  // profiles whose audit entries are the profile's. NotFound naming `profile_id`.
  absl::StatusOr<std::vector<uint64_t>> ProfileAndAliases(const std::string& profile_id,
                                                          uint64_t number) const;
  // Appends to `response` the source key -> profile entries of the records from *next on whose
  // key starts with `prefix`, until it holds `chunk` entries or the records end; advances
  // *next past the records read.
  void ProfileMapChunk(const std::string& prefix, size_t chunk, size_t* next,
                       v1::GetProfileMapResponse& response) const;

  // The profile number `lookup` names (see GetProfile); `others`, if given, gets the other
  // profiles of a shared e-mail or phone.
  absl::StatusOr<uint64_t> Lookup(const v1::ProfileLookup& lookup,
                                  std::vector<uint64_t>* others) const;

  // page_size 0 -> 100, at most 1,000; InvalidArgument if negative.
  static absl::StatusOr<int> PageSize(int requested);

 private:
  const RecordIndex* const index_;        // Not owned.
  const PendingRecords* const pending_;   // Not owned.
  const CandidateSearch* const search_;   // Not owned.
  const RecordMatcher* const matcher_;    // Not owned.
  const ResolverOptions* const options_;  // Not owned.
};

}  // namespace clientele::identity

#endif  // CLIENTELE_IDENTITY_RESOLUTION_PROFILE_QUERIES_H_
