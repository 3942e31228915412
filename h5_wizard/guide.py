"""/h5/guide: the accountants' 操作指南 (operation guide), public, illustrated with the journey's screenshots.

The pictures are the browser journey's own screenshots (tests/browser), copied into static/guide/ by
scripts/refresh_screenshots.py, so the guide always shows the pages as they are. The steps come from
shared_models.steps (titles and order cannot drift from the wizard); what each step asks and why is
written here, from collection-form.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from flask import current_app, render_template, url_for
from PIL import Image

from h5_wizard import bp
from shared_models.steps import STEPS, Step

IMAGE_DIR = Path(__file__).resolve().parent / "static" / "guide"


@dataclass(frozen=True)
class GuideImage:
    """One screenshot of the guide: its file name (without .png) in static/guide/ and what it shows."""

    name: str
    caption: str


# name -> caption. scripts/refresh_screenshots.py copies exactly these from the last journey run.
IMAGES: dict[str, GuideImage] = {
    image.name: image
    for image in (
        GuideImage("wechat-menu", "在公众号“山西省会计之星”中点击菜单“行业信息 → 信息采集”"),
        GuideImage("login", "登录页：证件号码即账号"),
        GuideImage("register", "注册页：首次使用的人员注册账号"),
        GuideImage("home-new", "首页：采集状态和九个步骤"),
        GuideImage("step-commitment", "第1步：阅读承诺书并勾选"),
        GuideImage("step-photos-uploaded", "第2步：上传证件照片后显示缩略图"),
        GuideImage("step-basics", "第3步：基础信息"),
        GuideImage("step-qualification", "第4步：专业技术资格"),
        GuideImage("step-education", "第5步：学历信息"),
        GuideImage("step-employer", "第6步：工作单位"),
        GuideImage("step-certificates", "第7步：其他证书"),
        GuideImage("step-attachments-uploaded", "第8步：按提示上传证件相关附件"),
        GuideImage("step-submit", "第9步：核对全部信息，可点“修改”更正"),
        GuideImage("home-submitted", "提交后首页显示“待审核”"),
        GuideImage("wechat-rejected", "审核结果通过公众号消息通知"),
        GuideImage("home-rejected", "审核未通过：首页在需修改的步骤旁显示原因"),
    )
}


@dataclass(frozen=True)
class StepGuide:
    """What a step asks for and why it is asked (shown under the step's title)."""

    asks: str
    why: str
    image: str


STEP_GUIDES: dict[str, StepGuide] = {
    "commitment": StepGuide(
        "阅读《承诺书》（已填入您的姓名和证件号码），勾选“我已阅读并承诺所填信息真实、准确、完整”。",
        "采集的信息将作为您的会计人员信息档案，由本人对真实性负责；系统会记录您的承诺时间。",
        "step-commitment",
    ),
    "photos": StepGuide(
        "本人近期一寸免冠证件照、证件人像面；居民身份证、港澳台居民居住证、外国人永久居留身份证还需证件国徽面（背面）。",
        "用于核对本人身份，证件照将用于您的会计人员信息档案。",
        "step-photos-uploaded",
    ),
    "basics": StepGuide(
        "姓名、证件类型和证件号码来自您的账号，只需确认；居民身份证的出生日期和性别由证件号码自动生成。"
        "请填写所属国家或地区、民族、政治面貌、联系电话、电子邮箱、通信地址、邮政编码和所属行政区划。",
        "所属行政区划决定由哪一级财政部门审核您的信息：以工作单位所在地为准；在校学生选择学籍所在地；"
        "其他人员选择户籍所在地。",
        "step-basics",
    ),
    "qualification": StepGuide(
        "会计专业技术职务（无职务的选“无职务”）及聘任时间；专业技术资格级别，有资格的还需填写资格类型、"
        "取得方式、证书号或批文号、取得时间。",
        "用于统计和管理会计人员的专业技术水平。注意：会计从业资格证书不属于专业技术资格（职称）证书。",
        "step-qualification",
    ),
    "education": StepGuide(
        "全日制最高学历（已取得毕业证书的最高全日制学历）必填：学历、学位、毕业院校、所学专业、毕业时间，"
        "毕业证书编号可不填；如有非全日制学历，选择“是”后填写同样的内容。",
        "学历是会计人员继续教育和评价的基础信息，须与毕业证书一致，并在第8步上传毕业证书。",
        "step-education",
    ),
    "employer": StepGuide(
        "工作状态：在职的填写工作单位名称、统一社会信用代码（18位，见营业执照或登记证书）、单位性质、"
        "会计岗位和入职时间；在读的填写在读学校和入学时间；无工作单位的请选“待业”。",
        "用于确认您从事会计工作的单位和岗位；在职人员需在第8步上传单位盖章的工作证明。",
        "step-employer",
    ),
    "certificates": StepGuide(
        "珠算等级（没有的选“无级别”，有的填写证号）；是否注册会计师，是的还需填写是否执业、取得资格时间，"
        "全科合格证书编号可不填。",
        "完整记录您的专业能力。",
        "step-certificates",
    ),
    "attachments": StepGuide(
        "根据前面的回答，系统列出需要上传的证件：全日制学历毕业证书必传；有非全日制学历、专业技术资格、"
        "注册会计师资格或珠算等级的，上传相应证书；在职人员上传工作证明（可在本步下载已填好姓名、证件号码和"
        "单位的模板，打印后由单位盖章再拍照上传），在读人员上传学生证，待业人员上传户口簿或居住证。"
        "聘任证明为选填。每项可上传1至5张（多页证书请逐页拍摄）。",
        "审核人员将附件与您填写的信息逐项核对，附件不清楚或不完整是审核不通过的常见原因。",
        "step-attachments-uploaded",
    ),
    "submit": StepGuide(
        "核对所有信息；发现错误时点该组右侧的“修改”，改好后会回到本页。确认无误后再次勾选承诺，点“提交审核”。",
        "提交后信息进入审核，审核期间不能修改，请务必仔细核对。",
        "step-submit",
    ),
}


@lru_cache(maxsize=64)
def image_size(name: str) -> tuple[int, int]:
    """Width and height of a guide image (read from the PNG header), for layout without jumps."""
    with Image.open(IMAGE_DIR / f"{name}.png") as img:
        return img.size


def figure(name: str) -> dict[str, object]:
    image = IMAGES[name]
    width, height = image_size(name)
    return {"src": url_for("h5.static", filename=f"guide/{name}.png"), "caption": image.caption,
            "width": width, "height": height}


def steps_with_guides() -> list[tuple[Step, StepGuide]]:
    return [(step, STEP_GUIDES[step.slug]) for step in STEPS]


@bp.get("/guide")
def guide():
    """The guide is public: people read it before they have an account, from the menu or the login page."""
    service_url = current_app.config["PUBLIC_BASE_URL"].rstrip("/") + url_for("h5.home")
    return render_template("h5/guide.html", steps=steps_with_guides(), figure=figure, service_url=service_url,
                           page_title="操作指南")
