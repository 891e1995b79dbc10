#include "alerts/rr_af_detector.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <optional>
#include <span>
#include <type_traits>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "core/bit_count.hpp"

namespace vigil::alerts {

namespace {

constexpr double kShortestRr = 0.2;  // s; 300 /min, faster is not a ventricular rhythm
constexpr double kLongestRr = 3.0;   // s; longer is a pause, reported apart from AF
constexpr std::size_t kMinDifferences = 8;
constexpr std::size_t kMinResidualPairs = 4;
// When ectopy leaves fewer than kMinResidualPairs regular pairs, nothing of a
// dominant rhythm is left: score it as AF-like irregularity.
constexpr double kResidualWhenNoneLeft = 0.3;
constexpr double kLogFloor = 1e-3;
// Lake & Moorman's 30 ms at a median RR of 0.75 s (80 /min), made relative
// to the median so it does not depend on rate (as features 1 and 2).
constexpr double kEntropyTolerance = 0.04;
// A prior for windows with too few alike pairs: of the order of the chance
// that alike intervals are followed by alike ones in AF (the AF database's AF
// windows average a sample entropy of 2.1, a chance of 0.12).
constexpr double kEntropyPrior = 0.2;
// With jittered beat times (pulse onsets) every interval difference carries
// noise of ~2-2.5 jitter standard deviations; this much of a jitter sd is
// taken off each difference (and added to the transition tolerance). Half a
// sd keeps sensitivity on the AF database with 20 ms of simulated jitter
// (docs/rhythm.md); a full sd or more removed too much of AF's irregularity.
constexpr double kNoiseWidth = 0.5;

std::size_t quantile_rank(std::size_t size, double q) {
  return std::min(size - 1, static_cast<std::size_t>(q * static_cast<double>(size)));
}

double quantile(std::vector<double>& v, double q) {
  const auto i = quantile_rank(v.size(), q);
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(i), v.end());
  return v[i];
}

double sorted_quantile(const std::vector<double>& sorted, double q) {
  return sorted[quantile_rank(sorted.size(), q)];
}

// How many elements of an order have a key below `gone`, and how many a
// key not above `come`: the two places update_sorted needs. Counted two
// keys at a time (SSE2, in the x86-64 baseline): one by one, the count was
// most of an order's update. Keys are never NaN, so "not above" is "at most",
// and each lane's all-ones mask subtracted counts one.
struct OrderPlaces {
  std::size_t below = 0;
  std::size_t not_above = 0;
};

template <typename T, typename Key>
OrderPlaces order_places(const std::vector<T>& sorted, double gone, double come, Key key) {
  OrderPlaces p;
  std::size_t i = 0;
#if defined(__SSE2__)
  const __m128d g = _mm_set1_pd(gone), c = _mm_set1_pd(come);
  __m128i below = _mm_setzero_si128(), not_above = _mm_setzero_si128();
  auto count = [&](__m128d v) {
    below = _mm_sub_epi64(below, _mm_castpd_si128(_mm_cmplt_pd(v, g)));
    not_above = _mm_sub_epi64(not_above, _mm_castpd_si128(_mm_cmple_pd(v, c)));
  };
  if constexpr (std::is_same_v<T, double>) {
    // Keys side by side: two at a load, four an iteration.
    for (; i + 4 <= sorted.size(); i += 4) {
      count(_mm_loadu_pd(&sorted[i]));
      count(_mm_loadu_pd(&sorted[i + 2]));
    }
  }
  for (; i + 2 <= sorted.size(); i += 2)
    count(_mm_loadh_pd(_mm_load_sd(&key(sorted[i])), &key(sorted[i + 1])));
  alignas(16) std::uint64_t b[2], a[2];
  _mm_store_si128(reinterpret_cast<__m128i*>(b), below);
  _mm_store_si128(reinterpret_cast<__m128i*>(a), not_above);
  p = {b[0] + b[1], a[0] + a[1]};
#endif
  for (; i < sorted.size(); ++i) {
    p.below += key(sorted[i]) < gone ? 1 : 0;
    p.not_above += come < key(sorted[i]) ? 0 : 1;
  }
  return p;
}

// One sorted order's change as an interval leaves the window and another
// enters: the element that goes (if any) replaced by the one that comes (if
// any), moving only the elements between their places. Elements are ordered
// by `key`. `leaving` was inserted before, computed by the same expression,
// so it is found exactly; `same` picks it out among elements of equal key.
// Places are found by counting, not by binary search: over a window's few
// dozen elements a count has no branch to mispredict, and the searches'
// branches were most of the orders' cost.
template <typename T, typename Key, typename Same>
void update_sorted(std::vector<T>& sorted, const std::optional<T>& leaving, const std::optional<T>& entering,
                   Key key, Same same) {
  const T gone = leaving.value_or(T{}), come = entering.value_or(T{});
  auto less = [&](const T& x, const T& y) { return key(x) < key(y); };
  // The same element out and in leaves the order as it is (equal values are
  // the same bits here: no -0 among lengths and excess differences). On a
  // frame clock's intervals (a 75 Hz oximeter's) many of a beat's changes are.
  if (leaving && entering && same(come, gone) && key(come) == key(gone)) return;
  const auto [below, not_above] = order_places(sorted, key(gone), key(come), key);
  auto at = sorted.end();
  if (leaving) {
    at = sorted.begin() + static_cast<std::ptrdiff_t>(below);
    while (at != sorted.end() && !less(gone, *at) && !same(*at, gone)) ++at;
    if (at != sorted.end() && less(gone, *at)) at = sorted.end();
  }
  const auto place = sorted.begin() + static_cast<std::ptrdiff_t>(not_above);
  if (at == sorted.end()) {
    if (entering) sorted.insert(place, come);
  } else if (!entering) {
    sorted.erase(at);
  } else if (less(*at, come)) {  // the entering element goes past the leaving one
    std::move(at + 1, place, at);
    *(place - 1) = come;
  } else {
    const auto to = std::min(place, at);  // `at` itself when the two are equal
    std::move_backward(to, at, at + 1);
    *to = come;
  }
}

void update_sorted(std::vector<double>& sorted, std::optional<double> leaving,
                   std::optional<double> entering) {
  update_sorted(
      sorted, leaving, entering, [](const double& x) -> const double& { return x; },
      [](double, double) { return true; });
}

double excess_difference(double newer, double older, double noise) {
  return std::max(0.0, std::abs(newer - older) - noise);
}

// Buffers the features reuse, one set per thread: they run on every beat,
// and allocating them anew each time cost more than the arithmetic.
struct Scratch {
  std::vector<double> lengths;
  std::vector<double> diffs;
  std::vector<unsigned char> usable;  // bytes, not std::vector<bool>'s bits: read in the O(n^2) loops
  std::vector<unsigned char> drop;
  // sample_entropy's bit sets, `words` 64-bit words each (see there)
  std::vector<std::size_t> order;
  std::vector<std::size_t> by_length;  // assess(): the window's positions in length order
  std::vector<std::uint64_t> shortest;
  std::vector<std::uint64_t> alike;
  std::vector<std::uint64_t> starts;
  std::vector<std::uint64_t> starts_before;
  std::vector<std::size_t> run_first;
  std::vector<std::size_t> run_last;
};

Scratch& scratch() {
  thread_local Scratch s;
  return s;
}

struct Window {
  std::span<const double> rr;
  std::span<const unsigned char> usable;
  double median;
  double noise;  // s
  // The intervals' positions in length order, when the caller keeps them
  // (the detector does); sample_entropy sorts them itself otherwise.
  const std::vector<std::size_t>* by_length = nullptr;
  double excess(std::size_t newer, std::size_t older) const {
    return excess_difference(rr[newer], rr[older], noise);
  }
};

double noise_allowance(const AfDetectorConfig& c) {
  return kNoiseWidth * core::to_seconds(c.timing_noise);
}

double pattern_irregularity(const Window& w, const AfDetectorConfig& c) {
  double best = 1.0;
  auto& diffs = scratch().diffs;
  for (std::size_t lag = 1; lag <= c.max_pattern_lag; ++lag) {
    diffs.clear();
    for (std::size_t j = lag; j < w.rr.size(); ++j) {
      if (w.usable[j] && w.usable[j - lag]) diffs.push_back(w.excess(j, j - lag));
    }
    if (diffs.size() >= kMinDifferences)
      best = std::min(best, quantile(diffs, c.pattern_quantile) / w.median);
  }
  return best;
}

// Feature 2's dropped intervals: unusable, premature (with the interval
// after it) or a missed beat's, relative to the window's median. Flags
// combined, not branched on: which intervals are premature is as good as
// random in AF, and the mispredicted branches were most of the cost.
struct DropThresholds {
  DropThresholds(const Window& w, const AfDetectorConfig& c)
      : premature{c.premature_ratio * w.median}, missed{c.missed_beat_ratio * w.median} {}
  double premature, missed;
};

const std::vector<unsigned char>& residual_drops(const Window& w, const AfDetectorConfig& c) {
  const std::size_t n = w.rr.size();
  const auto [premature, missed] = DropThresholds{w, c};
  auto& drop = scratch().drop;
  drop.resize(n);
  unsigned char after_premature = 0;  // the compensatory or reset interval
  for (std::size_t j = 0; j < n; ++j) {
    const unsigned char usable = w.usable[j] != 0 ? 1 : 0;
    const unsigned char early = usable & (w.rr[j] < premature ? 1 : 0);
    const unsigned char late = w.rr[j] > missed ? 1 : 0;
    drop[j] = static_cast<unsigned char>((usable ^ 1) | early | late | after_premature);
    after_premature = early;
  }
  return drop;
}

// The same drops as bits (interval j in bit j), for a window of at most 64
// intervals whose usable flags are bits too: the comparisons two at a time
// (SSE2), each the one residual_drops makes.
std::uint64_t residual_drop_bits(const Window& w, const AfDetectorConfig& c, std::uint64_t usable) {
  const std::size_t n = w.rr.size();
  const auto [premature, missed] = DropThresholds{w, c};
  std::uint64_t short_bits = 0, long_bits = 0;
  std::size_t j = 0;
#if defined(__SSE2__)
  const __m128d p = _mm_set1_pd(premature), m = _mm_set1_pd(missed);
  for (; j + 2 <= n; j += 2) {
    const __m128d v = _mm_loadu_pd(&w.rr[j]);
    short_bits |= static_cast<std::uint64_t>(_mm_movemask_pd(_mm_cmplt_pd(v, p))) << j;
    long_bits |= static_cast<std::uint64_t>(_mm_movemask_pd(_mm_cmpgt_pd(v, m))) << j;
  }
#endif
  for (; j < n; ++j) {
    short_bits |= static_cast<std::uint64_t>(w.rr[j] < premature ? 1 : 0) << j;
    long_bits |= static_cast<std::uint64_t>(w.rr[j] > missed ? 1 : 0) << j;
  }
  const std::uint64_t early = usable & short_bits;
  const std::uint64_t window = n == 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << n) - 1;
  return (~usable | early | long_bits | (early << 1)) & window;
}

