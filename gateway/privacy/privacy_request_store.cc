#include "gateway/privacy/privacy_request_store.h"

#include <openssl/rand.h>
#include <openssl/sha.h>

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/status/status_macros.h"
#include "common/time/proto_time.h"

namespace clientele::gateway {
namespace {

namespace pv1 = privacy::v1;

constexpr char kIdPrefix[] = "privacy-";
constexpr char kSaltKey[] = "salt";
constexpr size_t kSaltBytes = 32;
constexpr int kMaxSubjects = 10000;
constexpr size_t kMaxIdempotencyKey = 256;

// Debian's abseil has its own string_view.
absl::string_view Absl(std::string_view s) { return absl::string_view(s.data(), s.size()); }

std::string RequestId(uint64_t number) { return absl::StrFormat("%s%010d", kIdPrefix, number); }

std::optional<uint64_t> RequestNumber(std::string_view id) {
  if (id.substr(0, sizeof(kIdPrefix) - 1) != kIdPrefix) return std::nullopt;
  uint64_t number = 0;
  if (!absl::SimpleAtoi(Absl(id.substr(sizeof(kIdPrefix) - 1)), &number)) return std::nullopt;
  return number;
}

std::string SelectorsKey(std::string_view id) { return absl::StrCat(Absl(id), "/selectors"); }
std::string ResolvedKey(std::string_view id) { return absl::StrCat(Absl(id), "/resolved"); }

absl::Status Corrupt(std::string_view what) {
  return absl::DataLossError(absl::StrCat("gateway store: ", Absl(what), " does not parse"));
}

absl::StatusOr<pv1::PrivacyRequest> ParseRequest(std::string_view bytes) {
  pv1::PrivacyRequest request;
  if (!request.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return Corrupt("a privacy request");
  }
  return request;
}

bool Finished(pv1::RequestState state) {
  return state == pv1::REQUEST_STATE_SUCCEEDED || state == pv1::REQUEST_STATE_FAILED;
}

}  // namespace

std::vector<storage::ColumnFamilySpec> PrivacyColumnFamilySpecs() {
  return {{"privacy_requests"}, {"privacy_keys"}, {"privacy_subjects"}, {"privacy_meta"}};
}

const std::vector<std::string>& ErasureStepServices() {
  static const auto* services =
      new std::vector<std::string>{"ingest", "identity", "analytics", "recommender"};
  return *services;
}

absl::Status ValidateEraseRequest(const pv1::EraseSubjectRequest& request) {
  if (request.subjects().empty()) return absl::InvalidArgumentError("subjects: at least one");
  if (request.subjects_size() > kMaxSubjects) {
    return absl::InvalidArgumentError(
        absl::StrCat("subjects: at most ", kMaxSubjects, ", got ", request.subjects_size()));
  }
  for (int i = 0; i < request.subjects_size(); ++i) {
    const pv1::SubjectSelector& s = request.subjects(i);
    const std::string field = absl::StrCat("subjects[", i, "]");
    switch (s.lookup_case()) {
      case pv1::SubjectSelector::kProfileId:
        if (s.profile_id().empty()) return absl::InvalidArgumentError(field + ".profile_id: empty");
        break;
      case pv1::SubjectSelector::kEmail:
        if (s.email().empty()) return absl::InvalidArgumentError(field + ".email: empty");
        break;
      case pv1::SubjectSelector::kPhone:
        if (s.phone().empty()) return absl::InvalidArgumentError(field + ".phone: empty");
        break;
      case pv1::SubjectSelector::kSourceKey:
        if (s.source_key().system().empty() || s.source_key().id().empty()) {
          return absl::InvalidArgumentError(field + ".source_key: system and id are required");
        }
        break;
      default:
        return absl::InvalidArgumentError(
            field + ": one of profile_id, email, phone, source_key is required");
    }
  }
  if (request.reason().empty()) return absl::InvalidArgumentError("reason: required");
  if (request.idempotency_key().size() > kMaxIdempotencyKey) {
    return absl::InvalidArgumentError(
        absl::StrCat("idempotency_key: at most ", kMaxIdempotencyKey, " bytes"));
  }
  return absl::OkStatus();
}

std::string SelectorText(const pv1::SubjectSelector& selector) {
  switch (selector.lookup_case()) {
    case pv1::SubjectSelector::kProfileId:
      return "id:" + selector.profile_id();
    case pv1::SubjectSelector::kEmail:
      return "email:" + absl::AsciiStrToLower(absl::StripAsciiWhitespace(selector.email()));
    case pv1::SubjectSelector::kPhone:
      return "phone:" + std::string(absl::StripAsciiWhitespace(selector.phone()));
    case pv1::SubjectSelector::kSourceKey:
      return absl::StrCat("source:", selector.source_key().system(), "/",
                          selector.source_key().id());
    default:
      return "";
  }
}

absl::StatusOr<std::unique_ptr<PrivacyRequestStore>> PrivacyRequestStore::Open(
    storage::KvStore* store, PrivacyColumnFamilies families, Clock clock) {
  CLT_ASSIGN_OR_RETURN(std::optional<std::string> salt, store->Get(families.meta, kSaltKey));
  if (!salt.has_value()) {
    std::string fresh(kSaltBytes, '\0');
    if (RAND_bytes(reinterpret_cast<unsigned char*>(fresh.data()), kSaltBytes) != 1) {
      return absl::InternalError("the random generator (RAND_bytes) failed");
    }
    std::unique_ptr<storage::WriteBatch> batch = store->NewWriteBatch();
    batch->Put(families.meta, kSaltKey, fresh);
    CLT_RETURN_IF_ERROR(store->Write(*batch));
    salt = std::move(fresh);
  } else if (salt->size() != kSaltBytes) {
    return Corrupt("the privacy salt");
  }
  uint64_t next_number = 1;
  std::unique_ptr<storage::KvIterator> it = store->NewIterator(families.requests);
  it->SeekToLast();
  if (it->Valid()) {
    std::optional<uint64_t> last = RequestNumber(it->key());
    if (!last.has_value()) return Corrupt("a privacy request id");
    next_number = *last + 1;
  }
  CLT_RETURN_IF_ERROR(it->status());
  return std::unique_ptr<PrivacyRequestStore>(
      new PrivacyRequestStore(store, families, std::move(clock), *std::move(salt), next_number));
}

PrivacyRequestStore::PrivacyRequestStore(storage::KvStore* store, PrivacyColumnFamilies families,
                                         Clock clock, std::string salt, uint64_t next_number)
    : store_(store),
      families_(families),
      clock_(std::move(clock)),
      salt_(std::move(salt)),
      next_number_(next_number) {}

std::string PrivacyRequestStore::HashSelector(const pv1::SubjectSelector& selector) const {
  const std::string text = salt_ + SelectorText(selector);
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest);
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(digest), sizeof(digest)));
}

