#include "core/ml/decision_tree.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstring>
#include <istream>
#include <limits>
#include <ostream>
#include <sstream>
#include <type_traits>

#include <Eigen/Core>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "core/error.hpp"

namespace xasforge::ml {

Criterion parse_criterion(std::string_view name) {
  if (name == "gini") return Criterion::kGini;
  if (name == "entropy") return Criterion::kEntropy;
  if (name == "mse" || name == "squared_error") return Criterion::kMse;
  throw InputError("criterion: unknown '" + std::string(name) + "'; expected one of: gini, entropy, mse");
}

std::string to_string(Criterion c) {
  switch (c) {
    case Criterion::kGini: return "gini";
    case Criterion::kEntropy: return "entropy";
    case Criterion::kMse: return "mse";
  }
  return "gini";
}

std::size_t DecisionTree::depth() const {
  if (nodes.empty()) return 0;
  std::vector<std::size_t> d(nodes.size(), 0);
  std::size_t best = 0;
  for (std::size_t i = 0; i < nodes.size(); ++i) {  // children always come after their parent
    best = std::max(best, d[i]);
    if (nodes[i].feature >= 0) {
      d[static_cast<std::size_t>(nodes[i].left)] = d[i] + 1;
      d[static_cast<std::size_t>(nodes[i].right)] = d[i] + 1;
    }
  }
  return best;
}

std::size_t DecisionTree::n_leaves() const {
  return static_cast<std::size_t>(std::count_if(nodes.begin(), nodes.end(), [](const TreeNode& n) { return n.feature < 0; }));
}

namespace {

constexpr char kTreeMagic[8] = {'X', 'F', 'T', 'R', 'E', 'E', '0', '1'};

template <class T>
void put(std::ostream& out, T v) {
  out.write(reinterpret_cast<const char*>(&v), sizeof v);
}
template <class T>
T get(std::istream& in) {
  T v{};
  if (!in.read(reinterpret_cast<char*>(&v), sizeof v)) throw InputError("tree data: truncated");
  return v;
}

/// Growth of one tree: sample indices of the current node live in idx_[begin, end).
class Grower {
 public:
  Grower(const TreeTrainingSet& set, const std::vector<double>& weight, const TreeOptions& options, RandomStream& random)
      : set_(set), w_(weight), opt_(options), random_(random) {
    k_ = set.task == Task::kClassification ? set.n_classes : set.n_outputs;
    for (std::size_t i = 0; i < weight.size(); ++i)
      if (weight[i] > 0.0) idx_.push_back(static_cast<std::uint32_t>(i));
    features_.resize(set.bins->n_features);
    for (std::size_t f = 0; f < features_.size(); ++f) features_[f] = static_cast<std::uint32_t>(f);
    mtry_ = opt_.max_features == 0 ? features_.size() : std::min(opt_.max_features, features_.size());
    hist_.assign(256 * k_, 0.0);
    wbin_.assign(256, 0.0);
    cnt_.assign(256, 0);
    stat_.resize(k_);
    best_left_.resize(k_);
    left_.resize(k_);
    right_.resize(k_);
    // Whole-number weights (bootstrap counts, no class weights) allow exact integer histograms.
    integral_ = classification();
    double sum = 0.0;
    for (double w : weight) {
      sum += w;
      if (w != std::floor(w)) integral_ = false;
    }
    if (!(sum <= 67108864.0)) integral_ = false;  // 2^26: sums of squared counts stay below 2^53
    if (integral_) {
      hist_count_.assign(256 * k_, 0);
      wbin_count_.assign(256, 0);
      parent_count_.resize(k_);
    }
    evaluate_ = choose_evaluator();
#if defined(__SSE2__)
    if (integral_ && k_ <= 8 && opt_.criterion == Criterion::kGini) {  // nodes of weight <= 32,767 use 16-bit counts
      hist16_.assign(256 * 8, 0);
      evaluate16_ = opt_.min_samples_leaf > 1 ? &Grower::evaluate_gini16<true> : &Grower::evaluate_gini16<false>;
    }
#endif
  }

