#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Every source file with a translatable string is listed in po/POTFILES.in, or its strings
drop out of the catalogue at the next panorama-update-po and show in English under zh_CN
(the queue's tabs did, once)."""
import pathlib
import re
import sys

root = pathlib.Path(sys.argv[1])
listed = {line.strip() for line in (root / "po" / "POTFILES.in").read_text().splitlines()
          if line.strip() and not line.startswith("#")}
marker = re.compile(r'\b(?:N?C?_|NC_|g_dngettext|ngettext)\s*\(\s*(?:"|[A-Za-z_]+\s*,\s*")')
missing = []
for folder in ("app", "core", "layers", "widgets"):
    for path in sorted((root / folder).glob("*.c")):
        if marker.search(path.read_text(encoding="utf-8")):
            name = path.relative_to(root).as_posix()
            if name not in listed:
                missing.append(name)
for path in sorted((root / "resources").rglob("*.ui")):
    if 'translatable="yes"' in path.read_text(encoding="utf-8"):
        name = path.relative_to(root).as_posix()
        if name not in listed:
            missing.append(name)
for name in missing:
    print(f"{name} has translatable strings but is not in po/POTFILES.in")
stale = [name for name in sorted(listed) if not (root / name).exists()]
for name in stale:
    print(f"po/POTFILES.in lists {name}, which does not exist")
sys.exit(1 if missing or stale else 0)
