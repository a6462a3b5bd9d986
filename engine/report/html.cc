#include "report/html.h"

#include <string_view>

namespace spar::report {

extern const std::string_view kReportTemplate;  // assets/report.html, embedded

std::string render_html(const json& summary, const std::vector<json>& records, const json& run) {
  json data = {{"summary", summary}, {"records", records}, {"run", run}};
  std::string payload = data.dump(-1, ' ', true, json::error_handler_t::replace);
  std::string page(kReportTemplate);
  const std::string mark = "/*SPAR_DATA*/";
  auto pos = page.find(mark);
  if (pos != std::string::npos) page.replace(pos, mark.size(), payload);
  return page;
}

}  // namespace spar::report
