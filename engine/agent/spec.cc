#include <string>

#include "agent/client.h"
#include "agent/internal.h"

namespace spar::agent {

std::string AgentSpec::get(const std::string& key, const std::string& fallback) const {
  auto it = params.find(key);
  return it == params.end() ? fallback : it->second;
}

// KIND[:key=value,key=value...]. Pairs split on ','; a value runs to the next ',' and may
// hold '=' and ':'. The exec kind's `cmd` is special: it takes the rest of the spec, commas
// included, so commands need no escaping (put it last).
Result<AgentSpec> parse_agent_spec(std::string_view text) {
  auto bad = [&](const std::string& why) {
    return make_error(ErrorKind::input, "bad agent spec '" + redact_agent_spec(text) + "': " + why);
  };
  if (text.empty()) return make_error(ErrorKind::input, "empty agent spec (expected KIND[:key=value,...])");
  AgentSpec spec;
  size_t colon = text.find(':');
  spec.kind = std::string(text.substr(0, colon));
  if (spec.kind != "mock" && spec.kind != "openai" && spec.kind != "http" && spec.kind != "exec") {
    return make_error(ErrorKind::input, "unknown agent kind '" + spec.kind + "' (expected mock, openai, http or exec)");
  }
  if (colon == std::string_view::npos) return spec;
  std::string_view rest = text.substr(colon + 1);
  while (true) {
    size_t comma = rest.find(',');
    std::string_view item = rest.substr(0, comma);
    size_t eq = item.find('=');
    if (eq == std::string_view::npos || eq == 0) return bad("expected key=value");
    std::string key(item.substr(0, eq));
    if (spec.kind == "exec" && key == "cmd") {
      item = rest;  // the command takes the rest of the spec
      comma = std::string_view::npos;
    }
    if (spec.params.count(key)) return bad("duplicate key '" + key + "'");
    spec.params.emplace(std::move(key), std::string(item.substr(eq + 1)));
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return spec;
}

std::string redact_agent_spec(std::string_view text) {
  std::string out;
  while (true) {
    size_t scheme = text.find("://");
    if (scheme == std::string_view::npos) break;
    size_t start = scheme + 3;
    size_t end = text.find_first_of("/?#,", start);  // a spec's ',' ends a value, so the URL
    std::string_view authority = text.substr(start, end == std::string_view::npos ? text.npos : end - start);
    size_t at = authority.rfind('@');
    out += text.substr(0, start);
    if (at != std::string_view::npos) {
      out += "***";
      start += at;  // keep the '@' and the host
    }
    text.remove_prefix(start);
  }
  out += text;
  // The URL keys' values need no scheme (curl assumes http://): user:pw@host/v1 is masked too.
  for (std::string_view key : {"url=", "base_url="}) {
    for (size_t at = out.find(key); at != std::string::npos; at = out.find(key, at + 1)) {
      if (at > 0 && out[at - 1] != ',' && out[at - 1] != ':') continue;  // e.g. the url= of base_url=
      size_t start = at + key.size();
      size_t end = out.find(',', start);
      std::string value = out.substr(start, end == std::string::npos ? std::string::npos : end - start);
      if (value.find("://") == std::string::npos) out.replace(start, value.size(), internal::redact_url(value));
    }
  }
  return out;
}

}  // namespace spar::agent
