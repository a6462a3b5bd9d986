from pydantic import BaseModel, ConfigDict

from .utils import get_dict_hash


class BaseModelNoExtra(BaseModel):
    model_config = ConfigDict(extra="forbid")


def get_pydantic_hash(obj: BaseModel) -> str:
    return get_dict_hash(obj.model_dump())


def update_pydantic_model_with_dict(model, update_data):
    """A new model from the old one's dump with update_data merged in, dicts recursively."""

    def merge(base, new):
        for k, v in new.items():
            if isinstance(v, dict) and isinstance(base.get(k), dict):
                merge(base[k], v)
            else:
                base[k] = v

    data = model.model_dump()
    merge(data, update_data or {})
    return type(model).model_validate(data)
