#pragma once
/// Seeded tree-structured Parzen estimator (TPE; Bergstra, Bardenet, Bengio & Kégl, NeurIPS 2011,
/// §4) over training options, maximising a cross-validated score. Trials come in fixed-size
/// batches: the candidates of batch b depend only on (seed, trial index) and the scores of the
/// batches before b, so a driver may score a batch's trials anywhere (mpi/ deals them over
/// ranks) and the search — every proposal and its history — is the same for any rank count.
///
/// Space spec: "key=[log:|int:|logint:]low:high;..." with keys of expand_grid (learning_rate,
/// max_leaves, min_samples_leaf, l2, feature_fraction, rounds, max_depth, trees, dropout, ...),
/// e.g. "learning_rate=log:0.02:0.3;max_leaves=int:4:48;feature_fraction=0.1:1".
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/ml/model.hpp"

namespace xasforge::ml {

struct SearchDimension {
  std::string key;
  double low = 0.0, high = 1.0;
  bool log = false, integer = false;
};

/// Parses the space spec; throws InputError naming the part for a bad key, range or kind.
std::vector<SearchDimension> parse_search_space(std::string_view spec);

struct TpeOptions {
  std::size_t startup_trials = 8;   // random trials before the estimator is used
  std::size_t candidates = 24;      // draws from l(x) per proposal; the best l/g is taken
  double gamma = 0.25;              // the best ceil(gamma·n) trials form l(x)
  std::uint64_t seed = 1;
};

struct Trial {
  std::vector<double> values;       // per dimension, in the dimension's own units
  double score = 0.0;               // higher is better
};

/// Proposal for trial `index` given the finished trials (the batches before this one).
std::vector<double> tpe_propose(const std::vector<SearchDimension>& space, const std::vector<Trial>& history,
                                std::size_t index, const TpeOptions& options);

/// The trial's values as training options (base with each key set, as expand_grid does).
TrainingOptions apply_trial(const TrainingOptions& base, const std::vector<SearchDimension>& space,
                            const std::vector<double>& values);
/// "key=value;..." of a trial (integers printed as integers).
std::string describe_trial(const std::vector<SearchDimension>& space, const std::vector<double>& values);

}  // namespace xasforge::ml
