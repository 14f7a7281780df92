#pragma once
/// Fully connected network (ReLU hidden layers, dropout, softmax or linear output) trained with
/// Adam and early stopping. Gradients are summed over fixed chunks of each global mini-batch in
/// chunk order, so a data-parallel reducer (mpi/distributed_network) that computes the chunks on
/// different ranks reproduces the serial result bit for bit.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include <Eigen/Core>

#include "core/ml/dataset.hpp"

namespace xasforge::ml {

struct NetworkOptions {
  std::vector<std::size_t> hidden = {512, 512};
  double dropout = 0.2;               // probability of dropping a hidden unit during training
  double learning_rate = 1e-3;        // Adam step size
  std::size_t batch_size = 128;       // global mini-batch (rows), independent of rank count
  std::size_t chunk_size = 32;        // gradient chunk: the unit of work a rank computes
  std::size_t max_epochs = 200;
  std::size_t patience = 10;          // early stopping: epochs without validation improvement
  double validation_fraction = 0.1;   // of the training rows, held out for early stopping
  std::uint64_t seed = 1;
};

class NeuralNetwork {
 public:
  Task task = Task::kClassification;
  std::vector<int> classes;                 // classification: class value per output
  std::vector<std::size_t> layers;          // sizes: inputs, hidden..., outputs
  std::vector<double> target_mean, target_scale;  // regression: outputs are standardised inside
  Eigen::VectorXd parameters;               // per layer: W (out × in, column-major), then b

  std::size_t n_inputs() const { return layers.empty() ? 0 : layers.front(); }
  std::size_t n_outputs() const { return layers.empty() ? 0 : layers.back(); }
  /// Fresh network with He-normal weights from RandomStream(seed, 0).
  static NeuralNetwork initialise(Task task, std::vector<std::size_t> layers, std::uint64_t seed);

  /// Class probabilities (n × classes) or regression predictions in target units.
  TargetMatrix predict_values(const FeatureMatrix& x) const;
  std::vector<int> predict_class(const FeatureMatrix& x) const;

  /// Summed loss over the rows and its gradient (added into grad). y holds encoded targets:
  /// class index in column 0 (classification) or standardised targets. Dropout masks come from
  /// RandomStream(mask_seed, row id), so they do not depend on which chunk holds a row.
  double accumulate_gradient(const FeatureMatrix& x, const TargetMatrix& y, const std::size_t* rows, std::size_t n_rows,
                             double dropout, std::uint64_t mask_seed, Eigen::VectorXd& grad) const;
  /// Mean loss over the rows without dropout.
  double mean_loss(const FeatureMatrix& x, const TargetMatrix& y, const std::vector<std::size_t>& rows) const;
};

/// Sums chunk gradients (in chunk order) into grad and returns the summed loss. `chunks` holds row
/// indices into x/y. The serial reducer evaluates every chunk in this process.
using GradientReducer = std::function<double(const NeuralNetwork& net, const FeatureMatrix& x, const TargetMatrix& y,
                                             const std::vector<std::vector<std::size_t>>& chunks, double dropout,
                                             std::uint64_t mask_seed, Eigen::VectorXd& grad)>;
GradientReducer serial_gradient_reducer();

struct NetworkTrainingReport {
  std::size_t epochs_run = 0;
  std::size_t best_epoch = 0;
  double best_validation_loss = 0.0;
};

/// Trains on the listed rows (features already normalised). Holds out validation_fraction of them
/// for early stopping and returns the parameters of the best validation epoch.
NeuralNetwork train_network(const Dataset& data, const std::vector<std::size_t>& rows, const NetworkOptions& options,
                            const GradientReducer& reducer = serial_gradient_reducer(),
                            NetworkTrainingReport* report = nullptr);

}  // namespace xasforge::ml
