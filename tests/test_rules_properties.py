"""Property tests (hypothesis) of the rules: the absent-when rule and the date range, over generated input."""

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from shared_models.rules.dates import EARLIEST, birthday_at, date_error
from shared_models.rules.validate import applicable
from shared_models.rules.wizard import FIELDS, fields_for, validate_partial, validate_step, visible_fields
from tests.rules_helpers import TODAY, card_applicant, passport_applicant

DATA_STEPS = ("basics", "qualification", "education", "employer", "certificates")
GARBAGE = st.sampled_from(["", "  ", "x", "2020-01-01", "2020-01", "1", "是", "否", "\x07", "无", "无级别"])


def raw_for(step: str):
    """A posted form: for every field either nothing, one of its choices, or garbage."""
    entries = {}
    for spec in FIELDS[step]:
        options = [GARBAGE]
        if spec.choices:
            options.append(st.sampled_from([value for value, _ in spec.choices]))
        entries[spec.key] = st.one_of(st.none(), *options)
    return st.fixed_dictionaries(entries).map(lambda d: {k: v for k, v in d.items() if v is not None})


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(DATA_STEPS).flatmap(lambda s: st.tuples(st.just(s), raw_for(s))),
       st.sampled_from([card_applicant(), passport_applicant()]), st.booleans())
def test_nothing_that_does_not_apply_is_ever_kept(step_and_raw, applicant, partial):
    step, raw = step_and_raw
    validate = validate_partial if partial else validate_step
    result = validate(step, raw, applicant, {})
    keys = {f.key for f in FIELDS[step]}
    assert set(result.data) <= keys and set(result.errors) <= keys
    assert not set(result.data) & set(result.errors)
    allowed = {f.key for f in applicable(fields_for(step, applicant), result.data)}
    derived = {"birth_date", "gender"} if step == "basics" and applicant.derives_identity else set()
    assert set(result.data) <= allowed | derived
    assert set(result.data) - derived <= set(visible_fields(step, result.data, applicant))
    if not partial:
        # 继续: every field that applies is either valid (kept) or reported.
        required = {f.key for f in applicable(fields_for(step, applicant), result.data) if f.required}
        assert required <= set(result.data) | set(result.errors)


@given(st.dates(min_value=date(1900, 1, 1), max_value=TODAY),
       st.dates(min_value=date(1890, 1, 1), max_value=TODAY + timedelta(days=400)))
def test_a_date_is_accepted_exactly_between_the_16th_birthday_and_today(born, value):
    accepted = date_error(value, "时间", today=TODAY, born=born, min_age=16) is None
    assert accepted == (max(EARLIEST, birthday_at(born, 16)) <= value <= TODAY)
