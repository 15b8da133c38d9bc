"""Check a table as a terminal shows it: no line wider than the width (when
one is given), and every row's WHERE cell starting at the header's WHERE
column, counting display columns as a terminal does (East Asian wide and
fullwidth characters two, combining and format characters none).
Usage: table_layout.py TABLE [WIDTH]"""
import sys
import unicodedata


def width(text):
    w = 0
    for c in text:
        if unicodedata.category(c) in ("Mn", "Me", "Cf") or 0x1160 <= ord(c) <= 0x11FF:
            continue
        w += 2 if unicodedata.east_asian_width(c) in ("W", "F") else 1
    return w


lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
limit = int(sys.argv[2]) if len(sys.argv) > 2 else None
header = lines[0]
if not header.startswith("SEVERITY") or "WHERE" not in header:
    sys.exit("no table header: %r" % header)
where = width(header[: header.index("WHERE")])
rows = [l for l in lines[1:] if l.split(" ", 1)[0] in ("high", "medium", "low")]
if not rows:
    sys.exit("no rows")
for line in lines:
    if limit is not None and width(line) > limit:
        sys.exit("%d columns, wider than %d: %r" % (width(line), limit, line))
for row in rows:
    # the WHERE cell: a path, or a detail ("displayed as ...")
    starts = [i for i in range(len(row)) if row.startswith((" C:\\", " displayed"), i)]
    if not starts or width(row[: starts[0] + 1]) != where:
        sys.exit("WHERE not at column %d: %r" % (where, row))
print("%d rows, WHERE at column %d" % (len(rows), where))
