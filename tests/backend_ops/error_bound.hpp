// How far a backend's result may be from the float64 reference: a bound per output element,
// derived from the arithmetic the op does, never fitted to what happened to pass.
//
// Model. Every fp32 operation rounds to nearest: fl(a op b) = (a op b)(1 + d), |d| <= u = 2^-24.
// bf16/fp16 weights and K/V are rounded before the reference sees them (it reads the stored
// values), so their storage is no error of the kernel and u stays fp32's; where a test feeds the
// reference the unrounded values instead (the K/V a kernel rounds on the way into its cache), the
// storage rounding enters as an input error of u_s|x| (u_s = 2^-8 for bf16, 2^-11 for fp16).
//
// Sums (dot products, sums of squares, softmax denominators, attention's value sums). A sum of n
// terms t_k in fp32, in any order (sequential, SIMD lanes plus a tree, blocked GEMM panels, split
// K) satisfies, to first order in u,
//     s^ - s = sum_k delta_k * s_k,   |delta_k| <= u,
// the s_k being the intermediate results (partial sums and products), each |s_k| <= S = sum |t_k|,
// and no term passes through more than n roundings. The worst case n*u*S is far too pessimistic.
// Higham & Mary (SIAM J. Sci. Comput. 41(5), 2019, "A new approach to probabilistic rounding error
// analysis") treat the delta_k as independent and zero-mean: the error is then a martingale whose
// increments are bounded by u|s_k|, and Azuma-Hoeffding gives
//     |s^ - s| <= lambda * u * sqrt(sum s_k^2) <= lambda * sqrt(n) * u * S
// with probability >= 1 - 2 exp(-lambda^2 / 2) for *adversarial* deltas at +-u. With lambda = 2
// (kLambda) this is still 3.5 standard deviations of the actual error in the worst case the model
// allows (round-to-nearest deltas spread over [-u, u]: variance <= u^2 / 3, and sqrt(sum s_k^2)
// reaches sqrt(n) * S only when every partial sum is S); with partial sums that grow linearly (all
// terms of one sign) it is 6 sigma, and with random signs far more. So a backend that accumulates
// honestly in fp32 passes on every target and any data, while one dropped product of average size
// S / n overshoots the bound by 1 / (lambda * n^1.5 * u): 260x at n = 1000, 32x at n = 4103
// (test_bound_catches.cpp proves it on a real kernel). With a bias the sum has n + 1 terms and S
// includes |bias|.
//
// Everything else (a few operations per element: scales, norms' sqrt and division, activations)
// is bounded deterministically, to first order, by propagating through the formula the op
// defines, in the order backend.hpp states it (Tracked below): each rounding adds u|result| and
// each input error is carried by the derivative. Elementary functions (exp, tanh, erf, log1p) are
// allowed kFunctionUlps = 4 ulps (<= 8u relative): the largest of the documented maxima of the
// implementations our backends use: Highway's Exp 1 ulp and Tanh 4 ulps (hwy/contrib/math),
// glibc's expf/tanhf/erff/log1pf <= 2 ulps on x86_64 (glibc manual, "Known Maximum Errors in Math
// Functions"), CUDA's expf/tanhf/erff 2 ulps (CUDA C++ Programming Guide, "Mathematical Functions";
// the __expf intrinsics are worse and not allowed). A literal the kernel rounds to fp32
// (sqrt(2/pi)) is an input with error u|c|. Second-order terms (u^2) are dropped: they are below
// 1e-13 here.
#pragma once

#include <boost/test/unit_test.hpp>
#include <cmath>
#include <cstddef>
#include <string>
#include <vector>

