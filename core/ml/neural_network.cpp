#include "core/ml/neural_network.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/error.hpp"
#include "core/ml/random_stream.hpp"

namespace xasforge::ml {
namespace {

using Matrix = Eigen::MatrixXd;
using ConstMap = Eigen::Map<const Matrix>;
using Map = Eigen::Map<Matrix>;

std::size_t parameter_count(const std::vector<std::size_t>& layers) {
  std::size_t n = 0;
  for (std::size_t l = 1; l < layers.size(); ++l) n += layers[l] * layers[l - 1] + layers[l];
  return n;
}

/// Forward pass over a block of rows; keeps pre-activations and activations for backprop.
struct Forward {
  std::vector<Matrix> a;  // a[0] = input (m × in), a[l] = output of layer l (m × units)
  std::vector<Matrix> mask;
};

}  // namespace

NeuralNetwork NeuralNetwork::initialise(Task task, std::vector<std::size_t> layers, std::uint64_t seed) {
  if (layers.size() < 2) throw InputError("neural network: needs at least an input and an output layer");
  for (auto s : layers)
    if (s == 0) throw InputError("neural network: a layer has zero units");
  NeuralNetwork net;
  net.task = task;
  net.layers = std::move(layers);
  net.parameters = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(parameter_count(net.layers)));
  RandomStream random(seed, 0);
  std::size_t off = 0;
  for (std::size_t l = 1; l < net.layers.size(); ++l) {
    const double sd = std::sqrt(2.0 / static_cast<double>(net.layers[l - 1]));  // He et al. 2015
    const std::size_t nw = net.layers[l] * net.layers[l - 1];
    for (std::size_t i = 0; i < nw; ++i) net.parameters[static_cast<Eigen::Index>(off + i)] = sd * random.normal();
    off += nw + net.layers[l];  // biases start at zero
  }
  return net;
}

namespace {

Forward forward(const NeuralNetwork& net, const Matrix& input, double dropout, std::uint64_t mask_seed,
                const std::size_t* ids) {
  Forward f;
  const std::size_t n_layers = net.layers.size() - 1;
  f.a.reserve(n_layers + 1);
  f.a.push_back(input);
  std::size_t off = 0;
  for (std::size_t l = 1; l <= n_layers; ++l) {
    const auto out = static_cast<Eigen::Index>(net.layers[l]), in = static_cast<Eigen::Index>(net.layers[l - 1]);
    ConstMap w(net.parameters.data() + off, out, in);
    Eigen::Map<const Eigen::VectorXd> b(net.parameters.data() + off + static_cast<std::size_t>(out * in), out);
    off += static_cast<std::size_t>(out * in + out);
    Matrix z = f.a.back() * w.transpose();
    z.rowwise() += b.transpose();
    if (l < n_layers) {
      z = z.cwiseMax(0.0);
      if (dropout > 0.0 && ids != nullptr) {
        Matrix m(z.rows(), z.cols());
        const double keep = 1.0 / (1.0 - dropout);
        for (Eigen::Index i = 0; i < z.rows(); ++i) {
          RandomStream r(mask_seed * 0x9e3779b97f4a7c15ULL + l, ids[i]);
          for (Eigen::Index j = 0; j < z.cols(); ++j) m(i, j) = r.uniform01() < dropout ? 0.0 : keep;
        }
        z = z.cwiseProduct(m);
        f.mask.push_back(std::move(m));
      }
    }
    f.a.push_back(std::move(z));
  }
  return f;
}

/// Softmax of each row in place (max-shifted for stability).
void softmax_rows(Matrix& z) {
  for (Eigen::Index i = 0; i < z.rows(); ++i) {
    const double m = z.row(i).maxCoeff();
    z.row(i) = (z.row(i).array() - m).exp();
    z.row(i) /= z.row(i).sum();
  }
}

Matrix gather_rows(const FeatureMatrix& x, const std::size_t* rows, std::size_t n) {
  Matrix m(static_cast<Eigen::Index>(n), x.cols());
  for (std::size_t i = 0; i < n; ++i) m.row(static_cast<Eigen::Index>(i)) = x.row(static_cast<Eigen::Index>(rows[i]));
  return m;
}

}  // namespace