std::size_t residual_pairs(const std::vector<unsigned char>& drop) {
  std::size_t pairs = 0;
  for (std::size_t j = 1; j < drop.size(); ++j) pairs += (drop[j] | drop[j - 1]) ^ 1;
  return pairs;
}

// From scratch: the kept successive differences gathered and their median selected.
double residual_irregularity(const Window& w, const AfDetectorConfig& c) {
  const auto& drop = residual_drops(w, c);
  auto& diffs = scratch().diffs;
  diffs.clear();
  for (std::size_t j = 1; j < w.rr.size(); ++j) {
    if (!drop[j] && !drop[j - 1]) diffs.push_back(w.excess(j, j - 1));
  }
  if (diffs.size() < kMinResidualPairs) return kResidualWhenNoneLeft;
  return quantile(diffs, 0.5) / w.median;
}

// Each interval's class (short, normal, long) is computed once, and each
// pair's verdict read from a table: branching on classes that AF makes as
// good as random mispredicted most of the time.
class TransitionClasses {
 public:
  TransitionClasses(const Window& w, const AfDetectorConfig& c)
      : shortest_normal_{(1 - tolerance(w, c)) * w.median},
        longest_normal_{(1 + tolerance(w, c)) * w.median} {}
  unsigned of(double rr) const {
    return 1u + (rr > longest_normal_ ? 1u : 0u) - (rr < shortest_normal_ ? 1u : 0u);
  }
  std::uint64_t unexplained(unsigned earlier, unsigned later) const { return kUnexplained[earlier][later]; }

