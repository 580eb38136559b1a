#!/usr/bin/env python3
"""Checks the library's layering: every #include "<layer>/..." in a layer's files must
name a layer it may include (src/LAYERS, transitively) or itself.

    check_layers.py ROOT            the repository root (src/LAYERS, src/, capi/)
    check_layers.py ROOT --self-test
        copies src/ and capi/ to a temporary tree, plants an upward include into the
        lowest layer that has a .cc file, and passes only if the check then fails
        naming that file (the check can fail when it should).

Exit status 0 when the layering holds, 1 with every violation listed otherwise, 2 for
a malformed LAYERS file (unknown layer, a cycle).
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

INCLUDE = re.compile(r'^\s*#\s*include\s+"([a-z_]+)/')


def read_layers(root):
    layers, order = {}, []
    with open(os.path.join(root, "src", "LAYERS")) as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            name, _, deps = line.partition(":")
            name = name.strip()
            if name in layers:
                raise ValueError(f"layer {name} is listed twice")
            for dep in deps.split():
                if dep not in layers:
                    raise ValueError(f"layer {name} depends on {dep}, which is not listed above it")
            layers[name] = deps.split()
            order.append(name)
    return layers, order


def closure(layers):
    allowed = {}
    for name in layers:  # listed lowest first: every dependency is done already
        reach = {name}
        for dep in layers[name]:
            reach |= allowed[dep]
        allowed[name] = reach
    return allowed


def layer_dir(root, name):
    return os.path.join(root, "capi") if name == "capi" else os.path.join(root, "src", name)


def check(root):
    layers, _ = read_layers(root)
    allowed = closure(layers)
    violations = []
    for name in layers:
        base = layer_dir(root, name)
        for dirpath, _, files in os.walk(base):
            for fn in sorted(files):
                if not fn.endswith((".h", ".cc")):
                    continue
                path = os.path.join(dirpath, fn)
                with open(path, errors="replace") as f:
                    for lineno, text in enumerate(f, 1):
                        m = INCLUDE.match(text)
                        if not m:
                            continue
                        target = m.group(1)
                        if target in layers and target not in allowed[name]:
                            rel = os.path.relpath(path, root)
                            violations.append(f"{rel}:{lineno}: layer {name} includes {target}/ "
                                              f"(allowed: {' '.join(sorted(allowed[name]))})")
    # Folders of src/ that are no layer at all would escape the check.
    for entry in sorted(os.listdir(os.path.join(root, "src"))):
        if os.path.isdir(os.path.join(root, "src", entry)) and entry not in layers:
            violations.append(f"src/{entry}/: a folder that src/LAYERS does not list")
    return violations


def self_test(root):
    layers, order = read_layers(root)
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copytree(os.path.join(root, "src"), os.path.join(tmp, "src"))
        shutil.copytree(os.path.join(root, "capi"), os.path.join(tmp, "capi"))
        top = order[-1]
        for name in order:
            if name == top:
                continue
            cc = [os.path.join(d, f) for d, _, fs in os.walk(layer_dir(tmp, name)) for f in fs if f.endswith(".cc")]
            if cc:
                victim = sorted(cc)[0]
                break
        # The highest layer of src/ (not capi): its headers exist under src/.
        higher = [n for n in order if n != "capi" and n not in closure(layers)[name]][-1]
        with open(victim, "a") as f:
            f.write(f'\n#include "{higher}/planted.h"\n')
        found = check(tmp)
        planted = os.path.relpath(victim, tmp)
        if any(v.startswith(planted + ":") for v in found):
            print(f"self-test: the check caught the planted include of {higher}/ in {planted}")
            return 0
        print(f"self-test FAILED: the planted include of {higher}/ in {planted} went unnoticed", file=sys.stderr)
        return 1


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    root = argv[1]
    try:
        if "--self-test" in argv[2:]:
            return self_test(root)
        violations = check(root)
    except ValueError as e:
        print(f"src/LAYERS: {e}", file=sys.stderr)
        return 2
    if violations:
        print("\n".join(violations), file=sys.stderr)
        print(f"{len(violations)} layering violation(s)", file=sys.stderr)
        return 1
    print("layering holds: every include names a layer below (src/LAYERS)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
