// HttpTransport: the one place spar makes HTTP requests (libcurl easy handles on a Loop).
// The openai and http adapters (and the judge client) POST JSON through it.
//
// Per-request overhead is kept low for thousands of requests/s against localhost: easy
// handles are pooled and reconfigured rather than recreated, the header list is built once,
// and connections and DNS answers are cached by the Loop's multi handle across requests.
//
// Error kinds: "timeout" (the whole transfer exceeded the timeout), "transport" (connect,
// reset, TLS, ...), "http" (a non-2xx status; the message quotes the start of the body and
// carries the Retry-After delay, made by internal::http_error: Error::http_status and Error::retry_after_s).
// Messages name the URL without credentials and never contain `Options::secret`.
//
// At trace log level each request and response is logged (URL, header names with the
// Authorization value redacted, sizes, status, time); bodies and secrets never are.
//
// Thread-safety: bound to one Loop and used from that loop's thread only. REQUIRES: the
// Loop outlives the transport. Destroying the transport aborts the transfers in flight
// without calling their callbacks.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "agent/client.h"
#include "agent/loop.h"
#include "base/result.h"

struct curl_slist;  // <curl/curl.h>

namespace spar::agent {

class HttpTransport {
 public:
  struct Options {
    std::string url;                   // every request is a POST here
    std::vector<std::string> headers;  // besides Content-Type: application/json
    double timeout_s = 120;            // whole transfer; <= 0: none
    std::string secret;                // redacted from every error message (an API key)
    // Every response body, 2xx or not, streamed to OnBody or collected: past this many bytes
    // the transfer is aborted and the request fails with kind "protocol".
    size_t max_reply_bytes = kDefaultMaxReplyBytes;
  };

  struct Response {
    long status = 0;
    std::string body;  // empty when an OnBody callback consumed the body
    double latency_ms = 0;
    bool stopped = false;  // the OnBody callback stopped the transfer
  };

  // Receives the body of a 2xx response as it arrives. Returning false stops the transfer
  // at once; the request then completes successfully with `stopped = true`.
  using OnBody = std::function<bool(std::string_view chunk)>;
  using OnDone = std::function<void(Result<Response>)>;

  HttpTransport(Loop& loop, Options options);
  ~HttpTransport();
  HttpTransport(const HttpTransport&) = delete;
  HttpTransport& operator=(const HttpTransport&) = delete;

  // POSTs `body`. Without `on_body` the response body is collected into Response::body.
  // `on_done` runs exactly once, from the loop, never from inside post().
  void post(std::string body, OnBody on_body, OnDone on_done);
  // The same with headers for this request only (e.g. "X-Spar-Attempt: 2").
  void post(std::string body, const std::vector<std::string>& extra_headers, OnBody on_body, OnDone on_done);

  const std::string& url() const { return options_.url; }
  // The URL without credentials, for messages and logs.
  const std::string& shown_url() const { return shown_url_; }

 private:
  struct Call;
  static size_t on_write(char* data, size_t size, size_t count, void* user);
  void finish(Call* call, int curl_code);
  CURL* acquire();
  void release(CURL* easy);

  Loop& loop_;
  Options options_;
  std::string shown_url_;  // options_.url without credentials
  curl_slist* headers_ = nullptr;
  std::vector<CURL*> idle_;
  std::unordered_map<Call*, std::unique_ptr<Call>> calls_;  // in flight
};

}  // namespace spar::agent
