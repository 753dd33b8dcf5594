# R kernlab's kha on USPS train, one pass (maxiter = 1): the iterative peer. Prints one JSON-ish line.
args <- commandArgs(trailingOnly = TRUE)
path <- args[1]; sigma <- as.numeric(args[2]); r <- as.integer(args[3])
suppressMessages(library(kernlab))
start <- Sys.time()
X <- as.matrix(read.table(gzfile(path)))[, -1]
loaded <- Sys.time()
set.seed(1)
m <- kha(X, kernel = "rbfdot", kpar = list(sigma = 1 / (2 * sigma^2)), features = r, eta = 0.005, maxiter = 1)
done <- Sys.time()
cat(sprintf('{"peer": "R kernlab kha (one pass)", "load_s": %.3f, "fit_s": %.3f}\n',
            as.numeric(difftime(loaded, start, units = "secs")), as.numeric(difftime(done, loaded, units = "secs"))))
