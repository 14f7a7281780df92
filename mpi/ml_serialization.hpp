#pragma once
/// Boost.Serialization for the learning types, so trees and scores travel through Boost.MPI.
/// Only mpi/ includes this header; core/ml stays free of Boost and MPI.
#include <boost/mpi/datatype.hpp>
#include <boost/serialization/string.hpp>
#include <boost/serialization/vector.hpp>

#include "core/ml/decision_tree.hpp"
#include "core/ml/model.hpp"

namespace boost::serialization {

template <class Archive>
void serialize(Archive& ar, xasforge::ml::TreeNode& n, const unsigned int /*version*/) {
  ar& n.feature& n.left& n.right& n.value_offset& n.threshold& n.impurity_decrease;
}

template <class Archive>
void serialize(Archive& ar, xasforge::ml::DecisionTree& t, const unsigned int /*version*/) {
  ar& t.n_outputs& t.nodes& t.values;
}

template <class Archive>
void serialize(Archive& ar, xasforge::ml::Scores& s, const unsigned int /*version*/) {
  ar& s.rows& s.accuracy& s.macro_f1& s.within_one& s.r2& s.predicted;
}

}  // namespace boost::serialization

// A node is four 32-bit integers and two doubles with no padding: vectors of nodes are sent as
// one MPI datatype array rather than field by field.
BOOST_IS_MPI_DATATYPE(xasforge::ml::TreeNode)
BOOST_CLASS_IMPLEMENTATION(xasforge::ml::TreeNode, object_serializable)
BOOST_CLASS_TRACKING(xasforge::ml::TreeNode, track_never)
BOOST_CLASS_IMPLEMENTATION(xasforge::ml::DecisionTree, object_serializable)
BOOST_CLASS_TRACKING(xasforge::ml::DecisionTree, track_never)
BOOST_CLASS_IMPLEMENTATION(xasforge::ml::Scores, object_serializable)
BOOST_CLASS_TRACKING(xasforge::ml::Scores, track_never)
