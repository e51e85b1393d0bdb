// Sync gRPC handlers that parse their request messages themselves, so that a request protobuf
// refuses (invalid UTF-8 in a string, a truncated or garbled message) fails with
// INVALID_ARGUMENT naming the field (FindWireProblem) instead of gRPC's INTERNAL with an empty
// message, and so that a bad message in a client stream fails the call instead of looking
// like the end of the stream (which is what grpc::ServerReader::Read reports).
//
// In a service class derived from a generated `Service`, in its constructor:
//
//   MarkMethodStreamed(proto_check::MethodIndex(*descriptor, "Ingest"),
//                      proto_check::NewCheckedUnaryHandler(this, &MyService::Ingest));
//   MarkMethodStreamed(proto_check::MethodIndex(*descriptor, "IngestStream"),
//                      proto_check::NewCheckedClientStreamingHandler(
//                          this, &MyService::IngestStream));
//
// where a client-streaming method takes a grpc::ServerReaderInterface<Request>* instead of the
// generated grpc::ServerReader<Request>*. MarkMethodStreamed (gRPC's own hook behind the
// generated WithStreamedUnaryMethod_) swaps the method's sync handler for one of type
// BIDI_STREAMING over grpc::ByteBuffer; on the wire nothing changes, and the handler still
// runs on the sync server's threads. docs/decisions.md says why this hook and not an explicit
// SerializationTraits specialization.
#ifndef CLIENTELE_COMMON_PROTO_CHECK_GRPC_REQUEST_PARSING_H_
#define CLIENTELE_COMMON_PROTO_CHECK_GRPC_REQUEST_PARSING_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "grpcpp/grpcpp.h"
#include "grpcpp/support/byte_buffer.h"
#include "grpcpp/support/method_handler.h"
#include "grpcpp/support/sync_stream.h"

namespace clientele::proto_check {

// The index of `method` in `service` (the index a generated Service gives it). Aborts if there
// is no such method: a programming error, found by the first test that builds the service.
int MethodIndex(const google::protobuf::ServiceDescriptor& service, std::string_view method);

// Parses `buffer` into `message`. INVALID_ARGUMENT "<path>: <problem>" when protobuf refuses
// (e.g. "events[3].customer_upsert.email: invalid UTF-8").
grpc::Status ParseRequest(const grpc::ByteBuffer& buffer, google::protobuf::Message* message);

// Serializes `message` into `buffer`; INTERNAL if protobuf fails.
grpc::Status SerializeResponse(const google::protobuf::Message& message, grpc::ByteBuffer* buffer);

// Reads the messages of a client stream as bytes and parses each. Read returns false at the
// end of the stream and at the first message that does not parse; status() tells which.
template <class Request>
class CheckedServerReader final : public grpc::ServerReaderInterface<Request> {
 public:
  explicit CheckedServerReader(grpc::internal::ReaderInterface<grpc::ByteBuffer>* stream,
                               grpc::internal::ServerStreamingInterface* streaming)
      : stream_(stream), streaming_(streaming) {}

  void SendInitialMetadata() override { streaming_->SendInitialMetadata(); }
  bool NextMessageSize(uint32_t* size) override { return stream_->NextMessageSize(size); }
  bool Read(Request* message) override {
    if (!status_.ok()) return false;
    grpc::ByteBuffer buffer;
    if (!stream_->Read(&buffer)) return false;
    ++messages_;
    grpc::Status status = ParseRequest(buffer, message);
    if (!status.ok()) {
      status_ = grpc::Status(status.error_code(),
                             status.error_message() + " (message " + std::to_string(messages_) +
                                 " of the stream; the messages before it were processed)");
      return false;
    }
    return true;
  }

  // OK, or INVALID_ARGUMENT for the first message that did not parse.
  const grpc::Status& status() const { return status_; }

 private:
  grpc::internal::ReaderInterface<grpc::ByteBuffer>* const stream_;
  grpc::internal::ServerStreamingInterface* const streaming_;
  int64_t messages_ = 0;
  grpc::Status status_;
};

// A handler for the unary method `method` of `service`. The caller owns the result until it
// passes it to MarkMethodStreamed (the Service then owns it).
template <class Service, class Request, class Response>
grpc::internal::MethodHandler* NewCheckedUnaryHandler(
    Service* service,
    grpc::Status (Service::*method)(grpc::ServerContext*, const Request*, Response*)) {
  return new grpc::internal::StreamedUnaryHandler<grpc::ByteBuffer, grpc::ByteBuffer>(
      [service, method](grpc::ServerContext* context,
                        grpc::ServerUnaryStreamer<grpc::ByteBuffer, grpc::ByteBuffer>* stream) {
        grpc::ByteBuffer in;
        if (!stream->Read(&in)) {
          return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "no request message");
        }
        Request request;
        if (grpc::Status s = ParseRequest(in, &request); !s.ok()) return s;
        Response response;
        grpc::Status status = (service->*method)(context, &request, &response);
        if (!status.ok()) return status;
        grpc::ByteBuffer out;
        if (grpc::Status s = SerializeResponse(response, &out); !s.ok()) return s;
        stream->Write(out);  // A client that went away learns nothing more either way.
        return status;
      });
}

// A handler for the client-streaming method `method` of `service`, which reads its requests
// from a CheckedServerReader. If a message does not parse, the call fails with that
// INVALID_ARGUMENT whatever the method returned (its work on the earlier messages stands).
template <class Service, class Request, class Response>
grpc::internal::MethodHandler* NewCheckedClientStreamingHandler(
    Service* service,
    grpc::Status (Service::*method)(grpc::ServerContext*, grpc::ServerReaderInterface<Request>*,
                                    Response*)) {
  return new grpc::internal::BidiStreamingHandler<Service, grpc::ByteBuffer, grpc::ByteBuffer>(
      [method](Service* self, grpc::ServerContext* context,
               grpc::ServerReaderWriter<grpc::ByteBuffer, grpc::ByteBuffer>* stream) {
        CheckedServerReader<Request> reader(stream, stream);
        Response response;
        grpc::Status status = (self->*method)(context, &reader, &response);
        if (!reader.status().ok()) return reader.status();
        if (!status.ok()) return status;
        grpc::ByteBuffer out;
        if (grpc::Status s = SerializeResponse(response, &out); !s.ok()) return s;
        stream->Write(out);
        return status;
      },
      service);
}

}  // namespace clientele::proto_check

#endif  // CLIENTELE_COMMON_PROTO_CHECK_GRPC_REQUEST_PARSING_H_
