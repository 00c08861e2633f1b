"""What machine the benchmarks ran on, how many BLAS threads they used, and its GEMM peak.

Every benchmark times peers side by side in the same run, so a loaded machine slows all of
them alike and their ratios stay meaningful; this module records what the ratios were
measured on.
"""

import ctypes
import glob
import os
import platform
import time

import numpy as np


def _openblas():
    """NumPy's bundled OpenBLAS (scipy-openblas), or None where NumPy links another BLAS."""
    folder = os.path.join(os.path.dirname(np.__file__), os.pardir, "numpy.libs")
    for path in glob.glob(os.path.join(folder, "libscipy_openblas*.so*")):
        lib = ctypes.CDLL(path)
        for prefix in ("scipy_openblas", "openblas"):
            for suffix in ("64_", ""):
                get = getattr(lib, f"{prefix}_get_num_threads{suffix}", None)
                put = getattr(lib, f"{prefix}_set_num_threads{suffix}", None)
                if get is not None and put is not None:
                    return get, put
    return None


_BLAS = _openblas()


def blas_threads():
    """Threads NumPy's OpenBLAS uses now (None if it cannot be asked)."""
    return int(_BLAS[0]()) if _BLAS else None


def set_blas_threads(n):
    """Set NumPy's OpenBLAS thread count at run time (the environment variable only works
    before NumPy is imported, and the course's kernels must keep their own setting)."""
    if _BLAS:
        _BLAS[1](int(n))


def gemm_flops(m, n, k):
    """Floating-point operations of an (m, k) @ (k, n) product: a multiply and an add each."""
    return 2 * m * n * k


def gemm_peak(size=2048, repeats=5, rng=0):
    """Measured float32 matrix-product speed, FLOP/s: the best of `repeats` products of two
    (size, size) matrices. The best, not the median: a peak is what the machine can do when
    nothing interrupts it, the bound the course's training is compared with.

    Returns: FLOP/s.
    """
    gen = np.random.default_rng(rng)
    a = gen.standard_normal((size, size), dtype=np.float32)
    b = gen.standard_normal((size, size), dtype=np.float32)
    a @ b  # warm-up: threads started, pages touched
    speeds = []
    for _ in range(repeats):
        started = time.perf_counter()
        a @ b
        speeds.append(gemm_flops(size, size, size) / (time.perf_counter() - started))
    return max(speeds)


def _cpu_model():
    try:
        with open("/proc/cpuinfo") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def describe():
    """dict of facts about the machine and libraries, for the head of RESULTS.md."""
    config = np.show_config(mode="dicts")
    blas = config.get("Build Dependencies", {}).get("blas", {})
    facts = {
        "CPU": _cpu_model(),
        "cores (os.cpu_count)": os.cpu_count(),
        "cores usable (sched_getaffinity)": len(os.sched_getaffinity(0)),
        "load average at start (1, 5, 15 min)": ", ".join(f"{x:.2f}" for x in os.getloadavg()),
        "Python": platform.python_version(),
        "NumPy": np.__version__,
        "NumPy BLAS": f"{blas.get('name', '?')} {blas.get('version', '')}".strip(),
        "OpenBLAS threads at start": blas_threads(),
        "OPENBLAS_NUM_THREADS / OMP_NUM_THREADS": f"{os.environ.get('OPENBLAS_NUM_THREADS', 'unset')} / "
                                                  f"{os.environ.get('OMP_NUM_THREADS', 'unset')}",
    }
    try:
        import torch
        facts["PyTorch"] = f"{torch.__version__} (intra-op threads at start: {torch.get_num_threads()})"
    except ImportError:
        facts["PyTorch"] = "not installed (pip install -r bench/requirements.txt)"
    return facts


def load_average():
    """The 1-minute load average: how busy the machine is right now."""
    return os.getloadavg()[0]
