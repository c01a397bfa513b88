import gzip
import json

import openpyxl
import pytest

from answerbot.data.jsonl import DataError
from answerbot.data.pairs import read_pairs


def test_jsonl_with_aliases_keys_and_groups(tmp_path):
    path = tmp_path / "p.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as f:
        f.write(json.dumps({"ticket": "cannot log in", "article": "Reset password", "account": "acme"}) + "\n\n")
        f.write(json.dumps({"query": "refund?", "document": "Refunds", "doc_key": "kb/9"}) + "\n")
    read = read_pairs(path)
    assert [(p.query, p.document, p.doc_key, p.group) for p in read.pairs] == [
        ("cannot log in", "Reset password", "Reset password", "acme"),
        ("refund?", "Refunds", "kb/9", ""),
    ]
    assert read.skipped == 0


def test_broken_jsonl_row_names_file_and_line(tmp_path):
    path = tmp_path / "p.jsonl"
    path.write_text('{"query": "a", "document": "b"}\n{"query": "a", \n', encoding="utf-8")
    with pytest.raises(DataError, match=r"p\.jsonl:2: invalid JSON"):
        read_pairs(path)


def test_broken_rows_are_skipped_and_counted_when_asked(tmp_path):
    path = tmp_path / "p.jsonl"
    path.write_text('{"query": "a", "document": "b"}\nnot json\n{"query": "", "document": "b"}\n', encoding="utf-8")
    read = read_pairs(path, skip_bad=True)
    assert len(read.pairs) == 1 and read.skipped == 2


def test_csv_names_the_line_of_a_row_with_a_missing_document(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text('question,answer\n"how, now",cow\n"multi\nline",\n', encoding="utf-8")
    with pytest.raises(DataError, match=r"p\.csv:4: field 'document'"):
        read_pairs(path)


def test_csv_reads_quoted_fields(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text('query,document,group\n"hello, you","the doc",g1\n', encoding="utf-8")
    (pair,) = read_pairs(path).pairs
    assert (pair.query, pair.document, pair.group) == ("hello, you", "the doc", "g1")


def test_xlsx_rows_and_a_broken_row(tmp_path):
    path = tmp_path / "p.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["query", "document"])
    sheet.append(["where is my parcel", "Track your order"])
    sheet.append([None, "orphan document"])
    book.save(path)
    with pytest.raises(DataError, match=r"p\.xlsx:3: field 'query'"):
        read_pairs(path)
    read = read_pairs(path, skip_bad=True)
    assert [p.query for p in read.pairs] == ["where is my parcel"] and read.skipped == 1


def test_unknown_format_is_refused(tmp_path):
    path = tmp_path / "p.parquet"
    path.write_bytes(b"")
    with pytest.raises(DataError, match=r"unknown format '\.parquet'"):
        read_pairs(path)
