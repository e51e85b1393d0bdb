// Blocking keys: records that share a key are compared (candidate pairs); records that share
// none never are. Keys are namespaced strings:
//
//   deterministic (the exact identifiers of the deterministic rules)
//     e:<email>            normalized e-mail
//     p:<phone>            E.164 phone
//     l:<loyalty id>
//     n:<national id hash>
//   fuzzy (each uses at most two fields, so a pair with typos in any one or two fields still
//   shares a key built from the others; phonetic codes absorb most typos of a name)
//     s:<attr>=<v>         every secondary id value v, and v with one character deleted
//                          (deletion neighbourhood: one substitution, insertion, deletion or,
//                          from one of the two deletions, an adjacent transposition apart
//                          still share a key); values of 4..24 characters
//     d:<YYYYMMDD>         birth date
//     fy:<sdx(family)><YYYY>       family-name Soundex + birth year
//     gf:<sdx(given)><sdx(family)> given- and family-name Soundex (also in swapped order, so
//                                  exchanged names block together)
//     fz:<sdx(family)><postal>     family-name Soundex + postal code
//     gz:<sdx(given)><postal>      given-name Soundex + postal code
//     gm:<sdx(given)><MMDD>        given-name Soundex + birth month and day
//     nt:<words>                   the sorted words of given + family name, for names of
//                                  three words or more ("abigail | hughes jones" and
//                                  "abigail hughes | jones" block together)
//
// sdx is SoundexOfFirstWord.
// Keys that occur in very many records (a common surname with a big postal code) must be
// capped by the index that stores them (identity/resolution skips keys whose posting list is
// over its cap: too common to discriminate). Pure and thread-safe.
#ifndef CLIENTELE_IDENTITY_MATCHING_BLOCKING_H_
#define CLIENTELE_IDENTITY_MATCHING_BLOCKING_H_

#include <string>
#include <string_view>
#include <vector>

#include "identity/matching/person_record.h"

namespace clientele::identity {

// The blocking keys of `record`, sorted and unique; unknown fields yield no key.
std::vector<std::string> BlockingKeys(const PersonRecord& record);

// True for the deterministic keys (e:, p:, l:, n:).
bool IsDeterministicKey(std::string_view key);

// American Soundex of the first word of `name` ("robert" -> "r163", "ashcraft" -> "a261");
// for a first word that is not ASCII, its first (up to) 3 code points; empty for an empty
// name.
std::string SoundexOfFirstWord(std::string_view name);

}  // namespace clientele::identity

#endif  // CLIENTELE_IDENTITY_MATCHING_BLOCKING_H_
