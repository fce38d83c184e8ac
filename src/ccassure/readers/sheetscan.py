"""One streaming pass over a sheet's XML before any value is read: where the values are, and whether the
sheet is safe to read.

The pass uses expat (a pull parser in the standard library), so it reads every row whatever its order,
its quoting, or whether it carries its optional ``r`` reference: a row without ``r`` follows the row before
it, a cell without ``r`` follows the cell before it, as the file format says. Memory is bounded by the
cells that hold a value (one set of row numbers), never by the declared dimension or the largest cell
reference. The pass also enforces the limits (cells, text per cell, nesting) before anything is
materialised, finds error cells (#N/A) and formulas whose result was never saved, and records the bounding
box of the value cells, which is what the value reader would allocate.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from typing import IO
from xml.parsers import expat

from ccassure.readers.limits import MAX_CELL_TEXT, MAX_CELLS, MAX_XML_DEPTH, ReadRefused
from ccassure.readers.model import column_letter

SCAN_CHUNK = 1 << 20
MAX_LISTED = 100_000  # error cells and unsaved formulas remembered per sheet
_REFERENCE = re.compile(r"\$?([A-Za-z]{1,3})\$?(\d{1,7})$")
EXCEL_ROWS, EXCEL_COLUMNS = 1_048_576, 16_384


@dataclass
class SheetScan:
    """What the pass over one sheet found. Columns are 0-based, rows are Excel row numbers."""

    rows: set[int] = field(default_factory=set)          # rows holding at least one value cell
    certain_rows: set[int] = field(default_factory=set)  # rows with a value that cannot read as blank
    cells: int = 0                                       # value cells
    last_row: int = 0
    last_column: int = -1
    far_cell: str | None = None                          # the value cell furthest down or right
    unsaved: list[tuple[str, int]] = field(default_factory=list)      # (letters, row) formulas, no result
    errors: list[tuple[str, int, str]] = field(default_factory=list)  # (letters, row, '#N/A')

    @property
    def area(self) -> int:
        """Cells in the rectangle from A1 to the furthest value: what a dense reader allocates."""
        return self.last_row * (self.last_column + 1)


class _Pass:
    """expat handlers for one sheet (element names compared without their namespace prefix)."""

    def __init__(self, title: str, kind: str = "sheet"):
        self.title = title
        self.kind = kind
        self.scan = SheetScan()
        self.depth = 0
        self.row = 0          # the current row number
        self.column = -1      # the current cell's column
        self.cell_type = ""
        self.has_value = False
        self.has_formula = False
        self.text_length = 0
        self.in_text = False
        self.value = ""       # kept for error cells only

    def start(self, name: str, attributes: dict[str, str]) -> None:
        self.depth += 1
        if self.depth > MAX_XML_DEPTH:
            raise ReadRefused("file-unreadable", f"sheet {self.title!r} is nested more than {MAX_XML_DEPTH} "
                                                 "levels deep, which no spreadsheet program writes")
        local = name.rpartition(":")[2]
        if local == "c":
            self._start_cell(attributes)
        elif local == "row":
            number = attributes.get("r")
            self.row = self._number(number, "row") if number is not None else self.row + 1
            self.column = -1
        elif local in ("v", "t"):
            self.in_text = True
            self.text_length = 0
            if local == "v":
                self.has_value = True
        elif local == "is":
            self.has_value = True
        elif local == "f":
            self.has_formula = True

    def _start_cell(self, attributes: dict[str, str]) -> None:
        reference = attributes.get("r")
        if reference is None:
            self.column += 1
            if self.row == 0:
                self.row = 1
        else:
            found = _REFERENCE.match(reference.strip())
            if not found:
                raise ReadRefused("file-unreadable", f"sheet {self.title!r} has a cell with the reference "
                                                     f"{reference[:20]!r}, which is not a cell address")
            letters, digits = found.groups()
            self.column = _column_index(letters.upper())
            self.row = self._number(digits, "row")
        if self.column >= EXCEL_COLUMNS:
            raise ReadRefused("file-unreadable", f"sheet {self.title!r} has a cell beyond Excel's last column "
                                                 f"(XFD), in row {self.row:,}")
        self.cell_type = attributes.get("t", "n")
        self.has_value = self.has_formula = False
        self.value = ""

    def _number(self, text: str, what: str) -> int:
        if not text.strip().isdigit() or not 1 <= int(text) <= EXCEL_ROWS:
            raise ReadRefused("file-unreadable", f"sheet {self.title!r} has a {what} numbered {text[:20]!r}, "
                                                 f"outside Excel's rows 1 to {EXCEL_ROWS:,}")
        return int(text)

    def end(self, name: str) -> None:
        self.depth -= 1
        local = name.rpartition(":")[2]
        if local in ("v", "t"):
            self.in_text = False
        elif local == "c":
            self._end_cell()

    def _end_cell(self) -> None:
        scan = self.scan
        letters = None
        if self.has_formula and not self.has_value and len(scan.unsaved) < MAX_LISTED:
            letters = column_letter(self.column)
            scan.unsaved.append((letters, self.row))
        if not self.has_value:
            return
        scan.cells += 1
        if scan.cells > MAX_CELLS:
            raise ReadRefused("file-too-large", f"sheet {self.title!r} has more than {MAX_CELLS:,} filled cells")
        scan.rows.add(self.row)
        if self.cell_type != "s":  # a shared string may be empty; any other value is certainly there
            scan.certain_rows.add(self.row)
        if self.row > scan.last_row or self.column > scan.last_column:
            scan.last_row = max(scan.last_row, self.row)
            scan.last_column = max(scan.last_column, self.column)
            scan.far_cell = f"{letters or column_letter(self.column)}{self.row}"
        if self.cell_type == "e" and len(scan.errors) < MAX_LISTED:
            scan.errors.append((letters or column_letter(self.column), self.row, self.value.strip()))

    def text(self, data: str) -> None:
        if not self.in_text:
            return
        self.text_length += len(data)
        if self.text_length > MAX_CELL_TEXT:
            where = f"sheet {self.title!r} has a cell in row {self.row:,}" if self.kind == "sheet" else \
                f"the workbook's {self.title} hold a text"
            raise ReadRefused("file-too-large", f"{where} of more than {MAX_CELL_TEXT:,} characters "
                                                "(Excel's own limit for one cell)")
        if self.cell_type == "e":
            self.value += data


def _refuse_declarations(*_args: object) -> None:
    raise ReadRefused("file-unreadable", "the workbook's XML declares its own entities or document type, "
                                         "which spreadsheet programs never write")


def new_parser() -> expat.XMLParserType:
    """An expat parser that refuses DOCTYPE and entity declarations (entity expansion bombs)."""
    parser = expat.ParserCreate()
    parser.buffer_text = True
    parser.StartDoctypeDeclHandler = _refuse_declarations
    parser.EntityDeclHandler = _refuse_declarations
    return parser


def scan_sheet(archive: zipfile.ZipFile, part: str, title: str, limit: int) -> SheetScan:
    """Scan one sheet: the quick pass when every cell carries its reference first (as Excel, LibreOffice,
    openpyxl and xlsxwriter write them), the full streaming parse otherwise."""
    quick = quick_scan(archive.open(part), title, limit)
    return quick if quick is not None else stream_scan(archive.open(part), title, limit)


# The quick pass: literal-led regular expressions over the bytes (fast in C), a few operations per cell.
# It applies to sheets without namespace prefixes whose every cell starts with its reference.
_CELL = re.compile(rb'<c r="([A-Z]{1,3})(\d{1,7})"([^>]*?)(/?)>')
_LONG_TEXT = re.compile(rb">[^<]{%d,}" % (MAX_CELL_TEXT + 1))
_FORMULA_CELL = re.compile(rb'<c r="([A-Z]{1,3})(\d{1,7})"[^>]*?(?<!/)>((?:(?!</c>).)*?)</c>', re.S)
_ERROR_CELL = re.compile(rb'<c r="([A-Z]{1,3})(\d{1,7})"[^>]*?\bt="e"[^>]*>(?:(?!</c>).)*?<v>([^<]*)</v>', re.S)
_PREFIXED = (b":c ", b":c>", b":row", b":sheetData", b":v>", b":is>", b":f>", b":f ")


def quick_scan(source: IO[bytes], title: str, limit: int) -> SheetScan | None:
    """The scan in bytes, chunk by chunk (cut before a row starts); None when some cell lacks its leading
    reference, or anything else is unusual, so that the streaming parse decides."""
    scan = SheetScan()
    letters_seen: set[bytes] = set()
    rows: set[bytes] = set()
    certain: set[bytes] = set()
    buffer = b""
    total = 0
    ended = False
    with source:
        while True:
            chunk = source.read(SCAN_CHUNK * 4)
            total += len(chunk)
            if total > limit:
                raise ReadRefused("file-too-large", f"sheet {title!r} is over {limit / 1e6:,.0f} MB when unpacked")
            buffer += chunk
            if chunk:
                cut = max(buffer.rfind(b"<row"), buffer.rfind(b":row"))
                cut = buffer.rfind(b"<", 0, cut + 1) if cut > 0 else -1
                if cut <= 0:
                    continue
            else:
                cut = len(buffer)
            part, buffer = buffer[:cut], buffer[cut:]
            if b"<!" in part and (b"<!DOCTYPE" in part or b"<!ENTITY" in part):
                _refuse_declarations()
            if not _quick_part(part, scan, letters_seen, rows, certain):
                return None
            ended = ended or b"</sheetData>" in part or b"<sheetData/>" in part
            if not chunk:
                break
    if not ended:
        raise ReadRefused("file-unreadable", f"sheet {title!r} is damaged: its rows break off before the end")
    if scan.cells > MAX_CELLS:
        raise ReadRefused("file-too-large", f"sheet {title!r} has more than {MAX_CELLS:,} filled cells")
    scan.rows = {int(r) for r in rows}
    scan.certain_rows = {int(r) for r in certain}
    if any(not 1 <= row <= EXCEL_ROWS for row in scan.rows):
        return None
    scan.last_row = max(scan.rows, default=0)
    columns = [_column_index(letters.decode()) for letters in letters_seen]
    scan.last_column = max(columns, default=-1)
    if scan.last_column >= EXCEL_COLUMNS:
        return None
    if scan.rows:
        scan.far_cell = f"{column_letter(scan.last_column)}{scan.last_row}"
    return scan


def _quick_part(part: bytes, scan: SheetScan, letters_seen: set[bytes], rows: set[bytes],
                certain: set[bytes]) -> bool:
    if any(prefixed in part for prefixed in _PREFIXED):
        return False  # elements with namespace prefixes: the streaming parse reads them
    cells = _CELL.findall(part)
    if len(cells) != part.count(b"<c ") + part.count(b"<c>") + part.count(b"<c/"):
        return False  # a cell without a leading r="A1": only the streaming parse can number it
    if _LONG_TEXT.search(part):
        return False  # the streaming parse measures it in characters, and refuses it if it is too long
    filled = [(letters, row, attributes) for letters, row, attributes, closed in cells if not closed]
    scan.cells += len(filled)
    letters_seen.update(letters for letters, _, _ in filled)
    rows.update(row for _, row, _ in filled)
    certain.update(row for _, row, attributes in filled if b't="s"' not in attributes)
    if b"<f>" in part or b"<f " in part or b"<f/" in part:
        for letters, row, body in _FORMULA_CELL.findall(part):
            if (b"<f" in body) and b"<v>" not in body and b"<v " not in body and b"<is>" not in body and len(scan.unsaved) < MAX_LISTED:
                scan.unsaved.append((letters.decode(), int(row)))
    if b't="e"' in part:
        for letters, row, value in _ERROR_CELL.findall(part):
            if len(scan.errors) < MAX_LISTED:
                scan.errors.append((letters.decode(), int(row), value.decode("utf-8", "replace").strip()))
    return True


def stream_scan(source: IO[bytes], title: str, limit: int) -> SheetScan:
    """Stream the sheet's XML once; refuse it (ReadRefused) if it breaks a limit or is not well formed."""
    state = _Pass(title)
    parser = new_parser()
    parser.StartElementHandler = state.start
    parser.EndElementHandler = state.end
    parser.CharacterDataHandler = state.text
    _feed(parser, source, limit, too_large=f"sheet {title!r} is over {limit / 1e6:,.0f} MB when unpacked",
          damaged=f"sheet {title!r} is damaged (its XML breaks off or is malformed at ")
    return state.scan


