// The C side of r:expect{} (prelude.lua): checks the one thing Lua cannot (an ECMAScript regex),
// records the observation with the script line that made it, and evaluates it for the
// persona's return value with the same function scoring uses (base/expect.h).
#include "base/expect.h"
#include "persona/internal.h"

namespace spar::persona {

namespace {
// The observations live outside the Lua memory budget: a script cannot pile up more than this
// (docs/security.md#expectations).
constexpr size_t kMaxExpectations = 256;
constexpr size_t kMaxSpecBytes = 4096;
}  // namespace

// internal.expect(spec, turn, text, calls) -> met. `spec` is already checked and normalised by
// the prelude ({contains = {..}, not_contains = {..}, matches, called, args}); a bad regex is a
// script error at the persona's line (the bridge prefixes it).
int lua_expect(lua_State* L) {
  auto* log = static_cast<ExpectLog*>(lua_touserdata(L, lua_upvalueindex(1)));
  std::string problem;
  json spec, calls;
  bool met = false;
  try {
    spec = to_json(L, 1);
    calls = to_json(L, 4);
    if (!spec.is_object()) spec = json::object();
    if (log->made >= kMaxExpectations) {
      problem = fmt::format("expect: more than {} expectations in one conversation", kMaxExpectations);
    } else if (spec.dump().size() > kMaxSpecBytes) {
      problem = fmt::format("expect: the expectation is larger than {} bytes", kMaxSpecBytes);
    } else if (auto m = spec.find("matches"); m != spec.end() && m->is_string()) problem = expect_regex_problem(m->get<std::string>());
    if (problem.empty()) {
      size_t len = 0;
      const char* text = lua_tolstring(L, 3, &len);
      met = expect_check(spec, text ? std::string_view(text, len) : std::string_view(), calls).met;
      json obs = {{"turn", lua_tointeger(L, 2)}};
      std::string line = where(L);
      if (!line.empty()) obs["line"] = line;
      for (auto& [k, v] : spec.items()) obs[k] = v;
      log->pending.push_back(std::move(obs));
      ++log->made;
    }
  } catch (const std::exception& e) {
    problem = std::string("expect: ") + e.what();
  }
  if (!problem.empty()) {
    lua_pushlstring(L, problem.data(), problem.size());
    return lua_error(L);
  }
  lua_pushboolean(L, met);
  return 1;
}

}  // namespace spar::persona