  DecisionTree run() {
    tree_.n_outputs = static_cast<std::uint32_t>(k_);
    if (idx_.empty()) throw InputError("decision tree: no training rows with positive weight");
    struct Pending {
      std::size_t begin, end;
      int depth;
      std::int32_t node;
    };
    std::vector<Pending> stack;
    tree_.nodes.emplace_back();
    stack.push_back({0, idx_.size(), 0, 0});
    while (!stack.empty()) {
      const Pending p = stack.back();
      stack.pop_back();
      Split s = split_node(p.begin, p.end, p.depth);
      if (s.feature < 0) {
        make_leaf(p.node);
        continue;
      }
      const std::uint8_t* col = set_.bins->column(static_cast<std::size_t>(s.feature));
      // Stable partition: rows stay in ascending order inside every node, so the per-feature
      // gathers above walk each column forwards (cache- and prefetch-friendly).
      // Branch-free: every row is written to both places and only one cursor advances (m <= i,
      // so the in-place write never overtakes an unread row).
      std::size_t m = p.begin, right = 0;
      unsigned right_min = 255;  // lowest bin among the rows that go right
      scratch_.resize(p.end - p.begin);
      for (std::size_t i = p.begin; i < p.end; ++i) {
        const std::uint32_t r = idx_[i];
        const std::size_t goes_left = col[r] <= s.bin ? 1 : 0;
        idx_[m] = r;
        scratch_[right] = r;
        m += goes_left;
        right += 1 - goes_left;
        right_min = std::min<unsigned>(right_min, goes_left ? 255u : col[r]);
      }
      std::copy(scratch_.begin(), scratch_.begin() + static_cast<std::ptrdiff_t>(right), idx_.begin() + static_cast<std::ptrdiff_t>(m));
      const auto left = static_cast<std::int32_t>(tree_.nodes.size());
      tree_.nodes.emplace_back();
      tree_.nodes.emplace_back();
      TreeNode& node = tree_.nodes[static_cast<std::size_t>(p.node)];
      node.feature = s.feature;
      {
        // Any threshold between the cut above the highest left bin and the cut below the lowest
        // right bin splits this node's rows the same way; take the middle, as an exact search
        // takes the midpoint between the two nearest values. With the lowest cut instead, values
        // unseen in training that fall in the gap all go right (a bias that cost ~1 point of CV
        // accuracy on the demo's 298 sites).
        const auto& cuts = set_.binner->cuts(static_cast<std::size_t>(s.feature));
        node.threshold = 0.5 * (cuts[s.bin] + cuts[right_min - 1]);
      }
      node.left = left;
      node.right = left + 1;
      node.impurity_decrease = s.decrease;
      // Right first on the stack so the left subtree is numbered first (depth-first order).
      stack.push_back({m, p.end, p.depth + 1, left + 1});
      stack.push_back({p.begin, m, p.depth + 1, left});
    }
    return std::move(tree_);
  }

 private:
  struct Split {
    std::int32_t feature = -1;
    std::uint8_t bin = 0;
    double decrease = 0.0;
  };

  bool classification() const { return set_.task == Task::kClassification; }

  /// Nodes with at most this many rows gather bins from the row-major copy.
  static constexpr std::size_t kRowMajorMaxRows = 1024;

  /// Weighted statistics of rows idx_[begin, end) into stat_ (class weights or weighted target sums).
  double node_stats(std::size_t begin, std::size_t end, double& sum_sq) {
    std::fill(stat_.begin(), stat_.end(), 0.0);
    double total = 0.0;
    sum_sq = 0.0;
    for (std::size_t i = begin; i < end; ++i) {
      const std::uint32_t r = idx_[i];
      const double w = w_[r];
      total += w;
      if (classification()) {
        stat_[set_.class_index[r]] += w;
      } else {
        const double* y = set_.targets + static_cast<std::size_t>(r) * k_;
        for (std::size_t j = 0; j < k_; ++j) {
          stat_[j] += w * y[j];
          sum_sq += w * y[j] * y[j];
        }
      }
    }
    return total;
  }

  /// Impurity of a node from its statistics (Gini, entropy in nats, or MSE averaged over outputs).
  double impurity(const std::vector<double>& s, double total, double sum_sq) const {
    if (total <= 0.0) return 0.0;
    if (opt_.criterion == Criterion::kGini) {
      double q = 0.0;
      for (double c : s) q += c * c;
      return 1.0 - q / (total * total);
    }
    if (opt_.criterion == Criterion::kEntropy) {
      double h = 0.0;
      for (double c : s)
        if (c > 0.0) h -= (c / total) * std::log(c / total);
      return h;
    }
    double v = sum_sq / total;
    for (double m : s) v -= (m / total) * (m / total);
    return std::max(0.0, v / static_cast<double>(k_));
  }

  /// Criterion proxy to maximise over candidate splits (the constant parent term dropped).
  double proxy(const std::vector<double>& l, double wl, const std::vector<double>& r, double wr) const {
    if (opt_.criterion == Criterion::kEntropy) {
      double v = -wl * std::log(wl) - wr * std::log(wr);
      for (std::size_t j = 0; j < k_; ++j) {
        if (l[j] > 0.0) v += l[j] * std::log(l[j]);
        if (r[j] > 0.0) v += r[j] * std::log(r[j]);
      }
      return v;
    }
    double a = 0.0, b = 0.0;  // Gini and MSE share the form sum(l^2)/wl + sum(r^2)/wr
    for (std::size_t j = 0; j < k_; ++j) {
      a += l[j] * l[j];
      b += r[j] * r[j];
    }
    return a / wl + b / wr;
  }