 private:
  static double tolerance(const Window& w, const AfDetectorConfig& c) {
    return c.transition_tolerance + w.noise / w.median;
  }
  // [earlier][later], classes 0 short, 1 normal, 2 long: ectopy explains
  // short-long, short-normal and whatever returns to normal.
  static constexpr unsigned char kUnexplained[3][3] = {{1, 0, 0}, {0, 0, 1}, {1, 0, 1}};
  double shortest_normal_, longest_normal_;
};

TransitionCounts count_transitions(const Window& w, const TransitionClasses& classes) {
  TransitionCounts t;
  unsigned before = w.rr.empty() ? 1u : classes.of(w.rr[0]);
  for (std::size_t j = 1; j < w.rr.size(); ++j) {
    const unsigned now = classes.of(w.rr[j]);
    const std::uint64_t pair = (w.usable[j] != 0 && w.usable[j - 1] != 0) ? 1 : 0;
    t.pairs += pair;
    t.unexplained += pair & classes.unexplained(before, now);
    before = now;
  }
  return t;
}

// The counts of the window one interval before, with the same classes,
// moved on to `w`: the pair of the interval that left (when the window was
// full) and the window's oldest taken off, the newest pair added.
TransitionCounts transitions_moved_on(TransitionCounts t, const Window& w, const TransitionClasses& classes,
                                      std::optional<double> left, bool left_usable) {
  const std::size_t n = w.rr.size();
  if (left && left_usable && w.usable[0]) {
    --t.pairs;
    t.unexplained -= classes.unexplained(classes.of(*left), classes.of(w.rr[0]));
  }
  if (n >= 2 && w.usable[n - 2] && w.usable[n - 1]) {
    ++t.pairs;
    t.unexplained += classes.unexplained(classes.of(w.rr[n - 2]), classes.of(w.rr[n - 1]));
  }
  return t;
}

