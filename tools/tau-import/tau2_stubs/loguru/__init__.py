"""Stub of loguru for tools/tau-import (see ../README.md): tau2 only logs through it."""


class _Logger:
    def __getattr__(self, name):
        return lambda *args, **kwargs: None


logger = _Logger()
