"""scikit-learn KernelPCA (arpack) on USPS train, or on a CSV file of numbers only: the batch peer. Prints one JSON line."""
import gzip, json, sys, time
import numpy as np
from sklearn.decomposition import KernelPCA

path, sigma, r = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
start = time.perf_counter()
if path.endswith(".csv"):
    X = np.loadtxt(path, delimiter=",")
else:
    with gzip.open(path, "rt") as f:
        X = np.array([[float(v) for v in line.split()[1:]] for line in f])
loaded = time.perf_counter()
kpca = KernelPCA(n_components=r, kernel="rbf", gamma=1 / (2 * sigma**2), eigen_solver="arpack", random_state=0)
kpca.fit(X)
done = time.perf_counter()
print(json.dumps({"peer": "scikit-learn KernelPCA (arpack)", "load_s": loaded - start, "fit_s": done - loaded,
                  "eigenvalues": kpca.eigenvalues_.tolist()}))
