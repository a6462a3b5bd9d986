"""Stub of tau2.utils for tools/tau-import (see ../../README.md): what tau2's retail domain,
environment and evaluator import from it, written from how they call it."""
from .io_utils import dump_file, load_file
from .pydantic_utils import BaseModelNoExtra, get_pydantic_hash, update_pydantic_model_with_dict
from .utils import DATA_DIR, get_dict_hash, get_now
