"""The 工作证明 DOCX: opens with python-docx, carries the accountant's data, East-Asian fonts, blanks."""

import io

from docx import Document
from docx.oxml.ns import qn

from shared_models.documents import work_proof_docx


def open_docx(data: bytes):
    return Document(io.BytesIO(data))


def test_work_proof_is_a_filled_letter():
    employer = "山西某某会计师事务所（特殊普通合伙）"
    doc = open_docx(work_proof_docx("欧阳𠀾", "居民身份证", "11010519491231002X", employer))
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == "工作证明"
    body = "\n".join(texts)
    assert ("兹证明欧阳𠀾（证件类型：居民身份证，证件号码：11010519491231002X）系我单位在职职工，"
            "自____年__月__日起在我单位从事会计工作") in body
    assert "特此证明。" in texts
    assert "单位名称：山西某某会计师事务所（特殊普通合伙）" in texts
    assert any(t.startswith("单位（盖章）：__") for t in texts)
    assert any(t.startswith("日期：__") for t in texts)
    assert "加盖单位公章" in body


def test_without_employer_name_the_line_is_left_blank():
    texts = [p.text for p in open_docx(work_proof_docx("张三", "护照", "E12345678", "")).paragraphs]
    assert "单位名称：__________________" in texts


def test_chinese_runs_have_an_east_asian_font():
    doc = open_docx(work_proof_docx("张三", "居民身份证", "11010519491231002X", "某单位"))
    title_fonts = doc.paragraphs[0].runs[0]._element.rPr.rFonts
    assert title_fonts.get(qn("w:eastAsia")) == "黑体"
    for paragraph in doc.paragraphs[1:]:
        for run in paragraph.runs:
            assert run._element.rPr.rFonts.get(qn("w:eastAsia")) == "宋体"
    assert doc.styles["Normal"].element.rPr.rFonts.get(qn("w:eastAsia")) == "宋体"


def test_document_properties_name_the_service_not_the_library():
    props = open_docx(work_proof_docx("张三", "居民身份证", "11010519491231002X", "某单位")).core_properties
    assert props.title == "工作证明"
    assert props.author == "山西省会计人员信息采集"
    assert "python-docx" not in (props.comments or "")


def test_xml_special_characters_are_escaped():
    doc = open_docx(work_proof_docx("A&B <x>", "护照", "E1", "R&D <公司>"))
    assert "单位名称：R&D <公司>" in [p.text for p in doc.paragraphs]
