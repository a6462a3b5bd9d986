// FakeAgent: an in-memory AgentClient for unit tests. A responder function computes each
// reply from the request; the reply is delivered through the Loop (never inside send()),
// exactly as a real adapter would. Keeps every request it saw. Single-threaded.
#pragma once

#include <functional>
#include <vector>

#include "agent/client.h"

namespace spar::agent {

class FakeAgent : public AgentClient {
 public:
  using Responder = std::function<Result<Reply>(const Request&)>;
  FakeAgent(Loop& loop, Responder responder, bool streaming = false)
      : loop_(loop), responder_(std::move(responder)), streaming_(streaming) {}

  void send(Request request, Done done) override {
    requests_.push_back(request);
    Result<Reply> reply = responder_(request);
    if (reply.ok() && streaming_ && request.cut_after_chars >= 0 &&
        reply->text.size() > static_cast<size_t>(request.cut_after_chars)) {
      reply->text.resize(static_cast<size_t>(request.cut_after_chars));
      reply->truncated = true;
    }
    loop_.post([done = std::move(done), reply = std::move(reply)]() mutable { done(std::move(reply)); });
  }
  bool streaming() const override { return streaming_; }

  const std::vector<Request>& requests() const { return requests_; }

 private:
  Loop& loop_;
  Responder responder_;
  bool streaming_;
  std::vector<Request> requests_;
};

}  // namespace spar::agent
