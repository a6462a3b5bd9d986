#include "agent/http_transport.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <ctime>

#include <spdlog/spdlog.h>

#include "agent/internal.h"

namespace spar::agent {

namespace {
using Clock = std::chrono::steady_clock;
constexpr size_t kMaxErrorBody = 4u << 10;  // what is kept of a non-2xx body
constexpr size_t kMaxIdleHandles = 256;

double ms_between(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

// Header lines for a trace log: names and values, except credentials.
std::string shown_headers(const curl_slist* headers) {
  std::string out;
  for (const curl_slist* h = headers; h; h = h->next) {
    std::string_view line = h->data;
    std::string_view name = line.substr(0, line.find(':'));
    bool secret = false;
    for (std::string_view s : {"authorization", "proxy-authorization", "api-key", "x-api-key", "cookie"}) {
      secret = secret || (name.size() == s.size() &&
                          std::equal(name.begin(), name.end(), s.begin(),
                                     [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == b; }));
    }
    out += out.empty() ? "" : "; ";
    out += secret ? std::string(name) + ": ***" : std::string(line);
  }
  return out;
}
}  // namespace

struct HttpTransport::Call {
  CURL* easy = nullptr;
  std::string request_body;  // CURLOPT_POSTFIELDS does not copy
  OnBody on_body;
  OnDone on_done;
  std::string body;
  long status = -1;
  bool stopped = false;
  bool too_big = false;
  size_t received = 0;
  size_t max_reply_bytes = 0;  // body bytes so far, for Options::max_reply_bytes
  Clock::time_point start;
  Clock::time_point end;
  curl_slist* headers = nullptr;  // this request's own header list, when it has extra headers
  char errbuf[CURL_ERROR_SIZE] = {};
  ~Call() { curl_slist_free_all(headers); }
};

HttpTransport::HttpTransport(Loop& loop, Options options)
    : loop_(loop), options_(std::move(options)), shown_url_(internal::redact_url(options_.url)) {
  headers_ = curl_slist_append(headers_, "Content-Type: application/json");
  headers_ = curl_slist_append(headers_, "Expect:");  // no 100-continue round trip for big bodies
  for (const std::string& h : options_.headers) headers_ = curl_slist_append(headers_, h.c_str());
}

HttpTransport::~HttpTransport() {
  for (auto& [ptr, call] : calls_) {
    loop_.remove(call->easy);
    curl_easy_cleanup(call->easy);
  }
  for (CURL* easy : idle_) curl_easy_cleanup(easy);
  curl_slist_free_all(headers_);
}

CURL* HttpTransport::acquire() {
  if (!idle_.empty()) {
    CURL* easy = idle_.back();
    idle_.pop_back();
    return easy;
  }
  CURL* easy = curl_easy_init();
  if (!easy) return nullptr;
  curl_easy_setopt(easy, CURLOPT_URL, options_.url.c_str());
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers_);
  curl_easy_setopt(easy, CURLOPT_POST, 1L);
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &HttpTransport::on_write);
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_TCP_KEEPALIVE, 1L);
  if (options_.timeout_s > 0) {
    curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, std::max(1L, std::lround(options_.timeout_s * 1000)));
  }
  return easy;
}

void HttpTransport::release(CURL* easy) {
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers_);  // a request's own list dies with it
  curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, nullptr);
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, nullptr);
  if (idle_.size() < kMaxIdleHandles) {
    idle_.push_back(easy);
  } else {
    curl_easy_cleanup(easy);
  }
}

void HttpTransport::post(std::string body, OnBody on_body, OnDone on_done) {
  post(std::move(body), {}, std::move(on_body), std::move(on_done));
}