double NeuralNetwork::accumulate_gradient(const FeatureMatrix& x, const TargetMatrix& y, const std::size_t* rows,
                                          std::size_t n_rows, double dropout, std::uint64_t mask_seed,
                                          Eigen::VectorXd& grad) const {
  if (n_rows == 0) return 0.0;
  Forward f = forward(*this, gather_rows(x, rows, n_rows), dropout, mask_seed, rows);
  const std::size_t n_layers = layers.size() - 1;
  Matrix delta = f.a.back();
  double loss = 0.0;
  if (task == Task::kClassification) {
    softmax_rows(delta);
    for (std::size_t i = 0; i < n_rows; ++i) {
      const auto c = static_cast<Eigen::Index>(y(static_cast<Eigen::Index>(rows[i]), 0));
      loss -= std::log(std::max(delta(static_cast<Eigen::Index>(i), c), 1e-300));
      delta(static_cast<Eigen::Index>(i), c) -= 1.0;
    }
  } else {
    for (std::size_t i = 0; i < n_rows; ++i) delta.row(static_cast<Eigen::Index>(i)) -= y.row(static_cast<Eigen::Index>(rows[i]));
    loss = 0.5 * delta.squaredNorm();
  }
  // Backward: offsets of each layer's parameters.
  std::vector<std::size_t> offsets(n_layers + 1, 0);
  for (std::size_t l = 1; l <= n_layers; ++l) offsets[l] = offsets[l - 1] + layers[l] * layers[l - 1] + layers[l];
  for (std::size_t l = n_layers; l >= 1; --l) {
    const auto out = static_cast<Eigen::Index>(layers[l]), in = static_cast<Eigen::Index>(layers[l - 1]);
    const std::size_t off = offsets[l - 1];
    Map gw(grad.data() + off, out, in);
    Eigen::Map<Eigen::VectorXd> gb(grad.data() + off + static_cast<std::size_t>(out * in), out);
    gw.noalias() += delta.transpose() * f.a[l - 1];
    gb += delta.colwise().sum().transpose();
    if (l == 1) break;
    ConstMap w(parameters.data() + off, out, in);
    Matrix prev = delta * w;
    // ReLU derivative (activation > 0) and the dropout mask of layer l-1.
    prev = prev.cwiseProduct((f.a[l - 1].array() > 0.0).cast<double>().matrix());
    if (!f.mask.empty()) prev = prev.cwiseProduct(f.mask[l - 2]);
    delta = std::move(prev);
  }
  return loss;
}

TargetMatrix NeuralNetwork::predict_values(const FeatureMatrix& x) const {
  if (static_cast<std::size_t>(x.cols()) != n_inputs())
    throw InputError("neural network: trained on " + std::to_string(n_inputs()) + " features, given rows with " +
                     std::to_string(x.cols()));
  Forward f = forward(*this, Matrix(x), 0.0, 0, nullptr);
  Matrix out = std::move(f.a.back());
  if (task == Task::kClassification) {
    softmax_rows(out);
  } else {
    for (Eigen::Index j = 0; j < out.cols(); ++j)
      out.col(j) = out.col(j) * target_scale[static_cast<std::size_t>(j)] + Eigen::VectorXd::Constant(out.rows(), target_mean[static_cast<std::size_t>(j)]);
  }
  return out;
}

std::vector<int> NeuralNetwork::predict_class(const FeatureMatrix& x) const {
  if (task != Task::kClassification) throw InputError("neural network: predict_class on a regression network");
  const TargetMatrix p = predict_values(x);
  std::vector<int> out(static_cast<std::size_t>(p.rows()));
  for (Eigen::Index i = 0; i < p.rows(); ++i) {
    Eigen::Index best = 0;
    p.row(i).maxCoeff(&best);
    out[static_cast<std::size_t>(i)] = classes[static_cast<std::size_t>(best)];
  }
  return out;
}

double NeuralNetwork::mean_loss(const FeatureMatrix& x, const TargetMatrix& y, const std::vector<std::size_t>& rows) const {
  if (rows.empty()) return 0.0;
  Forward f = forward(*this, gather_rows(x, rows.data(), rows.size()), 0.0, 0, nullptr);
  Matrix out = std::move(f.a.back());
  double loss = 0.0;
  if (task == Task::kClassification) {
    softmax_rows(out);
    for (std::size_t i = 0; i < rows.size(); ++i)
      loss -= std::log(std::max(out(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(y(static_cast<Eigen::Index>(rows[i]), 0))), 1e-300));
  } else {
    for (std::size_t i = 0; i < rows.size(); ++i) out.row(static_cast<Eigen::Index>(i)) -= y.row(static_cast<Eigen::Index>(rows[i]));
    loss = 0.5 * out.squaredNorm();
  }
  return loss / static_cast<double>(rows.size());
}

GradientReducer serial_gradient_reducer() {
  return [](const NeuralNetwork& net, const FeatureMatrix& x, const TargetMatrix& y,
            const std::vector<std::vector<std::size_t>>& chunks, double dropout, std::uint64_t mask_seed,
            Eigen::VectorXd& grad) {
    double loss = 0.0;
    Eigen::VectorXd g(grad.size());
    for (const auto& c : chunks) {  // each chunk separately, then summed in chunk order
      g.setZero();
      loss += net.accumulate_gradient(x, y, c.data(), c.size(), dropout, mask_seed, g);
      grad += g;
    }
    return loss;
  };
}

