"""Tasking packs: the marking on every PDF page, the DOCX sections, victim details withheld."""

import json

import pytest
from acting import grant
from docx import Document as WordDocument
from handmade import SERIES_REF, make_borough
from pypdf import PdfReader
from sqlpeek import sql

from workbench.reports.pack import PackOptions, export_meeting_pack, export_patp_pack
from workbench.tasking.editing import CreatePatp
from workbench.tasking.meetings import AddAction, CreateMeeting
from workbench.tasking.prefill import build_patp
from workbench.tasking.sources import problem_from_series
from workbench.tasking.workflow import PatpTransition


@pytest.fixture
def accepted(store, act_as):
    make_borough(store)
    patp = build_patp(store, problem_from_series(store, SERIES_REF), author="a.analyst")
    patp.owner = "DI Smith"
    create = CreatePatp(patp)
    create.do(store)
    pid = create.patp_id
    act_as("a.analyst")
    PatpTransition(pid, "submit").do(store)
    grant(store, "h.analyst")
    act_as("h.analyst")
    PatpTransition(pid, "approve", "Sound analysis").do(store)
    act_as("a.analyst")
    meeting = CreateMeeting("2025-03-01", borough="Testborough", chair="Supt Jones")
    meeting.do(store)
    PatpTransition(pid, "schedule", meeting_id=meeting.meeting_id).do(store)
    act_as("Supt Jones")
    PatpTransition(pid, "decide", "Series still active", decision="accepted").do(store)
    AddAction("Cocooning visits round the series", "PS Brown", "2025-03-08", meeting_id=meeting.meeting_id,
              patp_id=pid, force=True).do(store)
    return pid, meeting.meeting_id


def test_patp_pack_pdf_and_docx(store, accepted, tmp_path):
    pid, _ = accepted
    files = export_patp_pack(store, pid, tmp_path)
    assert sorted(f.suffix for f in files) == [".docx", ".pdf"]
    pdf = next(f for f in files if f.suffix == ".pdf")
    reader = PdfReader(str(pdf))
    assert len(reader.pages) >= 4
    for number, page in enumerate(reader.pages, 1):
        text = page.extract_text()
        assert text.count("OFFICIAL-SENSITIVE") >= 2, f"page {number} lacks the marking top and bottom"
        assert f"Page {number} of {len(reader.pages)}" in text
    everything = "\n".join(p.extract_text() for p in reader.pages)
    for section in ("Contents", "Problem summary", "Supporting analysis", "Comparative case analysis",
                    "Near-repeat analysis", "Graded intelligence", "Recommended tactics", "TTCG decision",
                    "Result and review", "Workflow history"):
        assert section in everything
    assert "Acacia Avenue" not in everything          # victim's address withheld by default
    assert "withheld" in everything
    word = WordDocument(str(next(f for f in files if f.suffix == ".docx")))
    headings = [p.text for p in word.paragraphs if p.style.name.startswith("Heading")]
    for section in ("Summary", "Problem summary", "Supporting analysis", "Recommended tactics",
                    "TTCG decision and actions", "Result and review"):
        assert section in headings
    section = word.sections[0]
    assert "OFFICIAL-SENSITIVE" in section.header.paragraphs[0].text
    assert "OFFICIAL-SENSITIVE" in section.footer.paragraphs[0].text
    assert not section.different_first_page_header_footer
    assert len(word.inline_shapes) >= 3           # map, trend, results chart
    import zipfile

    with zipfile.ZipFile(next(f for f in files if f.suffix == ".docx")) as z:   # a real, self-updating TOC
        assert 'TOC \\o "1-3" \\h \\z \\u' in z.read("word/document.xml").decode()
        assert 'w:updateFields w:val="true"' in z.read("word/settings.xml").decode()
    assert "Offences by week" in everything.replace("\n", " ")
    assert "Acacia Avenue" not in "\n".join(c.text for t in word.tables for r in t.rows for c in r.cells)
    audit = sql(store, "SELECT detail FROM audit_log WHERE action = 'export.pack'").fetchall()
    assert len(audit) == 1 and json.loads(audit[0][0])["include_victim_details"] is False


def test_victim_details_only_when_asked_and_marking_setting(store, accepted, tmp_path):
    pid, _ = accepted
    store.set_setting("security_marking", "OFFICIAL")
    files = export_patp_pack(store, pid, tmp_path, formats=("pdf",),
                             options=PackOptions(include_victim_details=True))
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(str(files[0])).pages).split())  # lines rewrap
    assert "Acacia Avenue" in text and "INCLUDES" in text
    assert "OFFICIAL-SENSITIVE" not in text and "OFFICIAL" in text


def test_meeting_pack(store, accepted, tmp_path):
    _pid, mid = accepted
    files = export_meeting_pack(store, mid, tmp_path, formats=("pdf", "docx"))
    reader = PdfReader(str(files[0]))
    assert all("OFFICIAL-SENSITIVE" in p.extract_text() for p in reader.pages)
    text = "\n".join(p.extract_text() for p in reader.pages)
    for section in ("Agenda", "Tactical assessment", "Decision log", "Actions", "PATP/"):
        assert section in text
    assert "(overdue)" in text
    headings = [p.text for p in WordDocument(str(files[1])).paragraphs if p.style.name.startswith("Heading")]
    assert "Decision log" in headings and "Agenda" in headings
