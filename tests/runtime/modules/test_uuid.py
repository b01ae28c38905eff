"""uuid: seeded v4 values, validation, the old `uuid/v4` import."""

from __future__ import annotations

import uuid

from module_harness import ModuleHarness


def test_a_rule_tags_the_login_with_a_seeded_v4_uuid() -> None:
    rule = """function (user, context, callback) {
                const { v4: uuidv4 } = require('uuid');
                context.idToken['https://acme.com/login_id'] = uuidv4();
                callback(null, user, context);
              }"""
    first = ModuleHarness(seed=3).run_rule(rule, context={"idToken": {}})
    again = ModuleHarness(seed=3).run_rule(rule, context={"idToken": {}})
    value = first.context["idToken"]["https://acme.com/login_id"]
    assert value == again.context["idToken"]["https://acme.com/login_id"]
    assert uuid.UUID(value).version == 4


def test_old_import_forms_validate_and_version(harness: ModuleHarness) -> None:
    got = harness.eval(
        "(function () { var v4 = require('uuid/v4'); var u = require('uuid');"
        " var a = v4(); var b = u();"
        " return [u.validate(a), u.validate(b), u.validate('nope'), u.version(a), a !== b, u.NIL,"
        " u.validate(u.v1()), u.version(u.v1())]; })()"
    )
    assert got == [True, True, False, 4, True, "00000000-0000-0000-0000-000000000000", True, 1]
