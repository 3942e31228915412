"""Form base: strips surrounding whitespace from every text field; errors are Chinese."""

from __future__ import annotations

from flask_wtf import FlaskForm


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class BaseForm(FlaskForm):
    class Meta:
        locales = ("zh_CN", "zh")

        def bind_field(self, form, unbound_field, options):
            filters = list(options.pop("filters", ()))
            if unbound_field.field_class.__name__ not in {"PasswordField", "FileField", "MultipleFileField"}:
                filters.insert(0, _strip)
            return unbound_field.bind(form=form, filters=filters, **options)

    def error_list(self) -> list[tuple[str, str]]:
        """(field id, first message) for the error summary at the top of the page, in form order."""
        out = []
        for field in self:
            if field.errors:
                out.append((field.id, field.errors[0]))
        return out

    def add_errors(self, errors: dict[str, str]) -> None:
        """Attach messages from the shared rules (field name -> message) to the form's fields."""
        for name, message in errors.items():
            field = self._fields.get(name)
            if field is not None:
                field.errors = [*list(field.errors or []), message]
