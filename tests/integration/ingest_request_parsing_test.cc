// Requests that protobuf cannot parse, sent as raw bytes to a real ingest server (issue 12,
// defect 10): INVALID_ARGUMENT naming the field, where gRPC's own deserializer answers
// INTERNAL with an empty message (unary) or ends a client stream as if it were complete.
#include <chrono>
#include <string>

#include "clientele/ingest/v1/ingest.pb.h"
#include "common/testing/test_events.h"
#include "gmock/gmock.h"
#include "grpcpp/generic/generic_stub.h"
#include "gtest/gtest.h"
#include "tests/integration/ingest_server_fixture.h"

namespace clientele::testing {
namespace {

using ::testing::HasSubstr;

constexpr char kIngest[] = "/clientele.ingest.v1.IngestService/Ingest";
constexpr char kIngestStream[] = "/clientele.ingest.v1.IngestService/IngestStream";

grpc::ByteBuffer Buffer(const std::string& bytes) {
  grpc::Slice slice(bytes);
  return grpc::ByteBuffer(&slice, 1);
}

std::string Bytes(const grpc::ByteBuffer& buffer) {
  std::vector<grpc::Slice> slices;
  EXPECT_TRUE(buffer.Dump(&slices).ok());
  std::string out;
  for (const grpc::Slice& s : slices)
    out.append(reinterpret_cast<const char*>(s.begin()), s.size());
  return out;
}

// Two valid customer events; with `bad_email` the second one's e-mail is not UTF-8.
std::string RequestBytes(const std::string& prefix, bool bad_email) {
  ingest::v1::IngestRequest request;
  *request.add_events() = CustomerEvent(prefix + "-1", prefix + "-c1");
  *request.add_events() = CustomerEvent(prefix + "-2", prefix + "-c2", "XXXX@example.com");
  std::string bytes = request.SerializeAsString();
  if (bad_email) bytes.replace(bytes.find("XXXX"), 4, "\xC3\x28\xFF\xFE");
  return bytes;
}

class IngestRequestParsingTest : public ::testing::Test {
 protected:
  IngestRequestParsingTest() : server_(dir_.Sub("ingest"), ingest::EventLogOptions()) {}

  // Waits for the one event the completion queue is expected to deliver next.
  bool Next() {
    void* tag = nullptr;
    bool ok = false;
    EXPECT_TRUE(cq_.Next(&tag, &ok));
    return ok;
  }

  grpc::Status Unary(const std::string& bytes, grpc::ByteBuffer* response) {
    grpc::GenericStub stub(server_.Channel());
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    std::unique_ptr<grpc::GenericClientAsyncResponseReader> call =
        stub.PrepareUnaryCall(&context, kIngest, Buffer(bytes), &cq_);
    call->StartCall();
    grpc::Status status;
    call->Finish(response, &status, this);
    Next();
    return status;
  }

  TempDir dir_;
  IngestServer server_;
  grpc::CompletionQueue cq_;
};

TEST_F(IngestRequestParsingTest, InvalidUtf8InAUnaryRequestIsInvalidArgumentNamingTheField) {
  grpc::ByteBuffer response;
  grpc::Status status = Unary(RequestBytes("u", /*bad_email=*/true), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << status.error_message();
  EXPECT_THAT(status.error_message(), HasSubstr("events[1].customer_upsert.email: invalid UTF-8"));
  EXPECT_EQ(server_.log().LastSequence(0), 0u);  // The request is refused as a whole.
}

TEST_F(IngestRequestParsingTest, AGarbledUnaryRequestIsInvalidArgumentNamingTheField) {
  const std::string bytes = RequestBytes("g", /*bad_email=*/false);
  grpc::ByteBuffer response;
  grpc::Status status = Unary(bytes.substr(0, bytes.size() - 5), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("events[1]: truncated"));
}

TEST_F(IngestRequestParsingTest, AValidRawRequestIsIngested) {
  grpc::ByteBuffer response;
  grpc::Status status = Unary(RequestBytes("v", /*bad_email=*/false), &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ingest::v1::IngestResponse parsed;
  ASSERT_TRUE(parsed.ParseFromString(Bytes(response)));
  EXPECT_EQ(parsed.accepted(), 2);
  EXPECT_EQ(server_.log().LastSequence(0), 2u);
}

TEST_F(IngestRequestParsingTest, ABadMessageFailsTheStreamInsteadOfEndingIt) {
  grpc::GenericStub stub(server_.Channel());
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  std::unique_ptr<grpc::GenericClientAsyncReaderWriter> call =
      stub.PrepareCall(&context, kIngestStream, &cq_);
  call->StartCall(this);
  ASSERT_TRUE(Next());
  call->Write(Buffer(RequestBytes("s1", /*bad_email=*/false)), this);
  ASSERT_TRUE(Next());
  call->Write(Buffer(RequestBytes("s2", /*bad_email=*/true)), this);
  Next();  // May fail if the server has already answered.
  call->Write(Buffer(RequestBytes("s3", /*bad_email=*/false)), this);
  Next();
  call->WritesDone(this);
  Next();
  grpc::ByteBuffer response;  // None on failure; read it, or Finish waits for that.
  call->Read(&response, this);
  Next();
  grpc::Status status;
  call->Finish(&status, this);
  Next();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << status.error_message();
  EXPECT_THAT(status.error_message(), HasSubstr("events[1].customer_upsert.email: invalid UTF-8"));
  EXPECT_THAT(status.error_message(), HasSubstr("message 2 of the stream"));
  // The first message was processed (and acknowledged to nobody: the client retries the whole
  // stream, and deduplication makes that safe); nothing after the bad one was.
  EXPECT_EQ(server_.log().LastSequence(0), 2u);
}

TEST_F(IngestRequestParsingTest, TypedStubsStillWork) {
  std::unique_ptr<ingest::v1::IngestService::Stub> stub = server_.Stub();
  grpc::ClientContext context;
  ingest::v1::IngestResponse response;
  std::unique_ptr<grpc::ClientWriter<ingest::v1::IngestRequest>> writer =
      stub->IngestStream(&context, &response);
  for (const char* prefix : {"t1", "t2"}) {
    ingest::v1::IngestRequest request;
    ASSERT_TRUE(request.ParseFromString(RequestBytes(prefix, false)));
    ASSERT_TRUE(writer->Write(request));
  }
  writer->WritesDone();
  grpc::Status status = writer->Finish();
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.accepted(), 4);
  EXPECT_EQ(response.results_size(), 4);

  grpc::ClientContext unary;
  ingest::v1::IngestRequest request;
  ASSERT_TRUE(request.ParseFromString(RequestBytes("t3", false)));
  status = stub->Ingest(&unary, request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.accepted(), 2);
  EXPECT_EQ(server_.log().LastSequence(0), 6u);
}

}  // namespace
}  // namespace clientele::testing
