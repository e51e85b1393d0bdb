// The API key of Clientele's command-line clients (clientele, clientele-load) and the
// channels that send it: every call carries "authorization: Bearer <key>", added by a client
// interceptor where the channel is made (call credentials would be refused on insecure
// channels).
//
//   absl::StatusOr<std::string> key = ResolveApiKey(flag_key, flag_key_file,
//                                                   std::getenv("CLIENTELE_API_KEY"));
//   channel = CreateChannelWithApiKey(server, grpc::InsecureChannelCredentials(), args, *key);
#ifndef CLIENTELE_COMMON_CLIENT_API_KEY_CHANNEL_H_
#define CLIENTELE_COMMON_CLIENT_API_KEY_CHANNEL_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "grpcpp/grpcpp.h"

namespace clientele {

inline constexpr char kApiKeyEnv[] = "CLIENTELE_API_KEY";

// The key to send: `key_flag` (--api-key) if given, else the contents of `key_file_flag`
// (--api-key-file; surrounding blanks and the final newline dropped), else `env_value`
// (CLIENTELE_API_KEY; null or empty: none). Empty when there is none. InvalidArgument naming
// the flag when both flags are given, the file cannot be read or is empty, or a key holds a
// character that cannot go in a header (outside printable ASCII).
absl::StatusOr<std::string> ResolveApiKey(const std::string& key_flag,
                                          const std::string& key_file_flag, const char* env_value);

// A channel to `target` whose calls all carry "authorization: Bearer <api_key>"; a plain
// channel when `api_key` is empty.
std::shared_ptr<grpc::Channel> CreateChannelWithApiKey(
    const std::string& target, const std::shared_ptr<grpc::ChannelCredentials>& credentials,
    const grpc::ChannelArguments& args, const std::string& api_key);

}  // namespace clientele

#endif  // CLIENTELE_COMMON_CLIENT_API_KEY_CHANNEL_H_