  /// proxy() for the split whose left statistics are left_ (right = parent - left).
  double proxy_from_left(double wl, double wr) {
    const auto k = static_cast<Eigen::Index>(k_);
    Eigen::Map<const Eigen::VectorXd> l(left_.data(), k), p(parent_.data(), k);
    if (opt_.criterion != Criterion::kEntropy) return l.squaredNorm() / wl + (p - l).squaredNorm() / wr;
    Eigen::Map<Eigen::VectorXd>(right_.data(), k) = p - l;
    return proxy(left_, wl, right_, wr);
  }

  /// Gini / MSE proxy_from_left() for a few outputs, as plain loops (no Eigen maps).
  double proxy_from_left_small(double wl, double wr) const {
    double a = 0.0, b = 0.0;
    for (std::size_t j = 0; j < k_; ++j) {
      const double l = left_[j], r = parent_[j] - l;
      a += l * l;
      b += r * r;
    }
    return a / wl + b / wr;
  }
  static constexpr std::size_t kFewOutputs = 16;

  using Evaluate = void (Grower::*)(std::size_t n, unsigned lo, unsigned hi, double total, std::uint32_t f, Split& best,
                                    double& best_proxy);

  /// The evaluator for this tree's task, criterion, class count and weights (chosen once).
  Evaluate choose_evaluator() const {
    if (!classification() || opt_.criterion != Criterion::kGini) return &Grower::evaluate_generic;
    const bool count_rows = opt_.min_samples_leaf > 1;
    if (integral_) return count_rows ? pick_gini<std::uint32_t, true>() : pick_gini<std::uint32_t, false>();
    if (k_ > kFewOutputs) return &Grower::evaluate_generic;
    return count_rows ? pick_gini<double, true>() : pick_gini<double, false>();
  }
  template <class C, bool Count>
  Evaluate pick_gini() const {
    switch (k_) {
      case 2: return &Grower::evaluate_gini<C, 2, Count>;
      case 3: return &Grower::evaluate_gini<C, 3, Count>;
      case 4: return &Grower::evaluate_gini<C, 4, Count>;
      case 5: return &Grower::evaluate_gini<C, 5, Count>;
      case 6: return &Grower::evaluate_gini<C, 6, Count>;
      case 7: return &Grower::evaluate_gini<C, 7, Count>;
      case 8: return &Grower::evaluate_gini<C, 8, Count>;
      default: return &Grower::evaluate_gini<C, 0, Count>;
    }
  }


