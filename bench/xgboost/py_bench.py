"""Python side of bench/xgboost/bench.ts: trains xgboost.XGBRegressor on the same raw float32 data and parameters.

Usage: python3 py_bench.py SPEC.json   (written by bench.ts; see there for the fields)
Prints one JSON line: fit/predict seconds, the xgboost version, and writes predictions as raw float32.
"""
import json
import sys
import time

import numpy as np
import xgboost
from xgboost import XGBRegressor


def main() -> None:
    spec = json.load(open(sys.argv[1]))
    X = np.fromfile(spec["x"], dtype="<f4").reshape(spec["rows"], spec["cols"])
    y = np.fromfile(spec["y"], dtype="<f4")
    Xt = np.fromfile(spec["xt"], dtype="<f4").reshape(spec["trows"], spec["cols"])
    model = XGBRegressor(**spec["params"])
    t0 = time.perf_counter()
    model.fit(X, y)
    t1 = time.perf_counter()
    pred = model.predict(Xt)
    t2 = time.perf_counter()
    pred.astype("<f4").tofile(spec["out"])
    print(json.dumps({"fit_seconds": t1 - t0, "predict_seconds": t2 - t1, "xgboost": xgboost.__version__}))


if __name__ == "__main__":
    main()
