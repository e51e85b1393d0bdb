#include "common/proto_check/grpc_request_parsing.h"

#include <cstdlib>
#include <vector>

#include "common/proto_check/wire_check.h"
#include "grpcpp/impl/codegen/proto_utils.h"
#include "grpcpp/support/proto_buffer_reader.h"

namespace clientele::proto_check {

int MethodIndex(const google::protobuf::ServiceDescriptor& service, std::string_view method) {
  const google::protobuf::MethodDescriptor* m = service.FindMethodByName(std::string(method));
  if (m == nullptr) std::abort();
  return m->index();
}

grpc::Status ParseRequest(const grpc::ByteBuffer& buffer, google::protobuf::Message* message) {
  {
    // Zero-copy over the received slices: the common, valid case copies nothing.
    grpc::ByteBuffer copy(buffer);  // Shares the slices (reference counted).
    grpc::ProtoBufferReader reader(&copy);
    if (reader.status().ok() && message->ParseFromZeroCopyStream(&reader)) {
      return grpc::Status::OK;
    }
  }
  std::vector<grpc::Slice> slices;
  std::string bytes;
  if (buffer.Dump(&slices).ok()) {
    for (const grpc::Slice& slice : slices) {
      bytes.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
    }
  }
  absl::Status status = ParseOrExplain(bytes, message);
  if (status.ok()) return grpc::Status::OK;  // The copy parsed: a reader problem, now passed.
  return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                      std::string(status.message()) + " (the request does not parse as " +
                          message->GetDescriptor()->full_name() + ")");
}

grpc::Status SerializeResponse(const google::protobuf::Message& message, grpc::ByteBuffer* buffer) {
  bool own_buffer = false;
  return grpc::SerializationTraits<google::protobuf::Message>::Serialize(message, buffer,
                                                                         &own_buffer);
}

}  // namespace clientele::proto_check
