"""The 工作证明 (proof of employment) template of step 8, filled with the accountant's data.

The accountant downloads it, the employer completes the blanks and stamps it, and a photo of the stamped
letter is uploaded into the work_proof slot. A DOCX (python-docx) rather than a PDF: the employer can type
into it, and Chinese text needs no embedded font (Word and WPS map 宋体/黑体)."""

from __future__ import annotations

import io
from datetime import datetime

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.text.run import Run

BODY_FONT = "宋体"
TITLE_FONT = "黑体"
LATIN_FONT = "Times New Roman"
BLANK = "__________________"
FILENAME = "工作证明.docx"


def _font(run: Run, east_asian: str, size: float, *, bold: bool = False) -> None:
    """Set the Latin and the East-Asian font: without w:eastAsia Word renders Chinese in its default font."""
    run.font.name = LATIN_FONT
    run.font.size = Pt(size)
    run.font.bold = bold
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), east_asian)


def _paragraph(doc, text: str, *, align=WD_ALIGN_PARAGRAPH.LEFT, indent: bool = False, size: float = 14,
               font: str = BODY_FONT, bold: bool = False, space_after: float = 6):
    paragraph = doc.add_paragraph()
    paragraph.alignment = align
    paragraph.paragraph_format.line_spacing = 1.5
    paragraph.paragraph_format.space_after = Pt(space_after)
    if indent:
        paragraph.paragraph_format.first_line_indent = Pt(size * 2)  # 首行缩进两字
    _font(paragraph.add_run(text), font, size, bold=bold)
    return paragraph


def work_proof_text(name: str, id_type: str, id_number: str) -> str:
    """The body of the letter (also used by tests and by a plain-text preview)."""
    return (
        f"兹证明{name}（证件类型：{id_type}，证件号码：{id_number}）系我单位在职职工，"
        "自____年__月__日起在我单位从事会计工作，现任____________岗位。"
        "该同志所填报的工作单位信息真实、准确。"
    )


def work_proof_docx(name: str, id_type: str, id_number: str, employer_name: str) -> bytes:
    """A one-page A4 工作证明 with the accountant's name, document and employer filled in."""
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin = section.bottom_margin = Cm(3)
    section.left_margin = section.right_margin = Cm(2.8)
    normal = doc.styles["Normal"]
    normal.font.name = LATIN_FONT
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)

    _paragraph(doc, "工作证明", align=WD_ALIGN_PARAGRAPH.CENTER, size=22, font=TITLE_FONT, bold=True,
               space_after=24)
    _paragraph(doc, work_proof_text(name, id_type, id_number), indent=True)
    _paragraph(doc, "特此证明。", indent=True, space_after=36)
    _paragraph(doc, f"单位名称：{employer_name or BLANK}", align=WD_ALIGN_PARAGRAPH.RIGHT)
    _paragraph(doc, "单位（盖章）：__________________", align=WD_ALIGN_PARAGRAPH.RIGHT)
    _paragraph(doc, "单位联系人及电话：______________", align=WD_ALIGN_PARAGRAPH.RIGHT)
    _paragraph(doc, "日期：______年____月____日", align=WD_ALIGN_PARAGRAPH.RIGHT, space_after=36)
    _paragraph(
        doc,
        "注：本证明须由单位填写完整并加盖单位公章（或人事、财务专用章）后方为有效，"
        "请将盖章后的原件拍照，在“证件相关附件”步骤上传至“工作证明”一栏。",
        size=10.5,
    )

    props = doc.core_properties
    props.title = "工作证明"
    props.subject = "山西省会计人员信息采集"
    props.author = props.last_modified_by = "山西省会计人员信息采集"
    props.comments = ""
    props.created = props.modified = datetime.now().replace(microsecond=0)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