def _feed(parser: expat.XMLParserType, source: IO[bytes], limit: int, too_large: str, damaged: str) -> None:
    """Parse ``source`` in chunks, refusing it once more than ``limit`` bytes have been unpacked or when the
    XML is not well formed: the one streaming loop behind every part the scan reads."""
    total = 0
    try:
        with source:
            while chunk := source.read(SCAN_CHUNK):
                total += len(chunk)
                if total > limit:
                    raise ReadRefused("file-too-large", too_large)
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except expat.ExpatError as exc:
        raise ReadRefused("file-unreadable", f"{damaged}line {exc.lineno}, {expat.ErrorString(exc.code)})") from None


def scan_text_sizes(source: IO[bytes], what: str, limit: int) -> None:
    """Refuse a part (the shared strings) holding one text longer than a cell may hold, before it is read."""
    state = _Pass(what, kind="strings")
    parser = new_parser()
    parser.StartElementHandler = lambda name, _a: _text_start(state, name)
    parser.EndElementHandler = lambda name: _text_end(state, name)
    parser.CharacterDataHandler = state.text
    _feed(parser, source, limit, too_large=f"the workbook's {what} are over {limit / 1e6:,.0f} MB when unpacked",
          damaged=f"the workbook's {what} are damaged (")


def _text_start(state: _Pass, name: str) -> None:
    state.depth += 1
    if state.depth > MAX_XML_DEPTH:
        raise ReadRefused("file-unreadable", f"the workbook's {state.title} are nested too deeply")
    local = name.rpartition(":")[2]
    if local == "si":
        state.text_length = 0
    elif local == "t":
        state.in_text = True