absl::StatusOr<std::optional<pv1::PrivacyRequest>> PrivacyRequestStore::Find(
    std::string_view request_id) const {
  CLT_ASSIGN_OR_RETURN(std::optional<std::string> bytes,
                       store_->Get(families_.requests, request_id));
  if (!bytes.has_value()) return std::nullopt;
  return ParseRequest(*bytes);
}

absl::StatusOr<PrivacyRequestStore::Created> PrivacyRequestStore::Create(
    const pv1::EraseSubjectRequest& request, std::string_view requested_by) {
  absl::MutexLock lock(&mu_);
  std::optional<pv1::PrivacyRequest> previous;
  if (!request.idempotency_key().empty()) {
    CLT_ASSIGN_OR_RETURN(std::optional<std::string> id,
                         store_->Get(families_.keys, request.idempotency_key()));
    if (id.has_value()) {
      CLT_ASSIGN_OR_RETURN(previous, Find(*id));
      if (!previous.has_value()) return Corrupt("an idempotency key's request");
      if (previous->state() != pv1::REQUEST_STATE_FAILED) return Created{*previous, true};
    }
  }
  const absl::Time now = clock_();
  pv1::PrivacyRequest created;
  created.set_request_id(RequestId(next_number_));
  created.set_kind("erase");
  created.set_state(pv1::REQUEST_STATE_QUEUED);
  created.set_reason(request.reason());
  created.set_subject_count(request.subjects_size());
  for (const pv1::SubjectSelector& selector : request.subjects()) {
    created.add_subjects_hashed(HashSelector(selector));
  }
  for (const std::string& service : ErasureStepServices()) {
    pv1::ErasureStep* step = created.add_steps();
    step->set_service(service);
    step->set_state(pv1::REQUEST_STATE_QUEUED);
  }
  ToProtoTimestamp(now, created.mutable_created_at());
  created.set_requested_by(std::string(requested_by));
  created.set_idempotency_key(request.idempotency_key());
  created.set_attempt(previous.has_value() ? previous->attempt() + 1 : 1);

  pv1::EraseSubjectRequest selectors;
  *selectors.mutable_subjects() = request.subjects();
  std::unique_ptr<storage::WriteBatch> batch = store_->NewWriteBatch();
  batch->Put(families_.requests, created.request_id(), created.SerializeAsString());
  batch->Put(families_.subjects, SelectorsKey(created.request_id()), selectors.SerializeAsString());
  if (previous.has_value()) {
    // The failed attempt's resolved subjects move to this one; it keeps only its hashes.
    CLT_ASSIGN_OR_RETURN(std::optional<std::string> resolved,
                         store_->Get(families_.subjects, ResolvedKey(previous->request_id())));
    if (resolved.has_value()) {
      batch->Put(families_.subjects, ResolvedKey(created.request_id()), *resolved);
    }
    batch->Delete(families_.subjects, SelectorsKey(previous->request_id()));
    batch->Delete(families_.subjects, ResolvedKey(previous->request_id()));
  }
  if (!request.idempotency_key().empty()) {
    batch->Put(families_.keys, request.idempotency_key(), created.request_id());
  }
  CLT_RETURN_IF_ERROR(store_->Write(*batch));
  ++next_number_;
  return Created{std::move(created), false};
}

