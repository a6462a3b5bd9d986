// Values crossing between JSON and Lua, bounded in depth, count and bytes.
#include "persona/internal.h"

namespace spar::persona {

// The nesting depth of a JSON value, counted without recursion; stops counting past `limit`.
int json_depth(const json& v, int limit) {
  int deepest = 0;
  std::vector<std::pair<const json*, int>> todo{{&v, 1}};
  while (!todo.empty()) {
    auto [x, d] = todo.back();
    todo.pop_back();
    if (!x->is_structured()) continue;
    deepest = std::max(deepest, d);
    if (deepest > limit) return deepest;
    for (const auto& child : *x) todo.emplace_back(&child, d + 1);
  }
  return deepest;
}

std::string too_deep_message() { return fmt::format("a value nested more than {} levels deep", kMaxDepth); }

// Pushes a JSON value as Lua data. Throws ConvertError for a value nested deeper than kMaxDepth.
void push_json(lua_State* L, const json& v, int depth) {
  if (v.is_structured()) {
    if (depth >= kMaxDepth) throw ConvertError(too_deep_message());
    if (!lua_checkstack(L, 3)) throw ConvertError("out of Lua stack space");
  }
  switch (v.type()) {
    case json::value_t::null: lua_pushnil(L); break;
    case json::value_t::boolean: lua_pushboolean(L, v.get<bool>()); break;
    case json::value_t::number_integer: lua_pushinteger(L, v.get<int64_t>()); break;
    case json::value_t::number_unsigned: lua_pushinteger(L, static_cast<lua_Integer>(v.get<uint64_t>())); break;
    case json::value_t::number_float: lua_pushnumber(L, v.get<double>()); break;
    case json::value_t::string: {
      const auto& s = v.get_ref<const std::string&>();
      lua_pushlstring(L, s.data(), s.size());
      break;
    }
    case json::value_t::array: {
      lua_createtable(L, static_cast<int>(std::min<size_t>(v.size(), INT32_MAX)), 0);
      lua_Integer i = 1;
      for (const auto& x : v) {
        push_json(L, x, depth + 1);
        lua_rawseti(L, -2, i++);
      }
      break;
    }
    case json::value_t::object: {
      lua_createtable(L, 0, static_cast<int>(std::min<size_t>(v.size(), INT32_MAX)));
      for (const auto& [k, x] : v.items()) {
        lua_pushlstring(L, k.data(), k.size());
        push_json(L, x, depth + 1);
        lua_rawset(L, -3);
      }
      break;
    }
    default: lua_pushnil(L); break;
  }
}

namespace {

// Converts Lua data to JSON without running metamethods. Bounded three ways: nesting (a cycle
// is too deep), and the number of values and string bytes produced (a table shared many times
// over would otherwise expand exponentially), both from the state's memory budget.
class ToJson {
 public:
  ToJson(lua_State* L, size_t byte_budget) : L_(L), bytes_left_(std::max<size_t>(byte_budget, 1u << 20)) {}

  json operator()(int idx, int depth = 0) {
    idx = lua_absindex(L_, idx);
    spend(16);
    switch (lua_type(L_, idx)) {
      case LUA_TNIL: return nullptr;
      case LUA_TBOOLEAN: return lua_toboolean(L_, idx) != 0;
      case LUA_TNUMBER: {
        if (lua_isinteger(L_, idx)) return static_cast<int64_t>(lua_tointeger(L_, idx));
        double d = lua_tonumber(L_, idx);
        if (!std::isfinite(d)) return nullptr;
        return d;
      }
      case LUA_TSTRING: {
        size_t len = 0;
        const char* s = lua_tolstring(L_, idx, &len);
        spend(len);
        return std::string(s, len);
      }
      case LUA_TTABLE: return table(idx, depth);
      default:
        throw ConvertError(fmt::format("a {} cannot cross into JSON", luaL_typename(L_, idx)));
    }
  }

 private:
  void spend(size_t n) {
    if (n > bytes_left_) throw ConvertError("a value too large to convert to JSON (larger than the memory budget)");
    bytes_left_ -= n;
  }

  json table(int idx, int depth) {
    if (depth >= kMaxDepth) throw ConvertError(fmt::format("table nested more than {} levels deep (or a cycle)", kMaxDepth));
    if (!lua_checkstack(L_, 4)) throw ConvertError("out of Lua stack space");
    lua_Integer n = static_cast<lua_Integer>(lua_rawlen(L_, idx));
    lua_Integer count = 0;
    bool all_int_keys = true;
    lua_pushnil(L_);
    while (lua_next(L_, idx)) {
      ++count;
      if (!lua_isinteger(L_, -2)) all_int_keys = false;
      lua_pop(L_, 1);
    }
    if (count > 0 && all_int_keys && count == n) {
      json arr = json::array();
      for (lua_Integer i = 1; i <= n; ++i) {
        lua_rawgeti(L_, idx, i);
        arr.push_back((*this)(-1, depth + 1));
        lua_pop(L_, 1);
      }
      return arr;
    }
    json obj = json::object();
    lua_pushnil(L_);
    while (lua_next(L_, idx)) {
      std::string key;
      if (lua_type(L_, -2) == LUA_TSTRING) {
        size_t len = 0;
        const char* k = lua_tolstring(L_, -2, &len);
        key.assign(k, len);
      } else if (lua_type(L_, -2) == LUA_TNUMBER) {
        lua_pushvalue(L_, -2);  // copy: lua_tostring would change the key in place
        key = lua_tostring(L_, -1);
        lua_pop(L_, 1);
      } else {
        lua_pop(L_, 1);
        continue;  // boolean/table keys have no JSON form
      }
      spend(key.size());
      if (key.rfind("__", 0) != 0) obj[key] = (*this)(-1, depth + 1);
      lua_pop(L_, 1);
    }
    return obj;
  }

  lua_State* L_;
  size_t bytes_left_;
};

}  // namespace

json to_json(lua_State* L, int idx) { return ToJson(L, budget_of(L).limit)(idx); }

}  // namespace spar::persona
