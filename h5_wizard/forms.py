"""Thin WTForms adapters: fields and labels; the rules themselves live in shared_models.rules."""

from __future__ import annotations

from wtforms import EmailField, PasswordField, SelectField, StringField

from portal.forms import BaseForm
from shared_models.rules.identity import ID_CARD, ID_TYPES


class RegisterForm(BaseForm):
    id_type = SelectField("证件类型", choices=[(t, t) for t in ID_TYPES], default=ID_CARD)
    id_number = StringField("证件号码")
    name = StringField("姓名")
    password = PasswordField("密码")
    password_confirm = PasswordField("确认密码")
    email = EmailField("电子邮箱")


class LoginForm(BaseForm):
    id_number = StringField("账号")
    password = PasswordField("密码")