double transition_fraction(const TransitionCounts& t) {
  return t.pairs == 0 ? 0.0 : static_cast<double>(t.unexplained) / static_cast<double>(t.pairs);
}

double unexplained_transitions(const Window& w, const AfDetectorConfig& c) {
  return transition_fraction(count_transitions(w, TransitionClasses{w, c}));
}

// Sample entropy (m = 1; Richman & Moorman 2000, as used for AF by Lake &
// Moorman 2011) of the window: -ln of the chance that two intervals alike
// (within kEntropyTolerance of the median, plus the timing noise) are
// followed by two intervals alike too. Any rhythm with structure (regular,
// bigeminal, trigeminal, a sinus swing) makes like follow like; AF's
// intervals do not remember their predecessors. Counted over all pairs of
// the window. The chance is estimated as (a + kEntropyPrior) / (b + 1), so
// that a window where no two intervals are alike (b = 0: as irregular as it
// gets) scores like AF instead of an undefined 0/0.
//
// b counts the pairs i < j, each starting two usable intervals, with
// intervals i and j alike; a those of them whose next intervals, i + 1 and
// j + 1, are alike too. This runs on every beat, and comparing the ~500
// pairs one by one was most of the rhythm's cost. Instead each interval's
// alike ones are found as a run in length order (|x - y| <= r is monotone
// in y, rounding included; the runs' ends move only forward). b is then
// read off the runs: how many starts each start's run holds, from a count
// of starts kept along the length order. For a, each run is also a set of
// bits (the intervals up to the run's end less those before its start, two
// prefix sets XORed) and each start's count a population count per word.
// Likeness is symmetric and every interval is alike itself, so the ordered
// pairs counted this way are each pair twice plus each start once: the
// same counts, pair for pair, as comparing.
using AlikePairs = SampleEntropyPairs;

// sample_entropy's counts, with the intervals' positions in length order.
// `Words`: a window of up to 64 intervals is one word of bits, known at
// compile time, so the per-word loops and copies disappear.
template <typename Words>
AlikePairs count_alike_pairs(const Window& w, const std::vector<std::size_t>& order, double r,
                             Words word_count) {
  const std::size_t n = w.rr.size(), words = word_count;
  auto bit = [](std::size_t j) { return std::uint64_t{1} << (j % 64); };
  auto& s = scratch();
  s.starts.assign(words, 0);
  std::uint64_t starts = 0;
  for (std::size_t j = 0; j + 1 < n; ++j) {
    if (w.usable[j] && w.usable[j + 1]) {
      s.starts[j / 64] |= bit(j);
      ++starts;
    }
  }
  auto is_start = [&](std::size_t j) { return (s.starts[j / 64] & bit(j)) != 0; };
  // shortest[k]: the k shortest intervals; starts_before[k]: how many of them are starts.
  s.shortest.assign((n + 1) * words, 0);
  s.starts_before.resize(n + 1);
  s.starts_before[0] = 0;
  for (std::size_t k = 0; k < n; ++k) {
    std::copy_n(&s.shortest[k * words], words, &s.shortest[(k + 1) * words]);
    s.shortest[(k + 1) * words + order[k] / 64] |= bit(order[k]);
    s.starts_before[k + 1] = s.starts_before[k] + (is_start(order[k]) ? 1 : 0);
  }
  // The run alike the p-th shortest interval starts at run_first[p]. Where
  // it ends needs no second search: likeness is symmetric, so q <= last(p)
  // exactly when run_first[q] <= p, and the ends are counts of the starts.
  s.run_first.resize(n);
  s.run_last.assign(n, 0);
  for (std::size_t p = 0, first = 0; p < n; ++p) {
    while (std::abs(w.rr[order[p]] - w.rr[order[first]]) > r) ++first;
    s.run_first[p] = first;
    ++s.run_last[first];  // for now: how many runs start here
  }
  for (std::size_t p = 0, runs = 0; p < n; ++p) {
    runs += s.run_last[p];
    s.run_last[p] = runs - 1;
  }
  // alike[i]: the intervals alike interval i, itself included.
  s.alike.resize(n * words);
  std::uint64_t b = 0;  // ordered pairs of starts alike, each start with itself included
  for (std::size_t p = 0; p < n; ++p) {
    const std::size_t first = s.run_first[p], end = s.run_last[p] + 1;
    for (std::size_t k = 0; k < words; ++k)
      s.alike[order[p] * words + k] = s.shortest[end * words + k] ^ s.shortest[first * words + k];
    if (is_start(order[p])) b += s.starts_before[end] - s.starts_before[first];
  }
  std::uint64_t a = 0;  // the same for the pairs whose next intervals are alike too
  for (std::size_t i = 0; i + 1 < n; ++i) {
    if (!is_start(i)) continue;
    const std::uint64_t* row = &s.alike[i * words];
    const std::uint64_t* next = &s.alike[(i + 1) * words];
    for (std::size_t k = 0; k < words; ++k) {
      // Bit j of `following`: intervals i + 1 and j + 1 alike.
      const std::uint64_t following = (next[k] >> 1) | (k + 1 < words ? next[k + 1] << 63 : 0);
      a += core::bit_count(row[k] & s.starts[k] & following);
    }
  }
  return {(a - starts) / 2, (b - starts) / 2};
}

