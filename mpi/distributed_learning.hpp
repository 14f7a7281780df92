#pragma once
/// Distributed training and prediction. Work is dealt by index (tree t, CV task t, gradient chunk
/// c go to rank index % size) and gathered in index order, so every rank count gives the same
/// forest, the same scores and the same network as a serial run.
#include <cstddef>
#include <vector>

#include <boost/mpi/communicator.hpp>

#include "core/ml/cross_validation.hpp"
#include "core/ml/model.hpp"
#include "core/ml/neural_network.hpp"
#include "core/ml/random_forest.hpp"
#include "core/ml/tpe_search.hpp"

namespace xasforge::mpi {

/// Every rank passes the same data and options; every rank returns the whole forest.
/// Tree t is grown on rank t % size and the trees are all-gathered (Boost.Serialization).
ml::RandomForest train_forest_distributed(const boost::mpi::communicator& comm, const ml::Dataset& data,
                                          const std::vector<std::size_t>& rows, const ml::ForestOptions& options);

/// Gradient-boosted trees, data-parallel (LightGBM-style histogram reduction): rank r handles
/// block r of the training rows, and the exact fixed-point gradient/hessian histograms are summed
/// with MPI_Allreduce (integer sums: the same model, bit for bit, for any rank count).
ml::GradientBoosting train_boosting_distributed(const boost::mpi::communicator& comm, const ml::Dataset& data,
                                                const std::vector<std::size_t>& rows, const ml::BoostingOptions& options);

/// Gradient reducer for ml::train_network: chunk c on rank c % size, chunk gradients all-gathered
/// and summed in chunk order (bitwise equal to the serial reducer for any rank count).
ml::GradientReducer distributed_gradient_reducer(const boost::mpi::communicator& comm);

/// ml::train_model with the forest or network training spread over the ranks.
ml::Model train_model_distributed(const boost::mpi::communicator& comm, const ml::Dataset& data,
                                  const std::vector<std::size_t>& rows, const ml::TrainingOptions& options);

/// Predicted values for all rows of x: each rank predicts one contiguous block of rows, blocks
/// are all-gathered in rank order. Every rank returns the full matrix.
ml::TargetMatrix predict_distributed(const boost::mpi::communicator& comm, const ml::Model& model, const ml::FeatureMatrix& x);

/// Cross-validated grid search: (grid point, fold) tasks dealt over ranks, scores all-gathered.
ml::GridResult grid_search_distributed(const boost::mpi::communicator& comm, const ml::Dataset& data,
                                       const std::vector<std::size_t>& rows, const std::vector<ml::TrainingOptions>& grid,
                                       std::size_t k, std::uint64_t seed);

/// Seeded TPE search: `trials` trials in batches of `batch` (the batch size, not the rank count,
/// fixes which history each proposal sees); each batch's (trial, fold) CV tasks are dealt over
/// the ranks by grid_search_distributed. Returns every trial with its mean CV score, in order;
/// the same on every rank and for any rank count.
std::vector<ml::Trial> tpe_search_distributed(const boost::mpi::communicator& comm, const ml::Dataset& data,
                                              const std::vector<std::size_t>& rows, const ml::TrainingOptions& base,
                                              const std::vector<ml::SearchDimension>& space, std::size_t trials,
                                              std::size_t batch, std::size_t k, const ml::TpeOptions& options);

}  // namespace xasforge::mpi
