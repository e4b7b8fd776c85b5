# Reference run for `gridtrust bench kmeans`: scikit-learn KMeans (Lloyd) from given centres, timed fit only.
import json
import sys
import time

import numpy as np
import sklearn
from sklearn.cluster import KMeans

X = np.load(sys.argv[1])
C = np.load(sys.argv[2]).astype(X.dtype)
iters = int(sys.argv[3])
repeats = int(sys.argv[4])
runs = []
for _ in range(repeats):
    km = KMeans(n_clusters=C.shape[0], init=C, n_init=1, algorithm="lloyd", tol=0, max_iter=iters)
    t0 = time.perf_counter()
    km.fit(X)
    runs.append({"seconds": time.perf_counter() - t0, "inertia": float(km.inertia_), "iterations": int(km.n_iter_)})
print(json.dumps({"version": sklearn.__version__, "dtype": str(X.dtype), "runs": runs}))