void HttpTransport::post(std::string body, const std::vector<std::string>& extra_headers, OnBody on_body,
                         OnDone on_done) {
  CURL* easy = acquire();
  if (!easy) {
    loop_.post([done = std::move(on_done)] {
      done(make_error(ErrorKind::transport, "cannot create an HTTP request (curl_easy_init failed)"));
    });
    return;
  }
  auto owned = std::make_unique<Call>();
  Call* call = owned.get();
  call->easy = easy;
  call->request_body = std::move(body);
  call->max_reply_bytes = options_.max_reply_bytes;
  call->on_body = std::move(on_body);
  call->on_done = std::move(on_done);
  call->start = Clock::now();
  if (!extra_headers.empty()) {
    for (const curl_slist* h = headers_; h; h = h->next) call->headers = curl_slist_append(call->headers, h->data);
    for (const std::string& h : extra_headers) call->headers = curl_slist_append(call->headers, h.c_str());
  }
  curl_slist* headers = call->headers ? call->headers : headers_;
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers);
  if (spdlog::should_log(spdlog::level::trace)) {
    spdlog::trace("POST {} ({} bytes) headers: {}", shown_url_, call->request_body.size(),
                  internal::redact(shown_headers(headers), options_.secret));
  }
  curl_easy_setopt(easy, CURLOPT_POSTFIELDS, call->request_body.data());
  curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(call->request_body.size()));
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, call);
  curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, call->errbuf);
  calls_.emplace(call, std::move(owned));
  loop_.add(easy, [this, call](int code) { finish(call, code); });
}

size_t HttpTransport::on_write(char* data, size_t size, size_t count, void* user) {
  auto* call = static_cast<Call*>(user);
  size_t n = size * count;
  if (call->status < 0) curl_easy_getinfo(call->easy, CURLINFO_RESPONSE_CODE, &call->status);
  call->received += n;
  if (call->received > call->max_reply_bytes) {
    call->too_big = true;
    return 0;  // aborts the transfer (CURLE_WRITE_ERROR): memory stays bounded
  }
  bool success = call->status >= 200 && call->status < 300;
  if (success && call->on_body) {
    if (call->on_body(std::string_view(data, n))) return n;
    call->stopped = true;
    call->end = Clock::now();
    return 0;  // aborts the transfer (CURLE_WRITE_ERROR)
  }
  if (!success) {  // keep the start for the error message, drain the rest (keeps the connection)
    if (call->body.size() < kMaxErrorBody) call->body.append(data, std::min(n, kMaxErrorBody - call->body.size()));
    return n;
  }
  call->body.append(data, n);
  return n;
}

void HttpTransport::finish(Call* call, int curl_code) {
  auto it = calls_.find(call);
  if (it == calls_.end()) return;
  std::unique_ptr<Call> owned = std::move(it->second);
  calls_.erase(it);
  auto code = static_cast<CURLcode>(curl_code);
  long status = 0;
  curl_easy_getinfo(call->easy, CURLINFO_RESPONSE_CODE, &status);
  if (!call->stopped) call->end = Clock::now();

  auto fail = [&](ErrorKind kind, const std::string& message) -> Result<Response> {
    return make_error(kind, internal::redact(message, options_.secret));
  };
  Result<Response> result = Response{};
  if (call->too_big) {
    result = fail(ErrorKind::protocol, "reply from " + shown_url_ + " is larger than " + std::to_string(options_.max_reply_bytes) +
                                  " bytes (--max-reply-bytes)");
  } else if (call->stopped) {
    result = Response{status, {}, ms_between(call->start, call->end), true};
  } else if (code == CURLE_OPERATION_TIMEDOUT) {
    char secs[32];
    std::snprintf(secs, sizeof secs, "%g", options_.timeout_s);
    result = fail(ErrorKind::timeout, "no complete reply from " + shown_url_ + " within " + secs + " s");
  } else if (code != CURLE_OK) {
    std::string why = call->errbuf[0] ? call->errbuf : curl_easy_strerror(code);
    result = fail(ErrorKind::transport, "POST " + shown_url_ + " failed: " + internal::one_line(why, 200, options_.secret));
  } else if (status < 200 || status >= 300) {
    long retry_after = -1;
    curl_header* h = nullptr;
    if (curl_easy_header(call->easy, "Retry-After", 0, CURLH_HEADER, -1, &h) == CURLHE_OK && h && h->value) {
      retry_after = internal::parse_retry_after(h->value, std::time(nullptr));
    }
    result = internal::http_error(status, retry_after, shown_url_, call->body, options_.secret);
  } else {
    result = Response{status, std::move(call->body), ms_between(call->start, call->end), false};
  }
  if (spdlog::should_log(spdlog::level::trace)) {
    spdlog::trace("POST {} -> {} in {:.1f} ms", shown_url_,
                  result.ok() ? "HTTP " + std::to_string(status) : std::string(to_string(result.error().kind)) + ": " + result.error().message,
                  ms_between(call->start, call->end));
  }
  release(call->easy);
  OnDone done = std::move(call->on_done);
  owned.reset();
  done(std::move(result));  // last: it may destroy this transport
}

}  // namespace spar::agent
