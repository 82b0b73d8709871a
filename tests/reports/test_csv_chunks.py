"""The CSV streams in 64 KB pieces, not a write per row, and says the same."""

from __future__ import annotations

import csv
import io

from reports.columns import HEADER
from reports.exports import CHUNK_BYTES, csv_chunks, csv_lines


def rows(count: int) -> list[list]:
    return [[f"Person {n}", f"person{n}@school.example", "North Primary", "teaching", "Email Policy", "2.0",
             "", "New major version", "2026-12-01", n % 30][: len(HEADER)] for n in range(count)]


def test_ten_thousand_rows_stream_in_a_few_pieces_of_about_64_kb():
    pieces = list(csv_chunks(rows(10_000)))

    assert len(pieces) < 25
    assert all(len(piece) >= CHUNK_BYTES for piece in pieces[:-1])


def test_the_pieces_join_to_exactly_the_rows_written_one_by_one():
    data = rows(3_000)

    assert "".join(csv_chunks(data)) == "".join(csv_lines(data))
    assert len(list(csv.reader(io.StringIO("".join(csv_chunks(data)))))) == 3_001


def test_an_empty_report_is_its_header_alone():
    assert list(csv_chunks([])) == ["".join(csv_lines([]))]