  /// Split search over one feature for any task and criterion (regression, entropy, many classes):
  /// double histograms, Eigen for long statistic vectors.
  void evaluate_generic(std::size_t n, unsigned lo, unsigned hi, double total, std::uint32_t f, Split& best,
                        double& best_proxy) {
    const std::uint8_t* nb = node_bin_.data();
    const std::size_t begin = node_begin_;
    // hist_, wbin_ and cnt_ are all zero here: they are cleaned after each feature (below).
    // node_w_ / node_y_ hold weight and class (or target row) of idx_[begin + i], packed
    // contiguously, so the loop below touches one scattered byte (the bin) per row.
    const double* nw = node_w_.data();
    if (classification()) {
      const std::uint16_t* nc = node_class_.data();
      for (std::size_t i = 0; i < n; ++i) {
        const unsigned b = nb[i];
        hist_[b * k_ + nc[i]] += nw[i];
        wbin_[b] += nw[i];
        ++cnt_[b];
      }
    } else {
      for (std::size_t i = 0; i < n; ++i) {
        const std::uint32_t r = idx_[begin + i];
        const unsigned b = nb[i];
        const double w = nw[i];
        Eigen::Map<Eigen::VectorXd>(hist_.data() + b * k_, static_cast<Eigen::Index>(k_)) +=
            w * Eigen::Map<const Eigen::VectorXd>(set_.targets + static_cast<std::size_t>(r) * k_, static_cast<Eigen::Index>(k_));
        wbin_[b] += w;
        ++cnt_[b];
      }
    }
    std::fill(left_.begin(), left_.end(), 0.0);
    double wl = 0.0;
    std::size_t nl = 0;
    // Candidate thresholds are the occupied bins below the highest one. A small node spread over
    // many bins lists its occupied bins (sorted) instead of stepping through the empty ones.
    if (n * 4 < hi - lo) {
      occupied_.assign(nb, nb + n);
      std::sort(occupied_.begin(), occupied_.end());
      occupied_.erase(std::unique(occupied_.begin(), occupied_.end()), occupied_.end());
    } else {
      occupied_.clear();
      for (unsigned b = lo; b <= hi; ++b)
        if (cnt_[b] != 0) occupied_.push_back(static_cast<std::uint8_t>(b));
    }
    const auto k = static_cast<Eigen::Index>(k_);
    const bool few_outputs = k_ <= kFewOutputs && opt_.criterion != Criterion::kEntropy;
    constexpr std::size_t kNone = static_cast<std::size_t>(-1);
    std::size_t improved = kNone;
    for (std::size_t c = 0; c + 1 < occupied_.size(); ++c) {  // the highest bin is no threshold
      const unsigned b = occupied_[c];
      if (few_outputs) {  // a handful of classes: a plain loop beats Eigen's dynamic-size setup
        const double* h = hist_.data() + b * k_;
        for (std::size_t t = 0; t < k_; ++t) left_[t] += h[t];
      } else {
        Eigen::Map<Eigen::VectorXd>(left_.data(), k) += Eigen::Map<const Eigen::VectorXd>(hist_.data() + b * k_, k);
      }
      wl += wbin_[b];
      nl += cnt_[b];
      if (nl < opt_.min_samples_leaf) continue;
      if (n - nl < opt_.min_samples_leaf) break;
      const double wr = total - wl;
      if (wl <= 0.0 || wr <= 0.0) continue;
      const double v = few_outputs ? proxy_from_left_small(wl, wr) : proxy_from_left(wl, wr);
      if (v > best_proxy) {
        best_proxy = v;
        best.feature = static_cast<std::int32_t>(f);
        best.bin = static_cast<std::uint8_t>(b);
        best_wl_ = wl;
        improved = c;
      }
    }
    if (improved != kNone) {  // left statistics of this feature's best split, from its histogram
      std::fill(best_left_.begin(), best_left_.end(), 0.0);
      for (std::size_t c = 0; c <= improved; ++c)
        Eigen::Map<Eigen::VectorXd>(best_left_.data(), k) += Eigen::Map<const Eigen::VectorXd>(hist_.data() + occupied_[c] * k_, k);
    }
    // Clean the histogram: by the node's own bins when it has fewer rows than the bin range.
    if (n * 2 < hi - lo + 1) {
      for (std::size_t i = 0; i < n; ++i) {
        const unsigned b = nb[i];
        std::fill(hist_.begin() + static_cast<std::ptrdiff_t>(b * k_), hist_.begin() + static_cast<std::ptrdiff_t>((b + 1) * k_), 0.0);
        wbin_[b] = 0.0;
        cnt_[b] = 0;
      }
    } else {
      std::fill(hist_.begin() + static_cast<std::ptrdiff_t>(lo * k_), hist_.begin() + static_cast<std::ptrdiff_t>((hi + 1) * k_), 0.0);
      std::fill(wbin_.begin() + lo, wbin_.begin() + hi + 1, 0.0);
      std::fill(cnt_.begin() + lo, cnt_.begin() + hi + 1, 0u);
    }
  }


#if defined(__SSE2__)
  /// Gini split search with 16-bit class counts in one SSE2 register (at most 8 classes, node
  /// weight at most 32,767 in whole numbers): sums of squares by pmaddwd, exact in 32 bits, and
  /// both divisions in one divpd. The same values as evaluate_gini (exact integer sums, the same
  /// two correctly rounded quotients added in the same order), so the same trees.
  template <bool Count>
  void evaluate_gini16(std::size_t n, unsigned lo, unsigned hi, double total, std::uint32_t f, Split& best,
                       double& best_proxy) {
    std::int16_t* hist = hist16_.data();
    const std::uint8_t* nb = node_bin_.data();
    const std::uint16_t* nc = node_class_.data();
    const std::uint32_t* nw = node_count_.data();
    for (std::size_t i = 0; i < n; ++i) {  // bin weights are not kept: each is its row's sum
      const std::size_t at = std::size_t{nb[i]} * 8 + nc[i];
      hist[at] = static_cast<std::int16_t>(hist[at] + static_cast<std::int16_t>(nw[i]));
      if constexpr (Count) ++cnt_[nb[i]];
    }
    // Occupied bins: a bit set of the rows' bins, or the non-zero histogram rows of the range.
    std::size_t m = 0;
    if (n * 4 < hi - lo) {
      m = occupied_from_bits(n);
    } else {
      const __m128i zero = _mm_setzero_si128();
      for (unsigned b = lo; b <= hi; ++b) {
        const __m128i row = _mm_loadu_si128(reinterpret_cast<const __m128i*>(hist + b * 8));
        occ_[m] = static_cast<std::uint8_t>(b);
        m += _mm_movemask_epi8(_mm_cmpeq_epi16(row, zero)) != 0xFFFF ? 1 : 0;
      }
    }
    alignas(16) std::int16_t pc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    for (std::size_t t = 0; t < k_; ++t) pc[t] = static_cast<std::int16_t>(parent_count_[t]);
    const __m128i par = _mm_load_si128(reinterpret_cast<const __m128i*>(pc));
    const __m128i ones = _mm_set1_epi16(1);
    __m128i l = _mm_setzero_si128(), best_l = l;
    std::size_t nl = 0;
    bool improved = false;
    for (std::size_t c = 0; c + 1 < m; ++c) {  // the highest occupied bin is no threshold
      const unsigned b = occ_[c];
      l = _mm_add_epi16(l, _mm_loadu_si128(reinterpret_cast<const __m128i*>(hist + b * 8)));
      if constexpr (Count) {
        nl += cnt_[b];
        if (nl < opt_.min_samples_leaf) continue;
        if (n - nl < opt_.min_samples_leaf) break;
      }
      const __m128i r = _mm_sub_epi16(par, l);
      // Pairwise sums of l_t^2, r_t^2 and l_t (pmaddwd), then across lanes: lanes 0, 1, 2 of s
      // hold sum l^2, sum r^2 and the left weight.
      const __m128i sl = _mm_madd_epi16(l, l), sr = _mm_madd_epi16(r, r), sw = _mm_madd_epi16(l, ones);
      const __m128i lo2 = _mm_unpacklo_epi32(sl, sr), hi2 = _mm_unpackhi_epi32(sl, sr);  // sl0 sr0 sl1 sr1 | sl2 sr2 sl3 sr3
      const __m128i x = _mm_add_epi32(lo2, hi2);                                          // l: 0+2, r: 0+2, l: 1+3, r: 1+3
      const __m128i lr = _mm_add_epi32(x, _mm_unpackhi_epi64(x, x));                       // lanes 0, 1: sum l^2, sum r^2
      const __m128i w2 = _mm_add_epi32(sw, _mm_unpackhi_epi64(sw, sw));
      const int wl = _mm_cvtsi128_si32(_mm_add_epi32(w2, _mm_shuffle_epi32(w2, _MM_SHUFFLE(1, 1, 1, 1))));
      const double dwl = static_cast<double>(wl);
      const __m128d q = _mm_div_pd(_mm_cvtepi32_pd(lr), _mm_set_pd(total - dwl, dwl));
      const double v = _mm_cvtsd_f64(q) + _mm_cvtsd_f64(_mm_unpackhi_pd(q, q));
      if (v > best_proxy) {
        best_proxy = v;
        best.feature = static_cast<std::int32_t>(f);
        best.bin = static_cast<std::uint8_t>(b);
        best_wl_ = dwl;
        best_l = l;
        improved = true;
      }
    }
    if (improved) {  // left statistics of this feature's best split
      alignas(16) std::int16_t bl[8];
      _mm_store_si128(reinterpret_cast<__m128i*>(bl), best_l);
      for (std::size_t t = 0; t < k_; ++t) best_left_[t] = static_cast<double>(bl[t]);
    }
    for (std::size_t c = 0; c < m; ++c) {  // clean the occupied bins only
      const unsigned b = occ_[c];
      _mm_storeu_si128(reinterpret_cast<__m128i*>(hist + b * 8), _mm_setzero_si128());
      if constexpr (Count) cnt_[b] = 0;
    }
  }
#endif

