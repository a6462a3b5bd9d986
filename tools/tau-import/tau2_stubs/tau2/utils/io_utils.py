import json


def load_file(path):
    with open(path) as f:
        return json.load(f)


def dump_file(path, data, **kwargs):
    with open(path, "w") as f:
        json.dump(data, f, **kwargs)
