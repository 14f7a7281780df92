#include "core/ml/gradient_boosting.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>

#include "core/error.hpp"
#include "core/ml/feature_binning.hpp"
#include "core/ml/random_stream.hpp"

namespace xasforge::ml {
namespace {

constexpr double kFixedScale = 4294967296.0;  // 2^32: gradient and hessian quantum 2^-32
constexpr double kFixedInverse = 1.0 / kFixedScale;

std::int64_t to_fixed(double v) { return static_cast<std::int64_t>(std::llround(v * kFixedScale)); }
double from_fixed(std::int64_t v) { return static_cast<double>(v) * kFixedInverse; }

struct Split {
  double gain = -1.0;
  int feature = -1;
  int bin = -1;          // left: code <= bin
  std::size_t slot = 0;  // position of the feature in the tree's feature list
  std::int64_t left_count = 0, right_count = 0;
  bool valid() const { return feature >= 0; }
};

struct Leaf {
  std::vector<std::uint32_t> rows;   // local row positions (into this part's block)
  std::vector<std::int64_t> hist;    // 3 per bin: gradient, hessian, count (all parts summed)
  std::int64_t g = 0, h = 0, count = 0;
  int depth = 0;
  std::int32_t node = 0;
  Split best;
};

/// Everything a tree needs from the training set of this part.
struct Context {
  const BinnedMatrix* codes = nullptr;   // all training rows, in `rows` order
  const FeatureBinner* binner = nullptr;
  std::size_t begin = 0;                 // this part's first row in `rows`
  std::vector<std::size_t> bins_of;      // bins of feature f (cuts + 1)
  // Per tree: the features it may split on, and where each one's bins start in a histogram
  // (histograms hold the tree's features only, so a feature fraction shrinks them too).
  std::vector<std::size_t> features;
  std::vector<std::size_t> offset;       // offset[i]: first bin of features[i]
  std::size_t n_bins = 0;
  const BoostingOptions* options = nullptr;
  const HistogramReducer* reduce = nullptr;
  // Histogram buffers of finished leaves, reused (a fresh multi-megabyte buffer per node costs
  // more in page faults than filling it).
  mutable std::vector<std::vector<std::int64_t>> pool;
  std::vector<std::int64_t> take() const {
    if (pool.empty()) return {};
    auto v = std::move(pool.back());
    pool.pop_back();
    return v;
  }
  void give(std::vector<std::int64_t>& v) const {
    if (v.capacity() > 0) pool.push_back(std::move(v));
    v = {};
  }
};

void build_histogram(const Context& c, const std::vector<std::uint32_t>& rows, const std::vector<std::int64_t>& g,
                     const std::vector<std::int64_t>& h, std::vector<std::int64_t>& hist) {
  if (hist.capacity() == 0) hist = c.take();
  hist.assign(3 * c.n_bins, 0);
  for (std::size_t i = 0; i < c.features.size(); ++i) {
    const std::uint8_t* col = c.codes->column(c.features[i]) + c.begin;
    std::int64_t* base = hist.data() + 3 * c.offset[i];
    for (const std::uint32_t r : rows) {
      std::int64_t* bin = base + 3 * col[r];
      bin[0] += g[r];
      bin[1] += h[r];
      bin[2] += 1;
    }
  }
  if (*c.reduce) (*c.reduce)(hist);
}

/// Totals of a leaf from its histogram (any feature's bins add up to them; the first is used).
void totals(const Context& c, Leaf& leaf) {
  leaf.g = leaf.h = leaf.count = 0;
  const std::size_t nb = c.bins_of[c.features[0]];
  for (std::size_t b = 0; b < nb; ++b) {
    const std::int64_t* bin = leaf.hist.data() + 3 * b;
    leaf.g += bin[0];
    leaf.h += bin[1];
    leaf.count += bin[2];
  }
}

/// Chen & Guestrin (2016) eq. 7 without the 1/2 and γ: G_L²/(H_L+λ) + G_R²/(H_R+λ) − G²/(H+λ).
void find_best_split(const Context& c, Leaf& leaf) {
  const auto& o = *c.options;
  leaf.best = Split{};
  leaf.best.gain = o.min_gain;
  if (o.max_depth > 0 && leaf.depth >= o.max_depth) return;
  if (leaf.count < static_cast<std::int64_t>(2 * o.min_samples_leaf)) return;
  const double G = from_fixed(leaf.g), H = from_fixed(leaf.h);
  const double parent = G * G / (H + o.l2);
  const auto min_leaf = static_cast<std::int64_t>(std::max<std::size_t>(1, o.min_samples_leaf));
  for (std::size_t i = 0; i < c.features.size(); ++i) {
    const std::size_t f = c.features[i], nb = c.bins_of[f];
    const std::int64_t* base = leaf.hist.data() + 3 * c.offset[i];
    std::int64_t gl = 0, hl = 0, cl = 0;
    for (std::size_t b = 0; b + 1 < nb; ++b) {
      gl += base[3 * b];
      hl += base[3 * b + 1];
      cl += base[3 * b + 2];
      if (base[3 * b + 2] == 0) continue;  // same partition as the previous occupied bin
      const std::int64_t cr = leaf.count - cl;
      if (cl < min_leaf) continue;
      if (cr < min_leaf) break;
      const double GL = from_fixed(gl), HL = from_fixed(hl);
      const double GR = G - GL, HR = H - HL;
      const double gain = GL * GL / (HL + o.l2) + GR * GR / (HR + o.l2) - parent;
      if (gain > leaf.best.gain) {
        leaf.best.gain = gain;
        leaf.best.feature = static_cast<int>(f);
        leaf.best.slot = i;
        leaf.best.bin = static_cast<int>(b);
        leaf.best.left_count = cl;
        leaf.best.right_count = cr;
      }
    }
  }
}

/// Grows one tree on quantised gradients g, hessians h of this part's rows; returns the tree
/// and, per local row, the leaf value it lands in (already shrunk).
DecisionTree grow(const Context& c, const std::vector<std::int64_t>& g, const std::vector<std::int64_t>& h,
                  std::size_t n_local, std::vector<double>& row_value) {
  const auto& o = *c.options;
  DecisionTree tree;
  tree.n_outputs = 1;
  tree.nodes.emplace_back();
  std::vector<Leaf> leaves(1);
  leaves[0].rows.resize(n_local);
  std::iota(leaves[0].rows.begin(), leaves[0].rows.end(), 0U);
  build_histogram(c, leaves[0].rows, g, h, leaves[0].hist);
  totals(c, leaves[0]);
  find_best_split(c, leaves[0]);
  if (!leaves[0].best.valid()) c.give(leaves[0].hist);

  while (leaves.size() < std::max<std::size_t>(2, o.max_leaves)) {
    // Best-first: the leaf with the largest gain (the first such leaf on ties).
    std::size_t pick = leaves.size();
    for (std::size_t i = 0; i < leaves.size(); ++i)
      if (leaves[i].best.valid() && (pick == leaves.size() || leaves[i].best.gain > leaves[pick].best.gain)) pick = i;
    if (pick == leaves.size()) break;
    Leaf parent = std::move(leaves[pick]);
    const Split s = parent.best;
    const auto f = static_cast<std::size_t>(s.feature);
    // Threshold in the middle of the empty bins after the split bin (no rows of this node fall
    // there, so the partition is the same; unseen values there go to the nearer side).
    const auto& cuts = c.binner->cuts(f);
    const std::int64_t* base = parent.hist.data() + 3 * c.offset[s.slot];
    std::size_t next = static_cast<std::size_t>(s.bin) + 1;
    while (next < cuts.size() && base[3 * next + 2] == 0) ++next;
    const double threshold = 0.5 * (cuts[static_cast<std::size_t>(s.bin)] + cuts[next - 1]);

    Leaf left, right;
    left.depth = right.depth = parent.depth + 1;
    const std::uint8_t* col = c.codes->column(f) + c.begin;
    for (const std::uint32_t r : parent.rows) (col[r] <= s.bin ? left.rows : right.rows).push_back(r);
    parent.rows.clear();
    parent.rows.shrink_to_fit();
    // Histogram subtraction: build (and reduce) the child with fewer rows over all parts.
    Leaf& small = s.left_count <= s.right_count ? left : right;
    Leaf& large = s.left_count <= s.right_count ? right : left;
    build_histogram(c, small.rows, g, h, small.hist);
    large.hist = std::move(parent.hist);
    for (std::size_t i = 0; i < large.hist.size(); ++i) large.hist[i] -= small.hist[i];
    totals(c, left);
    totals(c, right);

    TreeNode& node = tree.nodes[static_cast<std::size_t>(parent.node)];
    node.feature = s.feature;
    node.threshold = threshold;
    node.impurity_decrease = s.gain;
    node.left = static_cast<std::int32_t>(tree.nodes.size());
    node.right = node.left + 1;
    left.node = node.left;
    right.node = node.right;
    tree.nodes.emplace_back();
    tree.nodes.emplace_back();
    find_best_split(c, left);
    find_best_split(c, right);
    if (!left.best.valid()) c.give(left.hist);
    if (!right.best.valid()) c.give(right.hist);
    leaves[pick] = std::move(left);
    leaves.push_back(std::move(right));
  }
  row_value.assign(n_local, 0.0);
  for (auto& leaf : leaves) {
    c.give(leaf.hist);
    // Newton step −G/(H+λ) (Chen & Guestrin eq. 5), shrunk by the learning rate.
    const double v = -from_fixed(leaf.g) / (from_fixed(leaf.h) + o.l2) * o.learning_rate;
    tree.nodes[static_cast<std::size_t>(leaf.node)].value_offset = static_cast<std::uint32_t>(tree.values.size());
    tree.values.push_back(v);
    for (const std::uint32_t r : leaf.rows) row_value[r] = v;
  }
  return tree;
}

void softmax_row(const double* raw, double* p, std::size_t k) {
  double m = raw[0];
  for (std::size_t j = 1; j < k; ++j) m = std::max(m, raw[j]);
  double s = 0.0;
  for (std::size_t j = 0; j < k; ++j) s += (p[j] = std::exp(raw[j] - m));
  for (std::size_t j = 0; j < k; ++j) p[j] /= s;
}

}  // namespace

TargetMatrix GradientBoosting::predict_raw(const FeatureMatrix& x) const {
  if (static_cast<std::size_t>(x.cols()) != n_features)
    throw InputError("gradient boosting: expects " + std::to_string(n_features) + " features, given " + std::to_string(x.cols()));
  TargetMatrix out(x.rows(), static_cast<Eigen::Index>(n_outputs));
  for (Eigen::Index i = 0; i < x.rows(); ++i) {
    const double* row = x.data() + i * x.cols();
    for (std::size_t k = 0; k < n_outputs; ++k) out(i, static_cast<Eigen::Index>(k)) = base_score[k];
    for (std::size_t t = 0; t < trees.size(); ++t) out(i, static_cast<Eigen::Index>(t % n_outputs)) += trees[t].leaf_values(row)[0];
  }
  return out;
}

TargetMatrix GradientBoosting::predict_values(const FeatureMatrix& x) const {
  TargetMatrix raw = predict_raw(x);
  if (task == Task::kRegression) return raw;
  TargetMatrix p(raw.rows(), raw.cols());
  for (Eigen::Index i = 0; i < raw.rows(); ++i) softmax_row(raw.data() + i * raw.cols(), p.data() + i * p.cols(), n_outputs);
  return p;
}

std::vector<double> GradientBoosting::feature_importances() const {
  std::vector<double> imp(n_features, 0.0);
  for (const auto& t : trees)
    for (const auto& n : t.nodes)
      if (n.feature >= 0) imp[static_cast<std::size_t>(n.feature)] += n.impurity_decrease;
  const double total = std::accumulate(imp.begin(), imp.end(), 0.0);
  if (total > 0)
    for (auto& v : imp) v /= total;
  return imp;
}

GradientBoosting train_boosting(const Dataset& data, const std::vector<std::size_t>& rows, const BoostingOptions& options,
                                std::size_t part, std::size_t n_parts, const HistogramReducer& reduce) {
  validate(data, "gradient boosting");
  if (rows.empty()) throw InputError("gradient boosting: no training rows");
  if (n_parts == 0 || part >= n_parts) throw InputError("gradient boosting: part " + std::to_string(part) + " of " + std::to_string(n_parts));
  if (options.rounds == 0) throw InputError("gradient boosting: rounds must be >= 1");
  if (!(options.learning_rate > 0)) throw InputError("gradient boosting: learning_rate must be > 0");
  if (!(options.l2 >= 0)) throw InputError("gradient boosting: l2 must be >= 0");
  if (!(options.feature_fraction > 0 && options.feature_fraction <= 1))
    throw InputError("gradient boosting: feature_fraction must be in (0, 1]");
  if (options.class_weight != "none" && options.class_weight != "balanced")
    throw InputError("gradient boosting: class_weight must be none or balanced, got '" + options.class_weight + "'");
  if (options.max_bins < 2 || options.max_bins > 256) throw InputError("gradient boosting: max_bins must be in 2..256");

  GradientBoosting model;
  model.task = data.task;
  model.options = options;
  model.n_features = data.n_features();
  const std::size_t n = rows.size(), p = model.n_features;

  // Targets of every training row (all parts hold the whole data set).
  std::vector<std::uint16_t> cls;
  std::vector<double> weight(n, 1.0);
  if (data.task == Task::kClassification) {
    std::vector<int> labels;
    for (auto r : rows) labels.push_back(data.labels[r]);
    model.classes = distinct_classes(labels);
    if (model.classes.size() < 2) throw InputError("gradient boosting: the training rows hold one class only");
    model.n_outputs = model.classes.size();
    std::map<int, std::uint16_t> index;
    for (std::size_t j = 0; j < model.classes.size(); ++j) index[model.classes[j]] = static_cast<std::uint16_t>(j);
    std::vector<double> count(model.n_outputs, 0.0);
    for (int l : labels) {
      cls.push_back(index[l]);
      count[index[l]] += 1.0;
    }
    if (options.class_weight == "balanced")
      for (std::size_t i = 0; i < n; ++i) weight[i] = static_cast<double>(n) / (static_cast<double>(model.n_outputs) * count[cls[i]]);
    // Start from the log of the weighted class frequencies.
    std::vector<double> wsum(model.n_outputs, 0.0);
    for (std::size_t i = 0; i < n; ++i) wsum[cls[i]] += weight[i];
    const double total = std::accumulate(wsum.begin(), wsum.end(), 0.0);
    for (double w : wsum) model.base_score.push_back(std::log(w / total));
  } else {
    model.n_outputs = static_cast<std::size_t>(data.targets.cols());
    model.base_score.assign(model.n_outputs, 0.0);
    for (auto r : rows)
      for (std::size_t k = 0; k < model.n_outputs; ++k) model.base_score[k] += data.targets(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(k));
    for (auto& b : model.base_score) b /= static_cast<double>(n);
  }
  const double max_weight = *std::max_element(weight.begin(), weight.end());
  if (data.task == Task::kClassification && static_cast<double>(n) * max_weight > 1e9)
    throw InputError("gradient boosting: rows × class weight exceed the 64-bit fixed-point histogram range");

  // Bins from all training rows (the same cuts in every part), codes of all rows.
  BinnedMatrix codes;
  const FeatureBinner binner = FeatureBinner::fit_transform(data.features, rows, options.max_bins, codes);
  Context c;
  c.codes = &codes;
  c.binner = &binner;
  c.begin = n * part / n_parts;
  const std::size_t end = n * (part + 1) / n_parts, n_local = end - c.begin;
  for (std::size_t f = 0; f < p; ++f) c.bins_of.push_back(binner.cuts(f).size() + 1);
  c.options = &options;
  c.reduce = &reduce;

  // Regression targets: the residual scale must fit the fixed-point range too.
  const std::size_t K = model.n_outputs;
  if (data.task == Task::kRegression) {
    double spread = 0.0;
    for (auto r : rows)
      for (std::size_t k = 0; k < K; ++k)
        spread = std::max(spread, std::abs(data.targets(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(k)) - model.base_score[k]));
    if (static_cast<double>(n) * (spread + 1.0) > 1e9)
      throw InputError("gradient boosting: rows × target range exceed the fixed-point histogram range; scale the target");
  }

  std::vector<double> score(n_local * K);
  for (std::size_t i = 0; i < n_local; ++i)
    for (std::size_t k = 0; k < K; ++k) score[i * K + k] = model.base_score[k];
  std::vector<double> prob(n_local * K), row_value;
  std::vector<std::int64_t> g(n_local), h(n_local);
  std::vector<std::size_t> order(p);

  for (std::size_t round = 0; round < options.rounds; ++round) {
    if (data.task == Task::kClassification)
      for (std::size_t i = 0; i < n_local; ++i) softmax_row(score.data() + i * K, prob.data() + i * K, K);
    for (std::size_t k = 0; k < K; ++k) {
      const std::size_t t = round * K + k;
      // Gradients of this output for this part's rows (softmax cross-entropy / squared error).
      for (std::size_t i = 0; i < n_local; ++i) {
        const std::size_t gi = c.begin + i;
        double gv, hv;
        if (data.task == Task::kClassification) {
          const double pk = prob[i * K + k], y = cls[gi] == k ? 1.0 : 0.0;
          gv = weight[gi] * (pk - y);
          hv = weight[gi] * std::max(pk * (1.0 - pk), 1e-16);
        } else {
          gv = score[i * K + k] - data.targets(static_cast<Eigen::Index>(rows[gi]), static_cast<Eigen::Index>(k));
          hv = 1.0;
        }
        g[i] = to_fixed(gv);
        h[i] = std::max<std::int64_t>(1, to_fixed(hv));
      }
      // The tree's features: all, or a seeded draw of round(fraction · p) keyed by the tree index.
      std::iota(order.begin(), order.end(), 0);
      std::size_t m = p;
      if (options.feature_fraction < 1.0) {
        m = std::max<std::size_t>(1, static_cast<std::size_t>(std::lround(options.feature_fraction * static_cast<double>(p))));
        RandomStream random(options.seed, t);
        for (std::size_t i = 0; i < m; ++i) std::swap(order[i], order[i + random.uniform_index(p - i)]);
        std::sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(m));
      }
      c.features.assign(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(m));
      c.offset.clear();
      c.n_bins = 0;
      for (std::size_t f : c.features) {
        c.offset.push_back(c.n_bins);
        c.n_bins += c.bins_of[f];
      }
      model.trees.push_back(grow(c, g, h, n_local, row_value));
      for (std::size_t i = 0; i < n_local; ++i) score[i * K + k] += row_value[i];
    }
  }
  return model;
}

}  // namespace xasforge::ml
