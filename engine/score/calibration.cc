#include "score/calibration.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>
#include <set>

#include <fmt/format.h>

#include "base/json_util.h"

namespace spar::score {

namespace {

double round6(double x) { return std::round(x * 1e6) / 1e6; }

json opt(const std::optional<double>& v) { return v ? json(round6(*v)) : json(nullptr); }

std::optional<double> as_number(const std::string& s) {
  if (s.empty()) return std::nullopt;
  char* end = nullptr;
  double v = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

// The kind of an item: "conversation", "event", "checkpoint", "policy".
std::string item_kind(const std::string& item) { return item.substr(0, item.find(':')); }

Level level_of(const std::string& item) { return item_kind(item) == "checkpoint" ? Level::interval : Level::nominal; }

// The most frequent value; nullopt on a tie for the most.
std::optional<std::string> majority(const std::vector<const Rating*>& ratings) {
  std::map<std::string, int> count;
  for (const Rating* r : ratings) ++count[r->value];
  int best = 0, at_best = 0;
  std::string value;
  for (const auto& [v, n] : count) {
    if (n > best) {
      best = n, at_best = 1, value = v;
    } else if (n == best) {
      ++at_best;
    }
  }
  if (at_best != 1) return std::nullopt;
  return value;
}

// How far a grader's value is from the humans': the share of humans who said otherwise
// (nominal), or the distance to their mean (interval, on the 0..1 scale).
double distance(const Rating& g, const std::vector<const Rating*>& humans, Level level) {
  if (humans.empty()) return 0;
  if (level == Level::interval) {
    auto gv = as_number(g.value);
    double sum = 0;
    int n = 0;
    for (const Rating* h : humans) {
      if (auto v = as_number(h->value)) sum += *v, ++n;
    }
    if (!gv || n == 0) return 0;
    return std::fabs(*gv - sum / n);
  }
  int differ = 0;
  for (const Rating* h : humans) differ += h->value != g.value;
  return static_cast<double>(differ) / static_cast<double>(humans.size());
}

json pair_stats(const Pairs& pairs) {
  return {{"n", pairs.size()},
          {"agreement", opt(observed_agreement(pairs))},
          {"kappa", opt(cohen_kappa(pairs))},
          {"confusion", confusion_table(pairs)}};
}

}  // namespace

std::optional<double> observed_agreement(const Pairs& pairs) {
  if (pairs.empty()) return std::nullopt;
  size_t same = 0;
  for (const auto& [a, b] : pairs) same += a == b;
  return static_cast<double>(same) / static_cast<double>(pairs.size());
}

std::optional<double> cohen_kappa(const Pairs& pairs) {
  if (pairs.empty()) return std::nullopt;
  std::map<std::string, double> first, second;
  for (const auto& [a, b] : pairs) first[a] += 1, second[b] += 1;
  double n = static_cast<double>(pairs.size());
  double pe = 0;
  for (const auto& [c, count] : first) {
    auto it = second.find(c);
    if (it != second.end()) pe += (count / n) * (it->second / n);
  }
  if (pe >= 1 - 1e-12) return std::nullopt;
  double po = *observed_agreement(pairs);
  return (po - pe) / (1 - pe);
}

json confusion_table(const Pairs& pairs) {
  std::set<std::string> labels;
  json counts = json::object();
  for (const auto& [a, b] : pairs) {
    labels.insert(a), labels.insert(b);
    json& cell = counts[a][b];
    cell = cell.is_number() ? cell.get<int>() + 1 : 1;
  }
  return {{"labels", json(std::vector<std::string>(labels.begin(), labels.end()))}, {"counts", counts}};
}

std::optional<double> krippendorff_alpha(const std::vector<std::vector<std::string>>& units, Level level) {
  // Values as categories: strings for nominal, numbers for interval (so "1" and "1.0" coincide).
  std::map<std::string, size_t> index;
  std::vector<double> numbers;
  std::vector<std::vector<size_t>> coded;
  for (const auto& u : units) {
    std::vector<size_t> values;
    for (const auto& v : u) {
      std::string key = v;
      std::optional<double> x;
      if (level == Level::interval) {
        x = as_number(v);
        if (!x) continue;
        key = std::to_string(*x);
      }
      auto [it, fresh] = index.try_emplace(key, index.size());
      if (fresh) numbers.push_back(x.value_or(0));
      values.push_back(it->second);
    }
    if (values.size() >= 2) coded.push_back(std::move(values));
  }
  size_t k = index.size();
  std::vector<std::vector<double>> o(k, std::vector<double>(k, 0));
  for (const auto& u : coded) {
    double w = 1.0 / static_cast<double>(u.size() - 1);
    for (size_t i = 0; i < u.size(); ++i) {
      for (size_t j = 0; j < u.size(); ++j) {
        if (i != j) o[u[i]][u[j]] += w;
      }
    }
  }
  std::vector<double> nc(k, 0);
  double n = 0;
  for (size_t c = 0; c < k; ++c) {
    for (size_t d = 0; d < k; ++d) nc[c] += o[c][d];
    n += nc[c];
  }
  if (n < 2) return std::nullopt;
  auto delta = [&](size_t c, size_t d) {
    if (level == Level::nominal) return c == d ? 0.0 : 1.0;
    double diff = numbers[c] - numbers[d];
    return diff * diff;
  };
  double observed = 0, expected = 0;
  for (size_t c = 0; c < k; ++c) {
    for (size_t d = 0; d < k; ++d) {
      observed += o[c][d] * delta(c, d);
      expected += nc[c] * nc[d] * delta(c, d);
    }
  }
  if (expected <= 0) return std::nullopt;
  return 1 - (n - 1) * observed / expected;
}

json compare_with_humans(const std::vector<Rating>& graders, const std::vector<Rating>& humans,
                         const CompareOptions& options) {
  std::map<std::string, std::vector<const Rating*>> by_unit;
  std::set<std::string> reviewers;
  for (const auto& h : humans) by_unit[h.unit].push_back(&h), reviewers.insert(h.rater);

  // Each grader, and each family of graders (the name before ':') taken together.
  std::map<std::string, std::vector<const Rating*>> groups;
  std::map<std::string, bool> is_family;
  for (const auto& g : graders) {
    groups[g.rater].push_back(&g);
    is_family.try_emplace(g.rater, false);
    auto colon = g.rater.find(':');
    if (colon != std::string::npos) {
      groups[g.rater.substr(0, colon)].push_back(&g);
      is_family[g.rater.substr(0, colon)] = true;
      // A judge per model and rubric (judge:<model>@<rubric>) is also one of its model's.
      auto at = g.rater.find('@', colon);
      if (g.rater.compare(0, colon, "judge") == 0 && at != std::string::npos) {
        groups[g.rater.substr(0, at)].push_back(&g);
        is_family[g.rater.substr(0, at)] = true;
      }
    }
  }

  json out_graders = json::array(), unlabelled = json::object();
  for (const auto& [name, ratings] : groups) {
    Pairs pairs;
    std::vector<std::vector<std::string>> alpha_units;
    bool interval = true;
    int tied = 0, labelled = 0;
    struct Worst {
      double d;
      const Rating* g;
      const std::vector<const Rating*>* h;
    };
    std::vector<Worst> worst;
    for (const Rating* g : ratings) {
      auto it = by_unit.find(g->unit);
      if (it == by_unit.end()) continue;
      ++labelled;
      interval = interval && level_of(g->item) == Level::interval;
      if (auto m = majority(it->second)) {
        pairs.emplace_back(g->value, *m);
      } else {
        ++tied;
      }
      std::vector<std::string> values = {g->value};
      for (const Rating* h : it->second) values.push_back(h->value);
      alpha_units.push_back(std::move(values));
      double d = distance(*g, it->second, level_of(g->item));
      if (d > 0) worst.push_back({d, g, &it->second});
    }
    if (labelled == 0) {
      if (!is_family[name]) unlabelled[name] = ratings.size();
      continue;
    }
    json entry = pair_stats(pairs);
    entry["grader"] = name;
    entry["family"] = is_family[name];
    entry["scale"] = interval ? "interval" : "nominal";
    entry["items"] = ratings.size();  // items the grader decided, labelled or not
    entry["labelled"] = labelled;     // of which humans labelled
    entry["tied"] = tied;             // humans split evenly: left out of agreement and kappa
    entry["alpha"] = opt(krippendorff_alpha(alpha_units, interval ? Level::interval : Level::nominal));
    const json& kappa = entry["kappa"];
    entry["flagged"] = entry["n"].get<size_t>() > 0 && (kappa.is_null() || kappa.get<double>() < options.threshold);
    if (entry["flagged"].get<bool>()) {
      entry["flag"] = kappa.is_null() ? std::string("kappa undefined (one category only)")
                                      : "kappa below " + json(options.threshold).dump();
    } else if (entry["n"].get<size_t>() == 0) {
      entry["flag"] = "no item with a human majority";
    }
    std::stable_sort(worst.begin(), worst.end(), [](const Worst& a, const Worst& b) { return a.d > b.d; });
    json dis = json::array();
    for (size_t i = 0; i < worst.size() && i < options.disagreements; ++i) {
      const Worst& w = worst[i];
      json people = json::array();
      for (const Rating* h : *w.h) people.push_back({{"reviewer", h->rater}, {"label", h->value}, {"rationale", h->rationale}});
      json item = w.g->where;
      item["item"] = w.g->item;
      item["grader"] = w.g->rater;
      item["value"] = w.g->value;
      item["rationale"] = w.g->rationale;
      item["humans"] = std::move(people);
      item["distance"] = round6(w.d);
      dis.push_back(std::move(item));
    }
    entry["disagreements"] = std::move(dis);
    out_graders.push_back(std::move(entry));
  }

  // Reviewer against reviewer, per item kind.
  json people = json::object();
  std::map<std::string, std::vector<std::string>> kind_units;
  for (const auto& [unit, hs] : by_unit) kind_units[item_kind(hs.front()->item)].push_back(unit);
  for (const auto& [kind, units] : kind_units) {
    std::vector<std::vector<std::string>> alpha_units;
    std::map<std::pair<std::string, std::string>, Pairs> pairs;
    for (const auto& unit : units) {
      const auto& hs = by_unit[unit];
      if (hs.size() < 2) continue;
      std::vector<std::string> values;
      for (const Rating* h : hs) values.push_back(h->value);
      alpha_units.push_back(std::move(values));
      for (size_t i = 0; i < hs.size(); ++i) {
        for (size_t j = i + 1; j < hs.size(); ++j) {
          const Rating *a = hs[i], *b = hs[j];
          if (a->rater > b->rater) std::swap(a, b);
          pairs[{a->rater, b->rater}].emplace_back(a->value, b->value);
        }
      }
    }
    if (alpha_units.empty()) continue;
    json pj = json::array();
    for (const auto& [ab, p] : pairs) {
      json e = pair_stats(p);
      e["a"] = ab.first;
      e["b"] = ab.second;
      pj.push_back(std::move(e));
    }
    people[kind] = {{"units", alpha_units.size()},
                    {"scale", kind == "checkpoint" ? "interval" : "nominal"},
                    {"alpha", opt(krippendorff_alpha(alpha_units, kind == "checkpoint" ? Level::interval : Level::nominal))},
                    {"pairs", std::move(pj)}};
  }

  return {{"threshold", options.threshold},
          {"labels", humans.size()},
          {"reviewers", json(std::vector<std::string>(reviewers.begin(), reviewers.end()))},
          {"units_labelled", by_unit.size()},
          {"graders", std::move(out_graders)},
          {"unlabelled_graders", std::move(unlabelled)},
          {"reviewers_agreement", std::move(people)}};
}

namespace {

const char* const kStats[] = {"kappa", "alpha", "agreement", "n"};

}  // namespace

Result<Gate> parse_calibration_gate(const std::string& text) {
  auto g = split_gate(text);
  if (!g.ok()) {
    return make_error(ErrorKind::input, fmt::format("bad gate '{}': expected GRADER.STAT OP VALUE, like 'judge.kappa>=0.6'", text));
  }
  auto dot = g->key.rfind('.');
  std::string stat = dot == std::string::npos ? "" : g->key.substr(dot + 1);
  bool known = false;
  for (const char* s : kStats) known = known || stat == s;
  if (!known || dot == 0) {
    return make_error(ErrorKind::input, fmt::format("bad gate '{}': the key is GRADER.kappa, GRADER.alpha, GRADER.agreement "
                                                    "or GRADER.n (GRADER: outcome, judge, judge:MODEL, recovery:KIND, "
                                                    "policy:RULE, label:SOURCE)", text));
  }
  return g;
}

std::vector<GateResult> check_calibration_gates(const json& comparison, const std::vector<Gate>& gates) {
  std::vector<GateResult> out;
  for (const auto& g : gates) {
    GateResult r{g, std::nullopt, false, ""};
    auto dot = g.key.rfind('.');
    std::string name = g.key.substr(0, dot), stat = g.key.substr(dot + 1);
    const json* found = nullptr;
    for (const auto& e : member(comparison, "graders")) {
      if (e.value("grader", "") == name) found = &e;
    }
    if (!found) {
      r.message = member(comparison, "unlabelled_graders").contains(name)
                      ? fmt::format("{}: no item both it and a person labelled", name)
                      : fmt::format("{}: no such grader in these records", name);
    } else if (found->value("n", 0) == 0) {
      r.message = fmt::format("{}: no item with a human majority to compare with", name);
    } else if (!(*found)[stat].is_number()) {
      r.message = fmt::format("{} is undefined ({})", g.key, found->value("flag", "one category only"));
    } else {
      r.value = (*found)[stat].get<double>();
      r.held = gate_holds(g, *r.value);
      r.message = fmt::format("{} = {:.4g}, needs {} {:g}", g.key, *r.value, g.op, g.threshold);
    }
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace spar::score
