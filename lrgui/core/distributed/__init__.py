"""Training on data larger than memory: every epoch's loss, gradient and error count (and Newton's
Hessian) as a map over chunks of rows on a Dask cluster and a sum.

DATA is a CSV or Parquet file, a directory of them, or a glob (``data/part-*.csv``); it is read
with ``dask.dataframe``, chunk by chunk on the workers, so no process ever holds all of it. The
label column is the one ``table_io.read_table`` would take (the last, or ``label_column``), CSV
files are split as it splits them (the separator and header of the first rows), and the two label
values are ordered as it orders them. A CSV chunk holds ``chunk_rows`` to twice as many rows
(dask cuts a file into blocks of bytes, here ``chunk_rows`` × the mean length of its first rows,
and the last block takes the rest); a Parquet chunk is a row group of its file.

One pass over the chunks gives, per chunk, the row count, the label counts and the moments of the
model columns (largest |x|, mean and sum of squared deviations of x / largest, smallest and
largest x); combined pairwise in chunk order (Chan, Golub and LeVeque) they give the mean and the
standard deviation (ddof 0) that ``features.Standardizer`` computes on all rows, constant columns
treated alike. The standardised chunks are then built once as the kernels' signed designs and
persisted on the workers when they fit in half the cluster's memory; otherwise every epoch reads
them again. Each epoch maps ``kernels.cross_entropy_sums`` (or the squared error's) over the
chunks and adds the per-chunk sums in chunk order, so a run is reproducible, and on data that fit
in memory it equals the in-memory run up to rounding.

The run itself is a ``TrainingRun`` with this module's cost in its problem: the same optimizers,
the same loop, the same stopping rules. ``dask_client`` connects to a cluster (or starts a local
one) for this engine and for the sweeps' Dask backend. Dask is imported only when a function here
needs it.

The package: ``cluster`` (connecting), ``reading`` (DATA's files and layout), ``moments`` (the
one-pass standardisation), ``chunks`` (what a worker computes on a chunk), ``cost`` (the chunked
cost and problem), ``engine`` (training).
"""

from .cluster import dask_client
from .cost import ChunkedCost, ChunkedProblem
from .engine import DEFAULT_CHUNK_ROWS, cluster_problem, supported_optimizers, train_on_cluster
from .moments import Moments, MomentStandardizer
from .reading import data_files, read_layout

__all__ = ["DEFAULT_CHUNK_ROWS", "ChunkedCost", "ChunkedProblem", "Moments", "MomentStandardizer",
           "cluster_problem", "dask_client", "data_files", "read_layout", "supported_optimizers",
           "train_on_cluster"]