double entropy_tolerance(const Window& w) {
  return kEntropyTolerance * w.median + w.noise;
}

AlikePairs alike_pairs(const Window& w, double r) {
  const std::size_t n = w.rr.size();
  auto& s = scratch();
  if (!w.by_length) {
    s.order.resize(n);
    std::iota(s.order.begin(), s.order.end(), std::size_t{0});
    std::sort(s.order.begin(), s.order.end(),
              [&](std::size_t x, std::size_t y) { return w.rr[x] < w.rr[y]; });
  }
  const std::vector<std::size_t>& order = w.by_length ? *w.by_length : s.order;
  return n <= 64 ? count_alike_pairs(w, order, r, std::integral_constant<std::size_t, 1>{})
                 : count_alike_pairs(w, order, r, (n + 63) / 64);
}

// The counts of the window one interval before, moved on to `w`, with the
// same tolerance: the pairs of the interval that left (`left`, when the
// window was full) taken off, those of the interval before the newest,
// which has just become a start, added. Each pair is judged by the very
// comparison the full count's runs make (|x - y| <= r), so the integers are
// the full count's, at O(n) instead of its sets.
// Bit j set where |x - rr[j]| <= r, for a window of at most 64 intervals:
// two comparisons an instruction (SSE2, in the x86-64 baseline), each the
// very comparison alike() makes (a difference's sign does not change its
// magnitude, rounding included).
struct AlikeBits {
  std::uint64_t gone = 0, oldest = 0, before_newest = 0, newest = 0;
};

AlikeBits alike_bits(std::span<const double> rr, double r, double gone, double oldest, double before_newest,
                     double newest) {
  AlikeBits bits;
  std::size_t j = 0;
#if defined(__SSE2__)
  const __m128d tolerance = _mm_set1_pd(r), sign = _mm_set1_pd(-0.0);
  auto mask = [&](__m128d v, double x) {
    const __m128d distance = _mm_andnot_pd(sign, _mm_sub_pd(v, _mm_set1_pd(x)));
    return static_cast<std::uint64_t>(_mm_movemask_pd(_mm_cmple_pd(distance, tolerance)));
  };
  for (; j + 2 <= rr.size(); j += 2) {
    const __m128d v = _mm_loadu_pd(&rr[j]);
    bits.gone |= mask(v, gone) << j;
    bits.oldest |= mask(v, oldest) << j;
    bits.before_newest |= mask(v, before_newest) << j;
    bits.newest |= mask(v, newest) << j;
  }
#endif
  for (; j < rr.size(); ++j) {
    auto bit = [&](double x) -> std::uint64_t {
      return (std::abs(x - rr[j]) <= r ? std::uint64_t{1} : 0) << j;
    };
    bits.gone |= bit(gone);
    bits.oldest |= bit(oldest);
    bits.before_newest |= bit(before_newest);
    bits.newest |= bit(newest);
  }
  return bits;
}

// `usable`: the window's usable flags as bits (oldest in bit 0), when the
// detector keeps them (windows of at most 64 intervals).
AlikePairs alike_pairs_moved_on(AlikePairs c, const Window& w, double r, std::optional<double> left,
                                bool left_usable, std::optional<std::uint64_t> usable) {
  const std::size_t n = w.rr.size();
  if (n < 2) return c;
  if (usable) {
    // The same counts as the loop below, over bit sets: bit k of `shared`
    // is a start both windows have (all but the newest start, k < n - 2).
    const double gone = left.value_or(0.0);
    const AlikeBits alike = alike_bits(w.rr, r, gone, w.rr[0], w.rr[n - 2], w.rr[n - 1]);
    const std::uint64_t shared = *usable & (*usable >> 1) & ((std::uint64_t{1} << (n - 2)) - 1);
    const std::uint64_t gone_alike = shared & alike.gone, new_alike = shared & alike.before_newest;
    const std::uint64_t gone_start = left && left_usable && w.usable[0] ? 1 : 0;
    const std::uint64_t new_start = w.usable[n - 2] && w.usable[n - 1] ? 1 : 0;
    c.a = c.a - gone_start * core::bit_count(gone_alike & (alike.oldest >> 1)) +
          new_start * core::bit_count(new_alike & (alike.newest >> 1));
    c.b = c.b - gone_start * core::bit_count(gone_alike) + new_start * core::bit_count(new_alike);
    return c;
  }
  // Summed as 0s and 1s, not branched on: which pairs are alike is as good
  // as random, and mispredicted branches were most of the cost.
  auto alike = [r](double x, double y) -> std::uint64_t { return std::abs(x - y) <= r ? 1 : 0; };
  const double gone = left.value_or(0.0), newest = w.rr[n - 1], before_newest = w.rr[n - 2];
  const std::uint64_t gone_start = left && left_usable && w.usable[0] ? 1 : 0;
  const std::uint64_t new_start = w.usable[n - 2] && w.usable[n - 1] ? 1 : 0;
  std::uint64_t a_gone = 0, b_gone = 0, a_new = 0, b_new = 0;
  // Over the starts both windows share: all but the newest start, n - 2.
  for (std::size_t k = 0; k + 2 < n; ++k) {
    const std::uint64_t start = w.usable[k] & w.usable[k + 1];
    const std::uint64_t gone_alike = start & alike(gone, w.rr[k]);
    b_gone += gone_alike;
    a_gone += gone_alike & alike(w.rr[0], w.rr[k + 1]);
    const std::uint64_t new_alike = start & alike(before_newest, w.rr[k]);
    b_new += new_alike;
    a_new += new_alike & alike(newest, w.rr[k + 1]);
  }
  c.a = c.a - gone_start * a_gone + new_start * a_new;
  c.b = c.b - gone_start * b_gone + new_start * b_new;
  return c;
}