namespace archscope::test {

inline constexpr double kU = 0x1p-24;         // fp32 unit roundoff (round to nearest)
inline constexpr double kLambda = 2.0;        // see the top of the file
inline constexpr double kFunctionUlps = 4.0;  // elementary functions, see the top of the file
inline constexpr double kUBf16 = 0x1p-8;      // storage roundings (8 and 11 significand bits)
inline constexpr double kUF16 = 0x1p-11;
inline constexpr double kF16HalfSubnormalUlp = 0x1p-25;  // absolute error floor of fp16 storage

// lambda * sqrt(n) * u: the relative bound of an n-term fp32 sum, as a multiple of S.
inline double sum_bound_factor(size_t n) {
  return kLambda * std::sqrt(static_cast<double>(n)) * kU;
}

// A value of the float64 reference (v) and a first-order bound (e) on how far an fp32 evaluation
// of the same formula may be from it.
struct Tracked {
  double v = 0.0;
  double e = 0.0;
};

inline Tracked stored(double v) {
  return {v, 0.0};
}  // an input exactly as the kernel reads it
inline Tracked fp32_literal(double c) {
  return {c, kU * std::abs(c)};
}  // a constant rounded to fp32

inline Tracked operator+(Tracked a, Tracked b) {
  const double v = a.v + b.v;
  return {v, a.e + b.e + kU * std::abs(v)};
}
inline Tracked operator-(Tracked a, Tracked b) {
  const double v = a.v - b.v;
  return {v, a.e + b.e + kU * std::abs(v)};
}
inline Tracked operator-(Tracked a) {
  return {-a.v, a.e};
}
inline Tracked operator*(Tracked a, Tracked b) {
  const double v = a.v * b.v;
  return {v, std::abs(a.v) * b.e + std::abs(b.v) * a.e + kU * std::abs(v)};
}
inline Tracked operator/(Tracked a, Tracked b) {
  const double v = a.v / b.v;
  return {v, (a.e + std::abs(v) * b.e) / std::abs(b.v) + kU * std::abs(v)};
}
inline Tracked sqrt(Tracked a) {  // correctly rounded (IEEE)
  const double v = std::sqrt(a.v);
  return {v, a.e / (2.0 * v) + kU * v};
}
// An elementary function f with derivative df at the value: kFunctionUlps of the result (1 ulp
// <= 2u relative; 2^-149 covers a subnormal result) plus the input error times |f'|.
inline Tracked function(Tracked a, double f, double df) {
  return {f, std::abs(df) * a.e + 2.0 * kFunctionUlps * (kU * std::abs(f) + 0x1p-149)};
}
inline Tracked exp(Tracked a) {
  return function(a, std::exp(a.v), std::exp(a.v));
}
inline Tracked tanh(Tracked a) {
  const double t = std::tanh(a.v);
  return function(a, t, 1.0 - t * t);
}
inline Tracked erf(Tracked a) {
  return function(a, std::erf(a.v), 2.0 / std::sqrt(M_PI) * std::exp(-a.v * a.v));
}
inline Tracked log1p(Tracked a) {
  return function(a, std::log1p(a.v), 1.0 / (1.0 + a.v));
}

// sum_k t_k in fp32, any order: propagated input errors plus lambda sqrt(n) u sum |t_k|.
Tracked sum(const std::vector<Tracked>& terms);
// sum_k a_k b_k (+ bias when given) in fp32, any order, products included in the n roundings.
Tracked dot(const std::vector<Tracked>& a, const std::vector<Tracked>& b);
Tracked dot(const std::vector<Tracked>& a, const std::vector<Tracked>& b, Tracked bias);

// Common compositions, in the order backend.hpp defines them.
Tracked sigmoid(Tracked x);  // 1 / (1 + exp(-x))
Tracked silu(Tracked x);     // x * sigmoid(x)

// What a backend must produce: per element the reference value and the allowed |error|.
struct Expected {
  std::vector<double> value;
  std::vector<double> bound;
  void push(Tracked t) {
    value.push_back(t.v);
    bound.push_back(t.e);
  }
};
Expected expected_from(const std::vector<Tracked>& t);

// The worst element: |got - value| / bound (0 for an exact match, +inf for NaN or a non-zero
// error against a zero bound).
struct Verdict {
  double ratio = 0.0;
  size_t index = 0;
  double got = 0.0, want = 0.0, bound = 0.0;
};
Verdict judge(const std::vector<float>& got, const Expected& want);
std::string describe(const Verdict& v);
// With ARCHSCOPE_BOUND_LOG set, every check logs its worst element (how much margin is left).
void log_verdict(const Verdict& v);

}  // namespace archscope::test

// Every element within its bound; the message names the worst element.
#define ARCHSCOPE_CHECK_WITHIN(got, want)                                                \
  do {                                                                                   \
    const ::archscope::test::Verdict verdict_ = ::archscope::test::judge((got), (want)); \
    ::archscope::test::log_verdict(verdict_);                                            \
    BOOST_CHECK_MESSAGE(verdict_.ratio <= 1.0, ::archscope::test::describe(verdict_));   \
  } while (0)
