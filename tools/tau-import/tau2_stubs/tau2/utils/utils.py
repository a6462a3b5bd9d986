import datetime
import hashlib
import json
import os
from pathlib import Path

# tau2's data folder: $TAU2_DATA_DIR, else the data/ beside the src/ the tau2 package came from.
DATA_DIR = Path(os.environ.get("TAU2_DATA_DIR", "/work/shared/tau/tau2-bench/data"))


def get_dict_hash(obj: dict) -> str:
    """The hash toolkit.get_db_hash compares: sha256 of the dict as sorted-key JSON."""
    return hashlib.sha256(json.dumps(obj, sort_keys=True, default=str).encode()).hexdigest()


def get_now() -> str:
    return datetime.datetime.now().isoformat()