double entropy_of(const AlikePairs& alike) {
  return -std::log((static_cast<double>(alike.a) + kEntropyPrior) / (static_cast<double>(alike.b) + 1));
}

double sample_entropy(const Window& w) {
  if (w.rr.size() < 2) return -std::log(kEntropyPrior);
  return entropy_of(alike_pairs(w, entropy_tolerance(w)));
}

// R^2 of the least-squares prediction x[i] ~ a1 x[i-1] + a2 x[i-2] over the
// usable triples (x: intervals less their mean).
double predictability(const Window& w) {
  double mean = 0, count = 0;
  for (std::size_t j = 0; j < w.rr.size(); ++j) {
    if (w.usable[j]) {
      mean += w.rr[j];
      ++count;
    }
  }
  if (count < 1) return 0;
  mean /= count;
  double s11 = 0, s12 = 0, s22 = 0, s1y = 0, s2y = 0, syy = 0;
  std::size_t rows = 0;
  if (w.rr.size() < 3) return 0;
  // Row j's products x1 * x1, x2 * x2 and x1 * x2 are rows j - 1's and
  // j - 2's y * y and y * x1: each product is taken once, for every
  // interval, and carried on (the same values bit for bit; products
  // commute exactly), half the multiplications of taking each row's anew.
  double x1 = w.rr[1] - mean, x2 = w.rr[0] - mean;
  double x1x1 = x1 * x1, x2x2 = x2 * x2, x1x2 = x1 * x2;
  for (std::size_t j = 2; j < w.rr.size(); ++j) {
    const double y = w.rr[j] - mean, yy = y * y, yx1 = y * x1, yx2 = y * x2;
    if (w.usable[j] && w.usable[j - 1] && w.usable[j - 2]) {
      s11 += x1x1;
      s12 += x1x2;
      s22 += x2x2;
      s1y += yx1;
      s2y += yx2;
      syy += yy;
      ++rows;
    }
    x2 = x1;
    x1 = y;
    x2x2 = x1x1;
    x1x1 = yy;
    x1x2 = yx1;
  }
  const double det = s11 * s22 - s12 * s12;
  if (rows < kMinDifferences || syy <= 0 || det <= 1e-12 * s11 * s22) return 0;
  const double a1 = (s1y * s22 - s2y * s12) / det, a2 = (s2y * s11 - s1y * s12) / det;
  const double explained = a1 * s1y + a2 * s2y;  // SSR of the least-squares fit
  return std::clamp(explained / syy, 0.0, 1.0);
}

}  // namespace

RrAfDetector::RrAfDetector(AfDetectorConfig config) : config_{config} {
  config_.window = std::max<std::size_t>(config_.window, kMinDifferences + config_.max_pattern_lag);
  reset();
}

void RrAfDetector::reset() {
  rr_.assign(2 * config_.window, 0.0);
  usable_.assign(2 * config_.window, 0);
  next_ = 0;
  count_ = 0;
  assessment_ = {};
  // The orders grow as intervals come and keep their capacity through later
  // resets; not reserved up front, because every bed has a detector for each
  // beat source (ECG, pulse, the device's beats) and most use one: reserved,
  // the idle ones held about 0.6 MB at 128 beds.
  sorted_lengths_.clear();
  slots_by_length_.clear();
  successive_differences_.clear();
  sorted_differences_.assign(std::max<std::size_t>(config_.max_pattern_lag, 1) - 1, {});
  moved_on_ = {};
  left_.reset();
  usable_bits_ = 0;
}