  template <class C>
  C* class_hist() {
    if constexpr (std::is_same_v<C, double>) return hist_.data();
    else return hist_count_.data();
  }
  template <class C>
  C* bin_weight() {
    if constexpr (std::is_same_v<C, double>) return wbin_.data();
    else return wbin_count_.data();
  }

  /// Occupied bins of node_bin_[0, n) through a 256-bit set, ascending, into occ_; returns how many.
  std::size_t occupied_from_bits(std::size_t n) {
    std::uint64_t bits[4] = {0, 0, 0, 0};
    const std::uint8_t* nb = node_bin_.data();
    for (std::size_t i = 0; i < n; ++i) bits[nb[i] >> 6] |= std::uint64_t{1} << (nb[i] & 63u);
    std::size_t m = 0;
    for (unsigned w = 0; w < 4; ++w)
      for (std::uint64_t x = bits[w]; x != 0; x &= x - 1)
        occ_[m++] = static_cast<std::uint8_t>(w * 64 + static_cast<unsigned>(std::countr_zero(x)));
    return m;
  }

  /// Occupied bins of the node's rows (node_bin_[0, n), in [lo, hi]) in ascending order into
  /// occ_; returns how many. wbin[b] > 0 exactly for occupied bins (every row has weight > 0).
  template <class C>
  std::size_t collect_occupied(std::size_t n, unsigned lo, unsigned hi, const C* wbin) {
    std::size_t m = 0;
    std::uint8_t* occ = occ_.data();
    if (n * 4 < hi - lo) {  // few rows spread over many bins: a 256-bit set of the rows' bins
      m = occupied_from_bits(n);
    } else {  // branch-free compaction of the bin range
      for (unsigned b = lo; b <= hi; ++b) {
        occ[m] = static_cast<std::uint8_t>(b);
        m += wbin[b] != C{0} ? 1 : 0;
      }
    }
    return m;
  }

