"""One BLAS thread in each of the grader's own processes.

A batch runs one grading process per core, so BLAS threads would only fight
over the cores; and OpenBLAS starting one per core at `import numpy` costs
about 60 ms of CPU by itself (its threads spin while they wait).
"""

import os

BLAS_THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def one_blas_thread() -> None:
    """Call before NumPy is imported in this process; processes started from it inherit it."""
    os.environ.update(dict.fromkeys(BLAS_THREAD_VARIABLES, "1"))
