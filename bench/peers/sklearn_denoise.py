#!/usr/bin/env python3
"""The USPS denoising split of scikit-learn's example "Image denoising using kernel PCA", and its
baselines (linear PCA; KernelPCA with the learned ridge inverse), for bench/denoiseUsps.ts.

    sklearn_denoise.py USPS_DIR OUT_DIR R1,R2,...

Split (the example's settings, built from the ESL files instead of fetch_openml("usps"), which needs
the network): the 7291 + 2007 digits of zip.train.gz and zip.test.gz in that order (9298, as OpenML's
"usps"), pixels scaled to [0, 1] by MinMaxScaler on all of them, then
train_test_split(stratify=y, random_state=0, train_size=1_000, test_size=100). Gaussian noise as in the
example: one RandomState(0), N(0, 0.25²) drawn for the test set first, then for the training set.
Salt-and-pepper noise as in Mika et al. (1998), "speckle" with p = 0.2: each pixel is set to 0 or
1 (each with probability 0.1), from RandomState(1), test set first. Models are fitted to the noisy
training digits; errors are measured on the test digits against the clean ones.

Writes OUT_DIR/{train_clean,test_clean}.csv and, per noise, OUT_DIR/<noise>/{train,test}.csv and
OUT_DIR/<noise>/pca_best.csv (linear PCA's denoised test digits at its best r); prints JSON.
"""
import gzip
import json
import os
import sys
import time

import numpy as np
import sklearn
from sklearn.decomposition import PCA, KernelPCA
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import MinMaxScaler


def read_usps(path):
    with gzip.open(path, "rt") as f:
        rows = np.array([[float(v) for v in line.split()] for line in f if line.strip()])
    return rows[:, 1:], rows[:, 0].astype(int)


def write_csv(path, X, y):
    header = ",".join([f"p{i}" for i in range(X.shape[1])] + ["label"])
    np.savetxt(path, np.column_stack([X, y]), delimiter=",", header=header, comments="", fmt=["%.17g"] * X.shape[1] + ["%d"])


def errors(clean, Z):
    mse = float(np.mean((Z - clean) ** 2))
    return {"mse": mse, "snr": float(10 * np.log10(np.sum(clean**2) / np.sum((Z - clean) ** 2)))}


def main():
    usps_dir, out, ranks = sys.argv[1], sys.argv[2], [int(r) for r in sys.argv[3].split(",")]
    Xa, ya = read_usps(os.path.join(usps_dir, "zip.train.gz"))
    Xb, yb = read_usps(os.path.join(usps_dir, "zip.test.gz"))
    X = MinMaxScaler().fit_transform(np.vstack([Xa, Xb]))
    y = np.concatenate([ya, yb])
    X_train, X_test, y_train, y_test = train_test_split(X, y, stratify=y, random_state=0, train_size=1_000, test_size=100)

    rng = np.random.RandomState(0)
    gauss_test = X_test + rng.normal(scale=0.25, size=X_test.shape)
    gauss_train = X_train + rng.normal(scale=0.25, size=X_train.shape)

    def speckle(Xc, rng, p=0.2):
        hit = rng.uniform(size=Xc.shape) < p
        return np.where(hit, (rng.uniform(size=Xc.shape) < 0.5).astype(float), Xc)

    rng = np.random.RandomState(1)
    sp_test = speckle(X_test, rng)
    sp_train = speckle(X_train, rng)

    os.makedirs(out, exist_ok=True)
    write_csv(os.path.join(out, "train_clean.csv"), X_train, y_train)
    write_csv(os.path.join(out, "test_clean.csv"), X_test, y_test)
    result = {"sklearn": sklearn.__version__, "numpy": np.__version__, "noises": {}}
    for name, tr, te in [("gaussian", gauss_train, gauss_test), ("salt-and-pepper", sp_train, sp_test)]:
        os.makedirs(os.path.join(out, name), exist_ok=True)
        write_csv(os.path.join(out, name, "train.csv"), tr, y_train)
        write_csv(os.path.join(out, name, "test.csv"), te, y_test)
        res = {"noisy": errors(X_test, te), "pca": [], "kernel_pca_ridge": []}
        best = None
        for r in ranks:
            t = time.perf_counter()
            pca = PCA(n_components=r).fit(tr)
            Z = pca.inverse_transform(pca.transform(te))
            res["pca"].append({"r": r, "seconds": time.perf_counter() - t, **errors(X_test, Z)})
            if best is None or res["pca"][-1]["mse"] < best[0]:
                best = (res["pca"][-1]["mse"], Z)
        write_csv(os.path.join(out, name, "pca_best.csv"), best[1], y_test)
        # the example's settings: n_components=400, gamma=1e-3, alpha=5e-3; and the same at our ranks
        for r in sorted(set(ranks + [400])):
            t = time.perf_counter()
            kpca = KernelPCA(n_components=r, kernel="rbf", gamma=1e-3, fit_inverse_transform=True, alpha=5e-3, random_state=0)
            kpca.fit(tr)
            Z = kpca.inverse_transform(kpca.transform(te))
            res["kernel_pca_ridge"].append({"r": r, "gamma": 1e-3, "alpha": 5e-3, "seconds": time.perf_counter() - t, **errors(X_test, Z)})
        result["noises"][name] = res
    json.dump(result, sys.stdout)


main()