void RrAfDetector::add(core::Duration rr, bool usable) {
  const double seconds = core::to_seconds(rr);
  const bool good = usable && seconds >= kShortestRr && seconds <= kLongestRr;
  // The new interval goes into slot next_, where the oldest was when the window is full.
  left_ = count_ == config_.window ? std::optional{rr_[next_]} : std::nullopt;
  left_usable_ = left_ && usable_[next_];
  update_sorted(
      slots_by_length_, left_ ? std::optional{SlotLength{*left_, next_}} : std::nullopt,
      std::optional{SlotLength{seconds, next_}},
      [](const SlotLength& x) -> const double& { return x.seconds; },
      [](const SlotLength& x, const SlotLength& y) { return x.slot == y.slot; });
  update_orders(seconds, good);
  if (config_.window <= 64) {
    const std::uint64_t bit = good ? 1 : 0;
    usable_bits_ = count_ == config_.window ? (usable_bits_ >> 1) | (bit << (config_.window - 1))
                                            : usable_bits_ | (bit << count_);
  }
  rr_[next_] = rr_[next_ + config_.window] = seconds;
  usable_[next_] = usable_[next_ + config_.window] = good ? 1 : 0;
  next_ = next_ + 1 == config_.window ? 0 : next_ + 1;
  count_ = std::min(count_ + 1, config_.window);
  assess();
}

// Before the new interval is stored: the oldest, leaving when the window is
// full, is in slot next_, the interval `lag` after it in next_ + lag; the
// new one's predecessor by `lag` is back(lag - 1).
void RrAfDetector::update_orders(double seconds, bool good) {
  const std::size_t slot = next_, window = config_.window;
  const bool leaves = count_ == window && usable_[slot];
  const std::size_t entered = std::min(count_ + 1, window);  // the window's size after
  auto later = [&](std::size_t lag) { return slot + lag < window ? slot + lag : slot + lag - window; };
  const double noise = noise_allowance(config_);
  update_sorted(sorted_lengths_, leaves ? std::optional{rr_[slot]} : std::nullopt,
                good ? std::optional{seconds} : std::nullopt);
  std::optional<SuccessiveDifference> leaving, entering;
  if (leaves && usable_[later(1)])
    leaving = SuccessiveDifference{excess_difference(rr_[later(1)], rr_[slot], noise), later(1)};
  if (good && entered > 1 && usable_[back(0)])
    entering = SuccessiveDifference{excess_difference(seconds, rr_[back(0)], noise), slot};
  update_sorted(
      successive_differences_, leaving, entering,
      [](const SuccessiveDifference& x) -> const double& { return x.excess; },
      [](const SuccessiveDifference& x, const SuccessiveDifference& y) {
        return x.later_slot == y.later_slot;
      });
  for (std::size_t lag = 2; lag <= config_.max_pattern_lag && lag < window; ++lag) {
    const bool pair_leaves = leaves && usable_[later(lag)];
    const bool pair_enters = good && lag < entered && usable_[back(lag - 1)];
    update_sorted(
        sorted_differences_[lag - 2],
        pair_leaves ? std::optional{excess_difference(rr_[later(lag)], rr_[slot], noise)} : std::nullopt,
        pair_enters ? std::optional{excess_difference(seconds, rr_[back(lag - 1)], noise)} : std::nullopt);
  }
}

AfFeatures RrAfDetector::features_from_scratch(const std::vector<double>& rr_seconds,
                                               const std::vector<bool>& usable,
                                               const AfDetectorConfig& config) {
  auto& lengths = scratch().lengths;
  auto& flags = scratch().usable;
  lengths.clear();
  flags.resize(usable.size());
  for (std::size_t j = 0; j < rr_seconds.size(); ++j) {
    flags[j] = usable[j] ? 1 : 0;
    if (usable[j]) lengths.push_back(rr_seconds[j]);
  }
  if (lengths.size() < kMinDifferences) return {};
  const Window w{rr_seconds, flags, quantile(lengths, 0.5), noise_allowance(config)};
  return {pattern_irregularity(w, config), residual_irregularity(w, config),
          unexplained_transitions(w, config), sample_entropy(w), predictability(w)};
}

namespace {

double log_of_feature(double feature) {
  return std::log(std::max(feature, kLogFloor));
}

// The model on the features, with the logarithms of features 1 and 2 given.
double af_probability_from_logs(const AfFeatures& f, const AfModel& m, double log_pattern,
                                double log_residual) {
  const double z = m.bias + m.pattern * log_pattern + m.residual * log_residual +
                   m.unexplained * f.unexplained_transitions + m.entropy * f.entropy;
  return 1.0 / (1.0 + std::exp(-z));
}

}  // namespace

double RrAfDetector::probability(const AfFeatures& f, const AfModel& m) {
  return af_probability_from_logs(f, m, log_of_feature(f.pattern_irregularity),
                                  log_of_feature(f.residual_irregularity));
}

double RrAfDetector::feature_log(double feature, LastLog& last) {
  if (feature != last.feature) last = {feature, log_of_feature(feature)};
  return last.log;
}

