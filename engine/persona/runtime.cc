// The Lua bridge. See runtime.h for the contract.
//
// Lua is linked as C++ (Debian's liblua5.4-c++), so lua_error unwinds with a C++ exception
// and the Lua headers are included without extern "C".
//
// Every piece of user code (a script's main chunk, a tool, goal(), the persona) runs on a Lua
// thread through lua_resume. On an error the thread's stack is left intact, so the bridge can
// name the script line even for errors that carry no position (out of memory, CPU budget).
// Budgets are enforced only while user code runs: a count hook checks the thread's CPU time
// against a deadline, and the allocator refuses to grow the state past its cap.
//
// The bridge is split by concern: sandbox.cc, lua_json.cc, loader.cc, actions.cc, checks.cc;
// internal.h holds what they share (Session::Impl).
#include "persona/runtime.h"

#include "persona/internal.h"

namespace spar::persona {

Session::Session() : impl_(std::make_unique<Impl>()) {}
Session::~Session() = default;

const ScenarioInfo& Session::info() const { return impl_->info; }

}  // namespace spar::persona
