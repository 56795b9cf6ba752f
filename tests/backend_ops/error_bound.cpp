#include "error_bound.hpp"

#include <cstdlib>
#include <limits>
#include <sstream>

namespace archscope::test {

Tracked sum(const std::vector<Tracked>& terms) {
  Tracked s;
  double mag = 0.0;
  for (const Tracked& t : terms) {
    s.v += t.v;
    s.e += t.e;
    mag += std::abs(t.v);
  }
  s.e += sum_bound_factor(terms.size()) * mag;
  return s;
}

namespace {
Tracked dot_terms(const std::vector<Tracked>& a, const std::vector<Tracked>& b, Tracked bias,
                  bool has_bias) {
  BOOST_REQUIRE_EQUAL(a.size(), b.size());
  Tracked s = bias;
  double mag = std::abs(bias.v);
  for (size_t k = 0; k < a.size(); ++k) {
    s.v += a[k].v * b[k].v;
    s.e += std::abs(a[k].v) * b[k].e + std::abs(b[k].v) * a[k].e;
    mag += std::abs(a[k].v * b[k].v);
  }
  s.e += sum_bound_factor(a.size() + (has_bias ? 1 : 0)) * mag;
  return s;
}
}  // namespace

Tracked dot(const std::vector<Tracked>& a, const std::vector<Tracked>& b, Tracked bias) {
  return dot_terms(a, b, bias, true);
}
Tracked dot(const std::vector<Tracked>& a, const std::vector<Tracked>& b) {
  return dot_terms(a, b, Tracked{}, false);
}

Tracked sigmoid(Tracked x) {
  return stored(1.0) / (stored(1.0) + exp(-x));
}
Tracked silu(Tracked x) {
  return x * sigmoid(x);
}

Expected expected_from(const std::vector<Tracked>& t) {
  Expected e;
  for (const Tracked& x : t) e.push(x);
  return e;
}

Verdict judge(const std::vector<float>& got, const Expected& want) {
  BOOST_REQUIRE_EQUAL(got.size(), want.value.size());
  BOOST_REQUIRE_EQUAL(want.bound.size(), want.value.size());
  Verdict worst;
  worst.ratio = -1.0;
  for (size_t i = 0; i < got.size(); ++i) {
    const double err = std::abs(static_cast<double>(got[i]) - want.value[i]);
    double r = err / want.bound[i];
    if (std::isnan(err)) r = std::numeric_limits<double>::infinity();
    if (err == 0.0) r = 0.0;
    if (r > worst.ratio) worst = {r, i, got[i], want.value[i], want.bound[i]};
  }
  if (worst.ratio < 0.0) worst.ratio = 0.0;  // no elements
  return worst;
}

std::string describe(const Verdict& v) {
  std::ostringstream s;
  s.precision(9);
  s << "worst element " << v.index << ": got " << v.got << ", float64 reference " << v.want
    << ", |error| " << std::abs(v.got - v.want) << " = " << v.ratio << " x its bound " << v.bound;
  return s.str();
}

}  // namespace archscope::test

namespace archscope::test {
void log_verdict(const Verdict& v) {
  static const bool on = std::getenv("ARCHSCOPE_BOUND_LOG") != nullptr;
  if (on) BOOST_TEST_MESSAGE(describe(v));
}
}  // namespace archscope::test