def _text_end(state: _Pass, name: str) -> None:
    state.depth -= 1
    if name.rpartition(":")[2] == "t":
        state.in_text = False


def _column_index(letters: str) -> int:
    index = 0
    for ch in letters:
        index = index * 26 + ord(ch) - 64
    return index - 1


# OpenDocument (.ods): every sheet is a <table:table> of content.xml. A row or cell may stand for many
# (table:number-rows-repeated, table:number-columns-repeated), so a tiny file can describe a value in
# every cell of the grid: the pass counts repeats arithmetically, never expanding them, and refuses the
# sheet before the value reader would.
_ODS_REPEAT_ROWS = "table:number-rows-repeated"
_ODS_REPEAT_COLUMNS = "table:number-columns-repeated"


class _OdsPass:
    """expat handlers for content.xml (namespace prefixes as LibreOffice and Excel write them)."""

    def __init__(self) -> None:
        self.scans: dict[str, SheetScan] = {}
        self.scan: SheetScan | None = None
        self.title = ""
        self.depth = 0
        self.row = 0              # rows before the current one (Excel numbering: current is row + 1)
        self.row_repeat = 1
        self.column = 0           # columns before the current cell
        self.cell: dict[str, str] | None = None
        self.cell_repeat = 1
        self.text_length = 0
        self.table_depth = 0      # depth of the sheet's <table:table> (a table inside a cell is not a sheet)
        self.aside_depth = 0      # inside a comment or a drawing: its text is not the cell's value

    def start(self, name: str, attributes: dict[str, str]) -> None:
        self.depth += 1
        if self.depth > MAX_XML_DEPTH:
            raise ReadRefused("file-unreadable", f"the workbook's content is nested more than {MAX_XML_DEPTH} "
                                                 "levels deep, which no spreadsheet program writes")
        if name == "table:table" and self.scan is None:
            self.title = attributes.get("table:name", "")
            self.scan = self.scans.setdefault(self.title, SheetScan())
            self.row = 0
            self.table_depth = self.depth
        elif self.scan is None or self.aside_depth:
            return
        elif name == "office:annotation" or name.startswith("draw:"):
            self.aside_depth = self.depth
        elif name == "table:table-row" and self.cell is None:
            self.row_repeat = self._repeat(attributes, _ODS_REPEAT_ROWS, "rows")
            self.column = 0
        elif name in ("table:table-cell", "table:covered-table-cell") and self.cell is None:
            self.cell = attributes
            self.cell_repeat = self._repeat(attributes, _ODS_REPEAT_COLUMNS, "columns")
            self.text_length = 0

    def _repeat(self, attributes: dict[str, str], key: str, what: str) -> int:
        text = attributes.get(key, "1")
        if not text.strip().isdigit() or not 1 <= int(text) <= (EXCEL_ROWS if what == "rows" else EXCEL_COLUMNS):
            raise ReadRefused("file-unreadable", f"sheet {self.title!r} repeats a {what[:-1]} {text[:20]!r} times, "
                                                 "outside the grid a spreadsheet can hold")
        return int(text)

    def end(self, name: str) -> None:
        depth = self.depth
        self.depth -= 1
        if self.scan is None:
            return
        if self.aside_depth:
            if depth == self.aside_depth:
                self.aside_depth = 0
            return
        if name in ("table:table-cell", "table:covered-table-cell") and self.cell is not None:
            self._end_cell()
        elif name == "table:table-row" and self.cell is None:
            self.row += self.row_repeat
            if self.row > EXCEL_ROWS:
                raise ReadRefused("file-unreadable", f"sheet {self.title!r} has rows beyond Excel's last "
                                                     f"row ({EXCEL_ROWS:,})")
        elif name == "table:table" and depth == self.table_depth:
            self.scan = None

    def _end_cell(self) -> None:
        scan, cell = self.scan, self.cell
        assert scan is not None and cell is not None
        first_column, self.column = self.column, self.column + self.cell_repeat
        self.cell = None
        if self.column > EXCEL_COLUMNS:
            raise ReadRefused("file-unreadable", f"sheet {self.title!r} has a cell beyond Excel's last column "
                                                 f"(XFD), in row {self.row + 1:,}")
        kind = cell.get("office:value-type")
        if kind is None and self.text_length == 0:
            if "table:formula" in cell and len(scan.unsaved) < MAX_LISTED:
                scan.unsaved.append((column_letter(first_column), self.row + 1))
            return
        count = self.cell_repeat * self.row_repeat
        scan.cells += count
        if scan.cells > MAX_CELLS:
            raise ReadRefused("file-too-large", f"sheet {self.title!r} has more than {MAX_CELLS:,} filled cells"
                                                " (counting repeated cells)")
        rows = range(self.row + 1, self.row + self.row_repeat + 1)
        scan.rows.update(rows)
        if kind not in (None, "string") or self.text_length:
            scan.certain_rows.update(rows)
        last_row, last_column = rows[-1], self.column - 1
        if last_row > scan.last_row or last_column > scan.last_column:
            scan.last_row = max(scan.last_row, last_row)
            scan.last_column = max(scan.last_column, last_column)
            scan.far_cell = f"{column_letter(last_column)}{last_row}"

    def text(self, data: str) -> None:
        if self.cell is None or self.aside_depth:
            return
        self.text_length += len(data)
        if self.text_length > MAX_CELL_TEXT:
            raise ReadRefused("file-too-large", f"sheet {self.title!r} has a cell in row {self.row + 1:,} of more "
                                                f"than {MAX_CELL_TEXT:,} characters (Excel's own limit for one cell)")


def scan_ods(archive: zipfile.ZipFile, limit: int) -> dict[str, SheetScan]:
    """Scan every sheet of an .ods workbook (its content.xml) once, by sheet name; refuse it if it breaks a
    limit or is damaged."""
    state = _OdsPass()
    parser = new_parser()
    parser.StartElementHandler = state.start
    parser.EndElementHandler = state.end
    parser.CharacterDataHandler = state.text
    try:
        source = archive.open("content.xml")
    except KeyError:
        raise ReadRefused("file-unreadable", "the workbook has no content (content.xml is missing: the file is "
                                             "damaged)") from None
    try:
        _feed(parser, source, limit, too_large=f"the workbook's content is over {limit / 1e6:,.0f} MB when unpacked",
              damaged="the workbook's content is damaged (its XML breaks off or is malformed at ")
    except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError) as exc:
        raise ReadRefused("file-unreadable", f"the workbook's content cannot be unpacked ({exc})") from None
    return state.scans
