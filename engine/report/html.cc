#include "report/html.h"

#include <string_view>

#include "score/cases.h"

namespace spar::report {

extern const std::string_view kReportTemplate;  // assets/report.html, embedded

namespace {

// The payload sits inside <script type="application/json">. The HTML tokenizer ends that element
// at the first "</script" and treats "<!--" + "<script" specially, whatever the JSON means, so no
// '<' may reach the page raw. nlohmann's dump() leaves '<' alone; JSON only allows it inside
// strings, where the escape "\u003c" means the same character to JSON.parse. ("<\/" would do for
// "</script" but not for "<!--".)
std::string escape_for_script(const std::string& json_text) {
  std::string out;
  out.reserve(json_text.size() + json_text.size() / 64);
  for (char c : json_text) {
    if (c == '<') {
      out += "\\u003c";
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

std::string render_html(const json& summary, const std::vector<json>& records, const json& run,
                        const json& calibration) {
  // Each record's case key beside it (the page groups by it, never re-deriving it), and whether
  // the persona x scenario matrix is drawn.
  const score::CaseKeys keys(records);
  json cases = json::array();
  for (const auto& r : records) cases.push_back(keys.key(r));
  json data = {{"summary", summary}, {"records", records}, {"cases", std::move(cases)},
               {"persona_matrix", score::shows_personas(summary)}, {"run", run}};
  if (!calibration.is_null()) data["calibration"] = calibration;
  // ensure_ascii: the payload is pure ASCII, so U+2028/U+2029 and invalid UTF-8 in agent replies
  // (replaced, not thrown on) cannot upset the page either.
  std::string payload = escape_for_script(data.dump(-1, ' ', true, json::error_handler_t::replace));
  std::string page(kReportTemplate);
  const std::string mark = "/*SPAR_DATA*/";
  auto pos = page.find(mark);
  if (pos != std::string::npos) page.replace(pos, mark.size(), payload);
  return page;
}

}  // namespace spar::report