  /// Gini split search over one feature for K classes (0: k_ at run time). C is the histogram
  /// type: std::uint32_t when every weight is a whole number (bootstrap counts without class
  /// weights; the sums of squares are then exact, so the proxy has the same value as in doubles),
  /// double otherwise. Count: track rows per bin for min_samples_leaf > 1.
  template <class C, std::size_t K, bool Count>
  void evaluate_gini(std::size_t n, unsigned lo, unsigned hi, double total, std::uint32_t f, Split& best,
                     double& best_proxy) {
    constexpr bool kInt = std::is_same_v<C, std::uint32_t>;
    const std::size_t k = K ? K : k_;
    C* hist = class_hist<C>();
    C* wbin = bin_weight<C>();
    const std::uint8_t* nb = node_bin_.data();
    const std::uint16_t* nc = node_class_.data();
    const C* nw;
    if constexpr (kInt) nw = node_count_.data();
    else nw = node_w_.data();
    for (std::size_t i = 0; i < n; ++i) {
      const unsigned b = nb[i];
      hist[b * k + nc[i]] += nw[i];
      wbin[b] += nw[i];
      if constexpr (Count) ++cnt_[b];
    }
    const std::size_t m = collect_occupied<C>(n, lo, hi, wbin);
    C lfix[K ? K : 1] = {}, pfix[K ? K : 1] = {};
    C* l = lfix;
    const C* par = pfix;
    if constexpr (K > 0) {
      for (std::size_t t = 0; t < K; ++t) pfix[t] = kInt ? static_cast<C>(parent_count_[t]) : static_cast<C>(parent_[t]);
    } else {
      if constexpr (kInt) {
        left_count_.assign(k, 0);
        l = left_count_.data();
        par = parent_count_.data();
      } else {
        left_.assign(k, 0.0);
        l = left_.data();
        par = parent_.data();
      }
    }
    C wl = 0;
    std::size_t nl = 0;
    constexpr std::size_t kNone = static_cast<std::size_t>(-1);
    std::size_t improved = kNone;
    for (std::size_t c = 0; c + 1 < m; ++c) {  // the highest occupied bin is no threshold
      const unsigned b = occ_[c];
      const C* h = hist + b * k;
      for (std::size_t t = 0; t < k; ++t) l[t] += h[t];
      wl += wbin[b];
      if constexpr (Count) {
        nl += cnt_[b];
        if (nl < opt_.min_samples_leaf) continue;
        if (n - nl < opt_.min_samples_leaf) break;
      }
      const double dwl = static_cast<double>(wl), dwr = total - dwl;
      double v;
      if constexpr (kInt) {  // exact integer sums of squares (every weight ≥ 1, so wl, wr > 0 here)
        std::uint64_t a = 0, r2 = 0;
        for (std::size_t t = 0; t < k; ++t) {
          const std::uint64_t lt = l[t], rt = par[t] - l[t];
          a += lt * lt;
          r2 += rt * rt;
        }
        v = static_cast<double>(a) / dwl + static_cast<double>(r2) / dwr;
      } else {
        if (dwl <= 0.0 || dwr <= 0.0) continue;
        double a = 0.0, r2 = 0.0;
        for (std::size_t t = 0; t < k; ++t) {
          const double lt = l[t], rt = par[t] - lt;
          a += lt * lt;
          r2 += rt * rt;
        }
        v = a / dwl + r2 / dwr;
      }
      if (v > best_proxy) {
        best_proxy = v;
        best.feature = static_cast<std::int32_t>(f);
        best.bin = static_cast<std::uint8_t>(b);
        best_wl_ = dwl;
        improved = c;
      }
    }
    if (improved != kNone) {  // left statistics of this feature's best split, from its histogram
      for (std::size_t t = 0; t < k; ++t) best_left_[t] = 0.0;
      for (std::size_t c = 0; c <= improved; ++c) {
        const C* h = hist + occ_[c] * k;
        for (std::size_t t = 0; t < k; ++t) best_left_[t] += static_cast<double>(h[t]);
      }
    }
    for (std::size_t c = 0; c < m; ++c) {  // clean the occupied bins only
      const unsigned b = occ_[c];
      for (std::size_t t = 0; t < k; ++t) hist[b * k + t] = C{0};
      wbin[b] = C{0};
      if constexpr (Count) cnt_[b] = 0;
    }
  }

