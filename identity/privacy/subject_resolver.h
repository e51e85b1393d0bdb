// Who a privacy request is about, as identity knows it: a selector (profile id, e-mail, phone
// or source key) resolved to the source keys of every member record and the profile ids (the
// surviving profiles and every id merged into them) of the person (docs/privacy.md, "Subject").
//
//   CLT_ASSIGN_OR_RETURN(privacy::v1::Subject subject, ResolvePrivacySubject(resolver, selector));
//
// profile_id: the surviving profile of that id. email / phone (normalized as identity normalizes
// records): every profile with a member record whose e-mail / phone equals it. source_key: the
// profile of that record, or just the key when identity has no record of it. NotFound when the
// selector names nobody; InvalidArgument naming the field for a malformed one. Source keys and
// profile ids come back sorted and unique. Thread-safe (the Resolver is).
#ifndef CLIENTELE_IDENTITY_PRIVACY_SUBJECT_RESOLVER_H_
#define CLIENTELE_IDENTITY_PRIVACY_SUBJECT_RESOLVER_H_

#include "absl/status/statusor.h"
#include "clientele/privacy/v1/privacy.pb.h"
#include "identity/resolution/resolver.h"

namespace clientele::identity {

absl::StatusOr<privacy::v1::Subject> ResolvePrivacySubject(
    const Resolver& resolver, const privacy::v1::SubjectSelector& selector);

}  // namespace clientele::identity

#endif  // CLIENTELE_IDENTITY_PRIVACY_SUBJECT_RESOLVER_H_
