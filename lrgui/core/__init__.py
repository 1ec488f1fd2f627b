"""The Qt-free core of lrgui: data, feature maps, costs, optimizers and training runs.

Nothing here imports Qt or pyqtgraph, so all of it runs, is tested and can be scripted headless.
"""

from .config import RunConfig
from .dataset import Dataset
from .errors import ConfigError, DataFileError, DatasetError, LrguiError
from .generators import GENERATORS, generate
from .objective import LOSSES, PENALTIES, Objective
from .optimizers import OPTIMIZERS
from .run import TrainingRun
from .table_io import read_table, write_table

__all__ = [
    "RunConfig", "Dataset", "ConfigError", "DataFileError", "DatasetError", "LrguiError",
    "GENERATORS", "generate", "LOSSES", "PENALTIES", "Objective", "OPTIMIZERS", "TrainingRun",
    "read_table", "write_table",
]