  Split split_node(std::size_t begin, std::size_t end, int depth) {
    Split best;
    const std::size_t n = end - begin;
    double sum_sq = 0.0;
    const double total = node_stats(begin, end, sum_sq);
    node_total_ = total;
    const double imp = impurity(stat_, total, sum_sq);
    if ((opt_.max_depth > 0 && depth >= opt_.max_depth) || n < opt_.min_samples_split || n < 2 * opt_.min_samples_leaf)
      return best;
    if (classification() ? imp <= 0.0 : imp <= 1e-14 * (sum_sq / total / static_cast<double>(k_)) + 1e-300) return best;
    parent_ = stat_;
    node_begin_ = begin;
    node_w_.resize(n);
    node_bin_.resize(n);
    if (classification()) node_class_.resize(n);
    if (integral_) node_count_.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
      const std::uint32_t r = idx_[begin + i];
      node_w_[i] = w_[r];
      if (classification()) node_class_[i] = set_.class_index[r];
      if (integral_) node_count_[i] = static_cast<std::uint32_t>(w_[r]);
    }
    if (integral_)
      for (std::size_t t = 0; t < k_; ++t) parent_count_[t] = static_cast<std::uint32_t>(parent_[t]);
    const Evaluate evaluate = evaluate16_ != nullptr && total <= 32767.0 ? evaluate16_ : evaluate_;
    double best_proxy = -std::numeric_limits<double>::infinity();
    std::size_t visited = 0, tried = 0;
    const std::size_t p = features_.size();
    while (visited < p && tried < mtry_) {
      const std::size_t j = visited + random_.uniform_index(p - visited);
      std::swap(features_[visited], features_[j]);
      const std::uint32_t f = features_[visited++];
      // Gather this node's bins once (contiguous) and find the occupied range. Small nodes read the
      // row-major copy (their rows stay in cache across the features tried), large nodes a column.
      std::uint8_t* nb = node_bin_.data();
      std::uint8_t lo8 = 255, hi8 = 0;
      if (n <= kRowMajorMaxRows && set_.bins->has_rows()) {
        const std::uint8_t* base = set_.bins->row_codes.data() + f;
        const std::size_t stride = set_.bins->n_features;
        for (std::size_t i = 0; i < n; ++i) {
          const std::uint8_t b = base[static_cast<std::size_t>(idx_[begin + i]) * stride];
          nb[i] = b;
          lo8 = std::min(lo8, b);
          hi8 = std::max(hi8, b);
        }
      } else {
        const std::uint8_t* col = set_.bins->column(f);
        for (std::size_t i = 0; i < n; ++i) {
          const std::uint8_t b = col[idx_[begin + i]];
          nb[i] = b;
          lo8 = std::min(lo8, b);
          hi8 = std::max(hi8, b);
        }
      }
      const unsigned lo = lo8, hi = hi8;
      if (lo == hi) continue;  // constant in this node: does not count against max_features
      ++tried;
      (this->*evaluate)(n, lo, hi, total, f, best, best_proxy);
    }
    if (best.feature < 0) return best;
    // Exact impurity decrease of the chosen split; no gain means a leaf.
    std::vector<double> l = best_left_;
    double wl = best_wl_, sql = 0.0;
    if (!classification()) {  // the sum of squares on the left is not in the histogram
      const std::uint8_t* col = set_.bins->column(static_cast<std::size_t>(best.feature));
      for (std::size_t i = begin; i < end; ++i) {
        const std::uint32_t r = idx_[i];
        if (col[r] > best.bin) continue;
        const double* y = set_.targets + static_cast<std::size_t>(r) * k_;
        for (std::size_t t = 0; t < k_; ++t) sql += w_[r] * y[t] * y[t];
      }
    }
    std::vector<double> r(k_);
    for (std::size_t t = 0; t < k_; ++t) r[t] = parent_[t] - l[t];
    const double wr = total - wl;
    const double decrease = total * imp - wl * impurity(l, wl, sql) - wr * impurity(r, wr, sum_sq - sql);
    if (!(decrease > 1e-12 * total * imp)) {
      best.feature = -1;
      return best;
    }
    best.decrease = decrease;
    return best;
  }

  /// Called right after split_node() declined to split: stat_ and node_total_ still hold this node.
  void make_leaf(std::int32_t node) {
    const double total = node_total_;
    TreeNode& leaf = tree_.nodes[static_cast<std::size_t>(node)];
    leaf.value_offset = static_cast<std::uint32_t>(tree_.values.size());
    for (std::size_t t = 0; t < k_; ++t) tree_.values.push_back(stat_[t] / total);
  }