NeuralNetwork train_network(const Dataset& data, const std::vector<std::size_t>& rows, const NetworkOptions& options,
                            const GradientReducer& reducer, NetworkTrainingReport* report) {
  const Dataset subset = select_rows(data, rows);
  validate(subset, data.source.empty() ? "training data" : data.source);
  if (options.batch_size == 0 || options.chunk_size == 0) throw InputError("neural network: batch and chunk sizes must be positive");
  if (!(options.dropout >= 0.0 && options.dropout < 1.0)) throw InputError("neural network: dropout must be in [0, 1)");
  if (!(options.learning_rate > 0.0)) throw InputError("neural network: learning rate must be positive");
  const std::size_t n = subset.rows();
  std::vector<std::size_t> layers{subset.n_features()};
  layers.insert(layers.end(), options.hidden.begin(), options.hidden.end());
  TargetMatrix y;
  std::vector<int> classes;
  std::vector<double> mean, scale;
  if (subset.task == Task::kClassification) {
    classes = distinct_classes(subset.labels);
    layers.push_back(classes.size());
    y.resize(static_cast<Eigen::Index>(n), 1);
    for (std::size_t i = 0; i < n; ++i)
      y(static_cast<Eigen::Index>(i), 0) =
          static_cast<double>(std::lower_bound(classes.begin(), classes.end(), subset.labels[i]) - classes.begin());
  } else {
    const auto q = subset.targets.cols();
    layers.push_back(static_cast<std::size_t>(q));
    y = subset.targets;
    for (Eigen::Index j = 0; j < q; ++j) {
      const double m = y.col(j).mean();
      const double sd = std::sqrt((y.col(j).array() - m).square().mean());
      mean.push_back(m);
      scale.push_back(sd > 0.0 ? sd : 1.0);
      y.col(j) = (y.col(j).array() - m) / scale.back();
    }
  }
  NeuralNetwork net = NeuralNetwork::initialise(subset.task, layers, options.seed);
  net.classes = classes;
  net.target_mean = mean;
  net.target_scale = scale;

  // Seeded hold-out for early stopping.
  std::vector<std::size_t> order(n);
  for (std::size_t i = 0; i < n; ++i) order[i] = i;
  RandomStream split_random(options.seed, 1);
  for (std::size_t i = n; i > 1; --i) std::swap(order[i - 1], order[split_random.uniform_index(i)]);
  auto n_val = static_cast<std::size_t>(options.validation_fraction * static_cast<double>(n));
  if (options.validation_fraction > 0.0 && n_val == 0) n_val = 1;
  if (n_val >= n) throw InputError("neural network: too few rows (" + std::to_string(n) + ") for a validation hold-out");
  std::vector<std::size_t> val(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(n_val));
  std::vector<std::size_t> train(order.begin() + static_cast<std::ptrdiff_t>(n_val), order.end());
  std::sort(val.begin(), val.end());
  std::sort(train.begin(), train.end());

  // Adam (Kingma & Ba 2015) with the paper's defaults beta1 = 0.9, beta2 = 0.999, eps = 1e-8.
  const double beta1 = 0.9, beta2 = 0.999, eps = 1e-8;
  Eigen::VectorXd m1 = Eigen::VectorXd::Zero(net.parameters.size()), m2 = m1, grad = m1;
  NeuralNetwork best = net;
  double best_loss = std::numeric_limits<double>::infinity();
  std::size_t best_epoch = 0, step = 0, epoch = 0;
  for (epoch = 1; epoch <= options.max_epochs; ++epoch) {
    RandomStream shuffle(options.seed, 1000 + epoch);
    for (std::size_t i = train.size(); i > 1; --i) std::swap(train[i - 1], train[shuffle.uniform_index(i)]);
    for (std::size_t b = 0; b < train.size(); b += options.batch_size) {
      const std::size_t e = std::min(train.size(), b + options.batch_size);
      std::vector<std::vector<std::size_t>> chunks;
      for (std::size_t c = b; c < e; c += options.chunk_size)
        chunks.emplace_back(train.begin() + static_cast<std::ptrdiff_t>(c),
                            train.begin() + static_cast<std::ptrdiff_t>(std::min(e, c + options.chunk_size)));
      ++step;
      grad.setZero();
      reducer(net, subset.features, y, chunks, options.dropout, mix64(options.seed) ^ step, grad);
      grad /= static_cast<double>(e - b);
      m1 = beta1 * m1 + (1.0 - beta1) * grad;
      m2 = beta2 * m2 + (1.0 - beta2) * grad.cwiseProduct(grad);
      const double c1 = 1.0 - std::pow(beta1, static_cast<double>(step));
      const double c2 = 1.0 - std::pow(beta2, static_cast<double>(step));
      net.parameters.array() -= options.learning_rate * (m1.array() / c1) / ((m2.array() / c2).sqrt() + eps);
    }
    const double loss = val.empty() ? 0.0 : net.mean_loss(subset.features, y, val);
    if (loss < best_loss) {
      best_loss = loss;
      best = net;
      best_epoch = epoch;
    } else if (epoch - best_epoch >= options.patience) {
      break;
    }
  }
  if (report != nullptr) {
    report->epochs_run = std::min(epoch, options.max_epochs);
    report->best_epoch = best_epoch;
    report->best_validation_loss = best_loss;
  }
  return best;
}

}  // namespace xasforge::ml
