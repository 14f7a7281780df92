#include "mpi/distributed_learning.hpp"

#include <algorithm>
#include <utility>

#include <boost/mpi/collectives.hpp>
#include <mpi.h>

#include "core/error.hpp"
#include "mpi/ml_serialization.hpp"

namespace xasforge::mpi {
namespace {

/// Collective agreement on failure: if any rank threw, every rank throws (no rank is left
/// waiting in a collective). The first failing rank's message is passed on.
template <class F>
void agree(const boost::mpi::communicator& comm, F&& work) {
  std::string error;
  try {
    work();
  } catch (const std::exception& e) {
    error = e.what();
    if (error.empty()) error = "unknown error";
  }
  std::vector<std::string> errors;
  boost::mpi::all_gather(comm, error, errors);
  for (std::size_t r = 0; r < errors.size(); ++r)
    if (!errors[r].empty()) throw InputError(errors[r] + (comm.size() > 1 ? " (rank " + std::to_string(r) + ")" : ""));
}

}  // namespace

ml::RandomForest train_forest_distributed(const boost::mpi::communicator& comm, const ml::Dataset& data,
                                          const std::vector<std::size_t>& rows, const ml::ForestOptions& options) {
  std::unique_ptr<ml::ForestTrainer> trainer;
  std::vector<ml::DecisionTree> mine;
  const auto size = static_cast<std::size_t>(comm.size()), rank = static_cast<std::size_t>(comm.rank());
  agree(comm, [&] {
    trainer = std::make_unique<ml::ForestTrainer>(data, rows, options);
    for (std::size_t t = rank; t < trainer->n_trees(); t += size) mine.push_back(trainer->grow(t));
  });
  std::vector<std::vector<ml::DecisionTree>> all;
  boost::mpi::all_gather(comm, mine, all);
  std::vector<ml::DecisionTree> trees(trainer->n_trees());
  for (std::size_t t = 0; t < trees.size(); ++t) trees[t] = std::move(all[t % size][t / size]);
  return trainer->assemble(std::move(trees));
}

ml::GradientBoosting train_boosting_distributed(const boost::mpi::communicator& comm, const ml::Dataset& data,
                                                const std::vector<std::size_t>& rows, const ml::BoostingOptions& options) {
  const auto size = static_cast<std::size_t>(comm.size()), rank = static_cast<std::size_t>(comm.rank());
  const MPI_Comm raw = comm;
  const ml::HistogramReducer reduce = [raw, size](std::vector<std::int64_t>& buffer) {
    if (size < 2) return;
    // Integer sums are exact: the result does not depend on the reduction order or the ranks.
    const int rc = MPI_Allreduce(MPI_IN_PLACE, buffer.data(), static_cast<int>(buffer.size()), MPI_INT64_T, MPI_SUM, raw);
    if (rc != MPI_SUCCESS) throw InputError("gradient boosting: MPI_Allreduce of a histogram failed (code " + std::to_string(rc) + ")");
  };
  ml::GradientBoosting model;
  // Every failure that train_boosting can raise happens before its first reduction and the same
  // on every rank (all ranks hold the same data and options), so no rank waits in a collective.
  agree(comm, [&] { model = ml::train_boosting(data, rows, options, rank, size, reduce); });
  return model;
}

ml::GradientReducer distributed_gradient_reducer(const boost::mpi::communicator& comm) {
  return [comm](const ml::NeuralNetwork& net, const ml::FeatureMatrix& x, const ml::TargetMatrix& y,
                const std::vector<std::vector<std::size_t>>& chunks, double dropout, std::uint64_t mask_seed,
                Eigen::VectorXd& grad) {
    const auto size = static_cast<std::size_t>(comm.size()), rank = static_cast<std::size_t>(comm.rank());
    const auto n_par = static_cast<std::size_t>(grad.size());
    // Mine: [loss, gradient] per chunk, concatenated.
    std::vector<double> mine;
    Eigen::VectorXd g(grad.size());
    for (std::size_t c = rank; c < chunks.size(); c += size) {
      g.setZero();
      const double loss = net.accumulate_gradient(x, y, chunks[c].data(), chunks[c].size(), dropout, mask_seed, g);
      mine.push_back(loss);
      mine.insert(mine.end(), g.data(), g.data() + g.size());
    }
    std::vector<std::vector<double>> all;
    boost::mpi::all_gather(comm, mine, all);
    double loss = 0.0;
    for (std::size_t c = 0; c < chunks.size(); ++c) {  // chunk order, as the serial reducer
      const double* block = all[c % size].data() + (c / size) * (n_par + 1);
      loss += block[0];
      grad += Eigen::Map<const Eigen::VectorXd>(block + 1, grad.size());
    }
    return loss;
  };
}

ml::Model train_model_distributed(const boost::mpi::communicator& comm, const ml::Dataset& data,
                                  const std::vector<std::size_t>& rows, const ml::TrainingOptions& options) {
  ml::Normalization norm;
  ml::Dataset normalised;
  agree(comm, [&] {
    norm = ml::Normalization::fit(options.normalization, data.features, rows);
    normalised = ml::select_rows(data, rows);
    norm.apply(normalised.features);
  });
  const auto local = ml::all_rows(normalised);
  if (options.kind == ml::ModelKind::kRandomForest)
    return ml::wrap_forest(data, train_forest_distributed(comm, normalised, local, options.forest), std::move(norm));
  if (options.kind == ml::ModelKind::kGradientBoosting)
    return ml::wrap_boosting(data, train_boosting_distributed(comm, normalised, local, options.boosting), std::move(norm));
  ml::Model m = ml::model_skeleton(data, ml::ModelKind::kNeuralNetwork);
  agree(comm, [&] {
    m.normalization = norm;
    // validate() inside train_network throws identically on every rank before any collective.
    m.network = ml::train_network(normalised, local, options.network, distributed_gradient_reducer(comm));
    m.classes = m.network.classes;
  });
  return m;
}

ml::TargetMatrix predict_distributed(const boost::mpi::communicator& comm, const ml::Model& model, const ml::FeatureMatrix& x) {
  const auto size = static_cast<Eigen::Index>(comm.size()), rank = static_cast<Eigen::Index>(comm.rank());
  const Eigen::Index n = x.rows();
  const Eigen::Index begin = n * rank / size, end = n * (rank + 1) / size;
  std::vector<double> mine;
  Eigen::Index cols = static_cast<Eigen::Index>(model.n_outputs());
  agree(comm, [&] {
    if (end > begin) {
      const ml::TargetMatrix p = model.predict_values(x.middleRows(begin, end - begin));
      mine.assign(p.data(), p.data() + p.size());
    } else if (static_cast<std::size_t>(x.cols()) != model.n_features()) {
      model.predict_values(x.topRows(0));  // same shape error on every rank
    }
  });
  std::vector<std::vector<double>> all;
  boost::mpi::all_gather(comm, mine, all);
  ml::TargetMatrix out(n, cols);
  double* dst = out.data();
  for (const auto& block : all) dst = std::copy(block.begin(), block.end(), dst);
  return out;
}

ml::GridResult grid_search_distributed(const boost::mpi::communicator& comm, const ml::Dataset& data,
                                       const std::vector<std::size_t>& rows, const std::vector<ml::TrainingOptions>& grid,
                                       std::size_t k, std::uint64_t seed) {
  const auto size = static_cast<std::size_t>(comm.size()), rank = static_cast<std::size_t>(comm.rank());
  std::vector<std::vector<std::size_t>> folds;
  std::vector<ml::Scores> mine;
  const auto tasks = ml::cv_tasks(grid.size(), k);
  agree(comm, [&] {
    folds = ml::kfold_splits(data, rows, k, seed);
    for (std::size_t t = rank; t < tasks.size(); t += size) mine.push_back(ml::run_cv_task(data, rows, folds, grid, tasks[t]));
  });
  std::vector<std::vector<ml::Scores>> all;
  boost::mpi::all_gather(comm, mine, all);
  std::vector<ml::Scores> scores(tasks.size());
  for (std::size_t t = 0; t < tasks.size(); ++t) scores[t] = all[t % size][t / size];
  return ml::summarise(data.task, grid.size(), k, scores);
}

std::vector<ml::Trial> tpe_search_distributed(const boost::mpi::communicator& comm, const ml::Dataset& data,
                                              const std::vector<std::size_t>& rows, const ml::TrainingOptions& base,
                                              const std::vector<ml::SearchDimension>& space, std::size_t trials,
                                              std::size_t batch, std::size_t k, const ml::TpeOptions& options) {
  if (batch == 0) throw InputError("search: the batch size must be >= 1");
  std::vector<ml::Trial> history;
  for (std::size_t start = 0; start < trials; start += batch) {
    const std::size_t end = std::min(trials, start + batch);
    std::vector<ml::Trial> proposed;
    std::vector<ml::TrainingOptions> grid;
    for (std::size_t t = start; t < end; ++t) {
      proposed.push_back({ml::tpe_propose(space, history, t, options), 0.0});
      grid.push_back(ml::apply_trial(base, space, proposed.back().values));
    }
    const auto result = grid_search_distributed(comm, data, rows, grid, k, options.seed);
    for (std::size_t i = 0; i < proposed.size(); ++i) {
      proposed[i].score = result.mean_score[i];
      history.push_back(proposed[i]);
    }
  }
  return history;
}

}  // namespace xasforge::mpi