  const TreeTrainingSet& set_;
  const std::vector<double>& w_;
  const TreeOptions& opt_;
  RandomStream& random_;
  std::size_t k_ = 0, mtry_ = 0;
  std::vector<std::uint32_t> idx_, features_, scratch_;
  std::vector<double> hist_, wbin_, stat_, parent_, left_, right_;
  std::vector<std::uint32_t> cnt_;
  std::vector<double> node_w_;
  std::vector<std::uint16_t> node_class_;
  std::vector<std::uint8_t> node_bin_;
  std::vector<double> best_left_;
  std::vector<std::uint8_t> occupied_;
  double best_wl_ = 0.0, node_total_ = 0.0;
  std::size_t node_begin_ = 0;
  bool integral_ = false;                  // classification with whole-number weights
  std::vector<std::uint32_t> hist_count_, wbin_count_, node_count_, parent_count_, left_count_;
  std::array<std::uint8_t, 256> occ_{};   // occupied bins of the current node and feature
  Evaluate evaluate_ = nullptr;
  Evaluate evaluate16_ = nullptr;         // SSE2 16-bit Gini search, for nodes it can take
  std::vector<std::int16_t> hist16_;
  DecisionTree tree_;
};

}  // namespace

DecisionTree grow_tree(const TreeTrainingSet& set, const std::vector<double>& sample_weight, const TreeOptions& options,
                       RandomStream& random) {
  if (set.bins == nullptr || set.binner == nullptr) throw InputError("decision tree: training set has no binned features");
  if (sample_weight.size() != set.bins->n_rows)
    throw InputError("decision tree: " + std::to_string(sample_weight.size()) + " sample weights for " +
                     std::to_string(set.bins->n_rows) + " rows");
  if (options.criterion == Criterion::kMse && set.task != Task::kRegression)
    throw InputError("criterion mse needs a regression target");
  if (options.criterion != Criterion::kMse && set.task != Task::kClassification)
    throw InputError("criterion " + to_string(options.criterion) + " needs a classification target; use mse");
  Grower g(set, sample_weight, options, random);
  return g.run();
}

void DecisionTree::write(std::ostream& out) const {
  out.write(kTreeMagic, sizeof kTreeMagic);
  put<std::uint32_t>(out, n_outputs);
  put<std::uint64_t>(out, nodes.size());
  for (const auto& n : nodes) {
    put(out, n.feature);
    put(out, n.left);
    put(out, n.right);
    put(out, n.value_offset);
    put(out, n.threshold);
    put(out, n.impurity_decrease);
  }
  put<std::uint64_t>(out, values.size());
  out.write(reinterpret_cast<const char*>(values.data()), static_cast<std::streamsize>(values.size() * sizeof(double)));
}

DecisionTree DecisionTree::read(std::istream& in) {
  char magic[8];
  if (!in.read(magic, sizeof magic) || std::memcmp(magic, kTreeMagic, sizeof magic) != 0)
    throw InputError("tree data: bad magic (expected XFTREE01)");
  DecisionTree t;
  t.n_outputs = get<std::uint32_t>(in);
  const auto n_nodes = get<std::uint64_t>(in);
  if (n_nodes > (1ULL << 31)) throw InputError("tree data: implausible node count");
  t.nodes.resize(n_nodes);
  for (auto& n : t.nodes) {
    n.feature = get<std::int32_t>(in);
    n.left = get<std::int32_t>(in);
    n.right = get<std::int32_t>(in);
    n.value_offset = get<std::uint32_t>(in);
    n.threshold = get<double>(in);
    n.impurity_decrease = get<double>(in);
  }
  const auto n_values = get<std::uint64_t>(in);
  if (n_values > (1ULL << 34)) throw InputError("tree data: implausible value count");
  t.values.resize(n_values);
  if (!in.read(reinterpret_cast<char*>(t.values.data()), static_cast<std::streamsize>(n_values * sizeof(double))))
    throw InputError("tree data: truncated values");
  // Structural check so a corrupt file cannot send prediction out of bounds.
  for (std::size_t i = 0; i < t.nodes.size(); ++i) {
    const auto& n = t.nodes[i];
    if (n.feature >= 0) {
      if (n.left <= static_cast<std::int32_t>(i) || n.right <= static_cast<std::int32_t>(i) ||
          static_cast<std::size_t>(n.left) >= t.nodes.size() || static_cast<std::size_t>(n.right) >= t.nodes.size())
        throw InputError("tree data: node " + std::to_string(i) + " has out-of-range children");
    } else if (static_cast<std::uint64_t>(n.value_offset) + t.n_outputs > n_values) {
      throw InputError("tree data: leaf " + std::to_string(i) + " values out of range");
    }
  }
  return t;
}

std::string DecisionTree::to_bytes() const {
  std::ostringstream s(std::ios::binary);
  write(s);
  return s.str();
}

DecisionTree DecisionTree::from_bytes(const std::string& bytes) {
  std::istringstream s(bytes, std::ios::binary);
  return read(s);
}

}  // namespace xasforge::ml