absl::StatusOr<pv1::PrivacyRequest> PrivacyRequestStore::Get(std::string_view request_id) const {
  CLT_ASSIGN_OR_RETURN(std::optional<pv1::PrivacyRequest> request, Find(request_id));
  if (!request.has_value()) {
    return absl::NotFoundError(absl::StrCat("request_id: no privacy request ", Absl(request_id)));
  }
  return *std::move(request);
}

absl::StatusOr<pv1::ListPrivacyRequestsResponse> PrivacyRequestStore::List(
    const pv1::ListPrivacyRequestsRequest& request) const {
  if (request.page_size() < 0) return absl::InvalidArgumentError("page_size: negative");
  const int size = request.page_size() == 0 ? 50 : std::min(request.page_size(), 1000);
  if (!request.page_token().empty() && !RequestNumber(request.page_token()).has_value()) {
    return absl::InvalidArgumentError("page_token: not a token of this list");
  }
  storage::IteratorBounds bounds;
  bounds.upper_bound = request.page_token();  // Exclusive: the last request of the page before.
  std::unique_ptr<storage::KvIterator> it = store_->NewIterator(families_.requests, bounds);
  pv1::ListPrivacyRequestsResponse response;
  for (it->SeekToLast(); it->Valid(); it->Prev()) {
    if (response.requests_size() == size) {
      response.set_next_page_token(response.requests(size - 1).request_id());
      break;
    }
    CLT_ASSIGN_OR_RETURN(*response.add_requests(), ParseRequest(it->value()));
  }
  CLT_RETURN_IF_ERROR(it->status());
  return response;
}

absl::StatusOr<std::vector<std::string>> PrivacyRequestStore::Unfinished() const {
  std::vector<std::string> ids;
  std::unique_ptr<storage::KvIterator> it = store_->NewIterator(families_.requests);
  for (it->Seek(""); it->Valid(); it->Next()) {
    CLT_ASSIGN_OR_RETURN(pv1::PrivacyRequest request, ParseRequest(it->value()));
    if (!Finished(request.state())) ids.push_back(request.request_id());
  }
  CLT_RETURN_IF_ERROR(it->status());
  return ids;
}

absl::Status PrivacyRequestStore::Update(const pv1::PrivacyRequest& request) {
  std::unique_ptr<storage::WriteBatch> batch = store_->NewWriteBatch();
  batch->Put(families_.requests, request.request_id(), request.SerializeAsString());
  return store_->Write(*batch);
}

absl::Status PrivacyRequestStore::Succeed(const pv1::PrivacyRequest& request) {
  std::unique_ptr<storage::WriteBatch> batch = store_->NewWriteBatch();
  batch->Put(families_.requests, request.request_id(), request.SerializeAsString());
  batch->Delete(families_.subjects, SelectorsKey(request.request_id()));
  batch->Delete(families_.subjects, ResolvedKey(request.request_id()));
  CLT_RETURN_IF_ERROR(store_->Write(*batch));
  return store_->PurgeDeleted({families_.subjects});
}

absl::StatusOr<std::vector<pv1::SubjectSelector>> PrivacyRequestStore::Selectors(
    std::string_view request_id) const {
  CLT_ASSIGN_OR_RETURN(std::optional<std::string> bytes,
                       store_->Get(families_.subjects, SelectorsKey(request_id)));
  if (!bytes.has_value()) return std::vector<pv1::SubjectSelector>();
  pv1::EraseSubjectRequest stored;
  if (!stored.ParseFromString(*bytes)) return Corrupt("a privacy request's selectors");
  return std::vector<pv1::SubjectSelector>(stored.subjects().begin(), stored.subjects().end());
}

absl::StatusOr<std::vector<pv1::Subject>> PrivacyRequestStore::Resolved(
    std::string_view request_id) const {
  CLT_ASSIGN_OR_RETURN(std::optional<std::string> bytes,
                       store_->Get(families_.subjects, ResolvedKey(request_id)));
  if (!bytes.has_value()) return std::vector<pv1::Subject>();
  pv1::EraseSubjectDataRequest stored;
  if (!stored.ParseFromString(*bytes)) return Corrupt("a privacy request's subjects");
  return std::vector<pv1::Subject>(stored.subjects().begin(), stored.subjects().end());
}

absl::Status PrivacyRequestStore::SaveResolved(std::string_view request_id,
                                               const std::vector<pv1::Subject>& subjects) {
  pv1::EraseSubjectDataRequest stored;
  for (const pv1::Subject& subject : subjects) *stored.add_subjects() = subject;
  std::unique_ptr<storage::WriteBatch> batch = store_->NewWriteBatch();
  batch->Put(families_.subjects, ResolvedKey(request_id), stored.SerializeAsString());
  return store_->Write(*batch);
}

}  // namespace clientele::gateway
