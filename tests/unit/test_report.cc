// report/: write_report reads records without transcripts and embeds only the transcripts
// report.html shows, failures first.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include "report/report.h"
#include "report/results.h"
#include "support.h"

using namespace spar;
using json = nlohmann::json;
using spar::test::TempDir;
using spar::test::write_file;

namespace {
json record(const std::string& scenario, int trial, bool pass, const std::string& said) {
  return {{"scenario", scenario}, {"trial", trial}, {"status", "completed"}, {"pass", pass}, {"turns", 1},
          {"transcript", json::array({{{"role", "user"}, {"content", said}, {"turn", 1}}})}};
}
std::string slurp(const std::string& path) {
  std::stringstream ss;
  ss << std::ifstream(path).rdbuf();
  return ss.str();
}
}  // namespace

TEST_CASE("report: transcripts are dropped on read and only the shown ones come back") {
  TempDir dir;
  std::string lines;
  lines += report::to_line(record("s/a", 1, true, "passing-one")) + "\n";
  lines += report::to_line(record("s/a", 2, false, "failing-two")) + "\n";
  lines += report::to_line(record("s/a", 3, true, "passing-three")) + "\n";
  write_file("run/results.jsonl", lines);

  auto slim = report::read_results("run/results.jsonl", /*drop_transcripts=*/true);
  REQUIRE(slim.ok());
  REQUIRE(slim->records.size() == 3);
  CHECK_FALSE(slim->records[0].contains("transcript"));
  CHECK(slim->lines == std::vector<int>{1, 2, 3});
  CHECK(report::read_results("run/results.jsonl")->records[0].contains("transcript"));

  report::ReportOptions options;
  options.max_transcripts = 2;
  auto summary = report::write_report("run", options);
  REQUIRE(summary.ok());
  CHECK(summary->value("completed", 0) == 3);
  std::string html = slurp("run/report.html");
  CHECK(html.find("failing-two") != std::string::npos);    // failures first
  CHECK(html.find("passing-one") != std::string::npos);    // then in file order
  CHECK(html.find("passing-three") == std::string::npos);  // over the limit
  CHECK(html.find("\"results_line\":3") != std::string::npos);
  CHECK(html.find("\"transcript_omitted\":true") != std::string::npos);

  options.max_transcripts = 1000;
  REQUIRE(report::write_report("run", options).ok());
  html = slurp("run/report.html");
  CHECK(html.find("passing-three") != std::string::npos);
  CHECK(html.find("\"transcript_omitted\":true") == std::string::npos);
}
