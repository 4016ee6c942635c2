"""An independent reader and writer of Keras 3 `.weights.h5` files, with Debian's h5py, for the tests.

Written from Keras 3's saving code (keras/src/saving/saving_lib.py): a Keras `Sequential([base, *head])`
keeps its own (empty) variables at /vars, the nested base at layers/functional, the base's layers at
layers/functional/layers/<snake_case(class)>[_N] numbered per class in layer order, the head's layers
at layers/<snake_case(class)>[_N]; each group's variables are datasets "0", "1", ... in a `vars` group.

    keras_h5.py read FILE             prints {path: {"name", "shapes", "dtypes", "sha256"}} as JSON
    keras_h5.py write FILE SPEC.json  writes a file as Keras 3 would from SPEC:
        {"style": "keras-3.16" | "keras-3.0" | "keras-2.13",
         "base_name": str, "base": [[layer name, class name, [shapes...]], ...] in Keras's order,
         "head": [[layer name, class name, [shapes...]], ...], "seed": int, "optimizer": bool}
      and prints {layer name: [sha256 of each variable's float32 bytes]} as JSON.
"""
import hashlib
import json
import re
import sys

import h5py
import numpy as np


def snake_case(name):
    # Keras's keras/src/utils/naming.py to_snake_case, rule for rule.
    name = re.sub(r"\W+", "", name)
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()


def keras_paths(prefix, layers):
    used = {}
    for name, class_name, shapes in layers:
        key = snake_case(class_name)
        used[key] = used.get(key, -1) + 1
        yield name, (f"{prefix}layers/{key}" if used[key] == 0 else f"{prefix}layers/{key}_{used[key]}"), shapes


def digest(array):
    return hashlib.sha256(np.ascontiguousarray(array, dtype="<f4").tobytes()).hexdigest()


def read(path):
    out = {}
    with h5py.File(path, "r") as f:
        def visit(name, obj):
            if isinstance(obj, h5py.Group) and name.split("/")[-1] == "vars":
                owner = name[: -len("vars")].rstrip("/")
                keys = sorted(obj.keys(), key=int)
                out[owner] = {
                    "name": obj.attrs.get("name"),
                    "shapes": [list(obj[k].shape) for k in keys],
                    "dtypes": [str(obj[k].dtype) for k in keys],
                    "sha256": [digest(obj[k][()]) for k in keys],
                }
        f.visititems(visit)
        out["/"] = {"attrs": {k: str(v) for k, v in f.attrs.items()}, "top": sorted(f.keys())}
    json.dump(out, sys.stdout)


def write(path, spec):
    style = spec["style"]
    rng = np.random.default_rng(spec["seed"])
    top = "_layer_checkpoint_dependencies" if style == "keras-2.13" else "layers"
    digests = {}
    with h5py.File(path, "w") as f:
        def group(owner, name):
            # Keras 3.16 names every group; 3.0 and 2.13 write no attribute.
            g = f.create_group(f"{owner}/vars" if owner else "vars")
            if style == "keras-3.16":
                g.attrs["name"] = name
            return g

        def layer(owner, name, shapes):
            if not shapes and style != "keras-3.16" and style != "keras-3.0":
                return
            g = group(owner, name)
            digests[name] = []
            for i, shape in enumerate(shapes):
                value = rng.uniform(0.5, 1.5, size=shape).astype("<f4")
                g[str(i)] = value
                digests[name].append(digest(value))

        group("", "sequential")
        group(f"{top}/functional", spec["base_name"])
        for name, owner, shapes in keras_paths(f"{top}/functional/", spec["base"]):
            layer(owner.replace("layers", top), name, shapes)
        for name, owner, shapes in keras_paths("", spec["head"]):
            layer(owner.replace("layers", top), name, shapes)
        if spec.get("optimizer"):
            g = group("optimizer", "adam")
            g["0"] = np.array(7, dtype="<i8")
    json.dump(digests, sys.stdout)


if __name__ == "__main__":
    if sys.argv[1] == "read":
        read(sys.argv[2])
    elif sys.argv[1] == "write":
        with open(sys.argv[3]) as spec:
            write(sys.argv[2], json.load(spec))
    else:
        sys.exit(f"unknown command {sys.argv[1]}")