// Feature 2 as residual_irregularity has it: the median of the kept pairs'
// differences is the one at that rank among them in the sorted lag-1 order.
template <typename KeptAt>
double RrAfDetector::residual_from_orders(std::size_t kept, KeptAt kept_at, double median) const {
  if (kept < kMinResidualPairs) return kResidualWhenNoneLeft;
  const std::size_t oldest = back(count_ - 1);
  std::size_t rank = quantile_rank(kept, 0.5);
  for (const SuccessiveDifference& d : successive_differences_) {
    if (!kept_at(position(d.later_slot, oldest))) continue;
    if (rank == 0) return d.excess / median;
    --rank;
  }
  return kResidualWhenNoneLeft;  // not reached: every kept pair is in the order
}

double RrAfDetector::residual_from_orders(std::span<const double> rr, std::span<const unsigned char> usable,
                                          double median) const {
  const Window w{rr, usable, median, 0.0};  // the drops need no timing noise
  if (config_.window <= 64) {
    // Bit j: the pair of intervals j - 1 and j is kept.
    const std::uint64_t drop = residual_drop_bits(w, config_, usable_bits_);
    const std::uint64_t kept =
        ~drop & ~(drop << 1) & ~std::uint64_t{1} &
        (w.rr.size() == 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << w.rr.size()) - 1);
    return residual_from_orders(
        core::bit_count(kept), [kept](std::size_t later) { return ((kept >> later) & 1) != 0; }, w.median);
  }
  const auto& drop = residual_drops(w, config_);
  return residual_from_orders(
      residual_pairs(drop), [&drop](std::size_t later) { return !drop[later] && !drop[later - 1]; },
      w.median);
}

void RrAfDetector::assess() {
  const bool was_af = assessment_.af;
  assessment_ = {};
  const MovedOnCounts before = moved_on_;
  moved_on_.valid = false;  // unless this window is assessed below
  if (count_ < std::max(config_.first_assessment, kMinDifferences + config_.max_pattern_lag))
    return;  // warming up
  const std::size_t n = count_;
  const std::size_t good = sorted_lengths_.size();
  assessment_.usable_fraction = static_cast<double>(good) / static_cast<double>(n);
  if (assessment_.usable_fraction < config_.min_usable_fraction || good < kMinDifferences) {
    assessment_.status = AfStatus::poor_signal;
    return;
  }
  assessment_.status = AfStatus::assessed;
  // The window oldest first, read where the ring's second copy makes it one run.
  const std::size_t oldest = back(n - 1);
  const std::span<const double> rr{rr_.data() + oldest, n};
  const std::span<const unsigned char> usable{usable_.data() + oldest, n};
  const Window w{rr, usable, sorted_quantile(sorted_lengths_, 0.5), noise_allowance(config_)};
  double pattern = 1.0;
  if (config_.max_pattern_lag >= 1 && successive_differences_.size() >= kMinDifferences) {
    const auto rank = quantile_rank(successive_differences_.size(), config_.pattern_quantile);
    pattern = std::min(pattern, successive_differences_[rank].excess / w.median);
  }
  for (const auto& differences : sorted_differences_) {
    if (differences.size() >= kMinDifferences)
      pattern = std::min(pattern, sorted_quantile(differences, config_.pattern_quantile) / w.median);
  }
  // Sample entropy's pairs are moved on from the previous window's when
  // that one was assessed and the tolerance (4 % of the median) is the same.
  const double r = entropy_tolerance(w);
  AlikePairs pairs;
  if (before.valid && before.tolerance == r) {
    pairs = alike_pairs_moved_on(before.pairs, w, r, left_, left_usable_,
                                 config_.window <= 64 ? std::optional{usable_bits_} : std::nullopt);
  } else {
    auto& by_length = scratch().by_length;
    by_length.resize(n);
    for (std::size_t p = 0; p < n; ++p) by_length[p] = position(slots_by_length_[p].slot, oldest);
    pairs = alike_pairs(Window{rr, usable, w.median, w.noise, &by_length}, r);
  }
  const TransitionClasses classes{w, config_};
  const TransitionCounts transitions =
      before.valid && before.median == w.median
          ? transitions_moved_on(before.transitions, w, classes, left_, left_usable_)
          : count_transitions(w, classes);
  moved_on_ = {r, pairs, w.median, transitions, true};
  assessment_.features = {pattern, residual_from_orders(rr, usable, w.median),
                          transition_fraction(transitions), entropy_of(pairs), predictability(w)};
  assessment_.probability =
      af_probability_from_logs(assessment_.features, config_.model,
                               feature_log(assessment_.features.pattern_irregularity, pattern_log_),
                               feature_log(assessment_.features.residual_irregularity, residual_log_));
  assessment_.af = was_af ? assessment_.probability >= config_.leave_probability
                          : assessment_.probability > config_.enter_probability;
  if (assessment_.features.predictability >= config_.max_af_predictability) assessment_.af = false;
}

}  // namespace vigil::alerts
