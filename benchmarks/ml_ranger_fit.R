#!/usr/bin/Rscript
# ranger side of forest_vs_sklearn.sh (Debian r-cran-ranger): fit a classification forest on the
# train split exported by ml_export_raw.py and print one JSON line with fit seconds (wall and CPU
# of all threads) and the test accuracy.
# Usage: ml_ranger_fit.R DIR TREES MIN_NODE_SIZE THREADS SEED   (mtry = floor(sqrt(features)))
suppressPackageStartupMessages(library(ranger))
args <- commandArgs(trailingOnly = TRUE)
dir <- args[1]; trees <- as.integer(args[2]); leaf <- as.integer(args[3])
threads <- as.integer(args[4]); seed <- as.integer(args[5])
dims <- scan(file.path(dir, "dims.txt"), quiet = TRUE)  # n_train n_test n_features
rd <- function(name, n) readBin(file.path(dir, name), "double", n = n, endian = "little")
p <- dims[3]
xtr <- matrix(rd("x_train.f64", dims[1] * p), nrow = dims[1], byrow = TRUE)
xte <- matrix(rd("x_test.f64", dims[2] * p), nrow = dims[2], byrow = TRUE)
ytr <- rd("y_train.f64", dims[1]); yte <- rd("y_test.f64", dims[2])
colnames(xtr) <- colnames(xte) <- paste0("f", seq_len(p))
levels <- sort(unique(ytr))
t0 <- proc.time()
fit <- ranger(x = xtr, y = factor(ytr, levels = levels), num.trees = trees, mtry = floor(sqrt(p)),
              min.node.size = leaf, replace = TRUE, sample.fraction = 1, splitrule = "gini",
              num.threads = threads, seed = seed, classification = TRUE, verbose = FALSE)
t1 <- proc.time()
pred <- as.numeric(as.character(predict(fit, data = xte, num.threads = threads)$predictions))
acc <- mean(pred == yte)
cpu <- (t1[["user.self"]] - t0[["user.self"]]) + (t1[["sys.self"]] - t0[["sys.self"]])
cat(sprintf('{"fit_seconds": %.4f, "fit_cpu_seconds": %.4f, "score": %.6f, "metric": "accuracy"}\n',
            t1[["elapsed"]] - t0[["elapsed"]], cpu, acc))
