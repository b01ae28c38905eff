"""Hypothesis strategies for Auth0 users, Rules contexts and logins.

They follow the schema of :meth:`rulesim.Population.payloads` (contract §5 and §6) and are built
from the same provider tables, so a property test explores the same space a population samples,
and a failing case **shrinks toward a minimal login**: the first connection
(``Username-Password-Authentication``), the first application, the first country and city, the
smallest counts and timestamps, and no optional extras. Every deviation from an ordinary login
is one boolean draw that shrinks to "off":

* ``app_metadata`` present (Auth0's default is absent), a phone, MFA enrolment, a linked account,
  an organization, SSO, an MFA step, ``prompt``/``audience``/``acr_values`` in the query;
* the edge cases: no email, an unverified email, a Unicode name, empty ``identities``, an IPv6
  address, ``context.request`` undefined, risky assessments.

Examples
--------
>>> from hypothesis import given
>>> from rulesim.strategies import logins
>>> @given(logins())
... def test_rule_never_crashes(login):
...     assert login["user"]["user_id"] == login["user_id"]
"""

from __future__ import annotations

from typing import Any

from rulesim.errors import MissingExtraError

try:
    import hypothesis.strategies as st
except ImportError:  # pragma: no cover - depends on the environment
    raise MissingExtraError("test", "hypothesis", "rulesim.strategies") from None

from rulesim.providers import identity as idp
from rulesim.providers import login_context as lcp

__all__ = ["contexts", "logins", "users"]

_CONNECTIONS = tuple(idp.CONNECTIONS)
_T_MIN = 1_577_836_800_000  # 2020-01-01
_T_MAX = 1_830_297_600_000  # 2028-01-01
_SESSION_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_"
_GIVEN = ("Alice", "Bob", "Carol", "Dmitri", "Eve", "Farah", "Gustavo", "Hana", "Ivan", "Jun")
_FAMILY = ("Smith", "Jones", "Garcia", "Müller", "Kowalski", "Tanaka", "Okafor", "Singh")


def _iso(ms: int) -> str:
    return idp.iso_ms(ms)


@st.composite
def _user(draw: st.DrawFn, connection: str | None, now_ms: int | None) -> dict[str, Any]:
    # Every branch draws the same choices, so shrinking compares values, not path lengths,
    # and lands on the ordinary alternative (first connection, Latin name, email present).
    conn = connection or draw(st.sampled_from(_CONNECTIONS))
    strategy, _ = idp.CONNECTIONS.get(conn, (conn, False))
    given, family = draw(st.sampled_from(_GIVEN)), draw(st.sampled_from(_FAMILY))
    domain = draw(st.sampled_from(("gmail.com", *idp.FREE_MAIL_DOMAINS, *idp.CORPORATE_DOMAINS)))
    u_given, u_family = draw(st.sampled_from(idp.UNICODE_NAMES))
    idn = draw(st.sampled_from(idp.IDN_DOMAINS))
    enterprise = draw(st.integers(0, 1))
    if draw(st.booleans()):  # Unicode / IDN edge case
        given, family, domain = u_given, u_family, idn
    if conn in idp.ENTERPRISE_DOMAINS:
        options = idp.ENTERPRISE_DOMAINS[conn]
        domain = options[enterprise % len(options)]
    number = draw(st.integers(0, 10**6))
    local = idp.email_local_part(given, family, draw(st.integers(0, 3)), number)
    has_email = not draw(st.booleans())
    verified = not draw(st.booleans())
    email = f"{local}@{domain}" if has_email else ""
    user_id = idp.user_id_for(strategy, conn, f"{local}:{number}", email or local)
    now = now_ms if now_ms is not None else draw(st.integers(_T_MIN, _T_MAX))
    created = now - draw(st.integers(0, 20 * 365 * 86_400_000))
    count = draw(st.integers(1, 100_000))
    user: dict[str, Any] = {"user_id": user_id}
    if has_email:
        user["email"] = email
        user["email_verified"] = verified
    user.update({
        "name": f"{given} {family}", "given_name": given, "family_name": family,
        "nickname": local,
        "picture": idp.picture_for(strategy, email or user_id, given, family, user_id),
        "created_at": _iso(created),
    })
    if draw(st.booleans()):
        user["phone_number"] = f"+{draw(st.integers(10**9, 10**11))}"
        user["phone_verified"] = draw(st.booleans())
    linked = draw(st.sampled_from(("", *_CONNECTIONS[:2])))
    linked = "" if linked == conn else linked
    profile: dict[str, Any] = {k: user[k] for k in ("email", "name") if k in user}
    access_token = draw(st.booleans())
    user["identities"] = [] if draw(st.booleans()) else idp.identities_for(
        user_id, conn, strategy, linked=linked, profile=profile, access_token=access_token)
    if draw(st.booleans()):
        user["multifactor"] = [draw(st.sampled_from(idp.MFA_PROVIDERS))]
    reset = draw(st.booleans())
    reset_ms = draw(st.integers(created, now))
    if strategy == "auth0" and reset:
        user["last_password_reset"] = _iso(reset_ms)
    if draw(st.booleans()):
        roles = draw(st.lists(st.sampled_from(idp.ROLES), unique=True, max_size=3))
        user["app_metadata"] = {
            "roles": roles, "plan": draw(st.sampled_from(idp.PLANS)),
            "tenant_id": f"t_{draw(st.integers(0, 2**32 - 1)):08x}",
            "known_countries": draw(st.lists(st.sampled_from([c.code for c in lcp.COUNTRIES]),
                                             min_size=1, max_size=3, unique=True)),
        }
    metadata: dict[str, Any] = {}
    if draw(st.booleans()):
        metadata = {"locale": draw(st.sampled_from([c.locale for c in lcp.COUNTRIES])),
                    "preferences": {"newsletter": draw(st.booleans()),
                                    "theme": draw(st.sampled_from(idp.THEMES))}}
    user["user_metadata"] = metadata
    user.update({"updated_at": _iso(now), "last_login": _iso(now), "logins_count": count})
    return user


def users(*, connection: str | None = None) -> st.SearchStrategy[dict[str, Any]]:
    """Strategy for normalized user profiles (contract §5).

    Parameters
    ----------
    connection
        Pin the connection (for example ``"google-oauth2"``); any of the tenant's otherwise.

    Returns
    -------
    SearchStrategy of dict
        Profiles whose ``user_id`` matches the connection's format, with optional keys
        (``email``, ``app_metadata``, ``multifactor``, ...) present or absent.
    """
    return _user(connection, None)


@st.composite
def _context(draw: st.DrawFn, user: dict[str, Any] | None, timestamp_ms: int | None
             ) -> dict[str, Any]:
    u = user if user is not None else draw(_user(None, timestamp_ms))
    identities = u.get("identities") or []
    if identities:
        conn, strategy = identities[0]["connection"], identities[0]["provider"]
    else:
        prefix = u["user_id"].split("|")[0]
        conn = next((n for n, (s, _) in idp.CONNECTIONS.items() if s == prefix), prefix)
        strategy = prefix
    client = draw(st.sampled_from(lcp.CLIENTS))
    protocol = draw(st.sampled_from(client.protocols))
    count = int(u.get("logins_count", 1))
    now = timestamp_ms if timestamp_ms is not None else draw(st.integers(_T_MIN, _T_MAX))
    sso = draw(st.booleans())
    ctx: dict[str, Any] = {
        "tenant": lcp.TENANT, "clientID": client.client_id, "clientName": client.name,
        "clientMetadata": dict(client.metadata),
        **lcp.connection_fields(conn, strategy),
        "protocol": protocol, "stats": {"loginsCount": count},
        "sso": {"with_auth0": sso, "with_dbconn": sso and strategy == "auth0",
                "current_clients": [client.client_id] if sso else []},
        "sessionID": draw(st.text(_SESSION_ALPHABET, min_size=32, max_size=32)),
    }
    # the request is always drawn (same choices either way) and dropped for the edge case
    country = draw(st.sampled_from(lcp.COUNTRIES))
    city = country.cities[draw(st.integers(0, len(country.cities) - 1))]
    groups = draw(st.lists(st.integers(1, 0xFFFF), min_size=6, max_size=6))
    octets = draw(st.tuples(st.integers(0, 5), st.integers(0, 255), st.integers(0, 255),
                            st.integers(1, 254)))
    first = country.ipv4_octets[octets[0] % len(country.ipv4_octets)]
    ipv4 = f"{first}.{octets[1]}.{octets[2]}.{octets[3]}"
    ipv6 = country.ipv6_prefix + "".join(f":{g:x}" for g in groups)
    ip = ipv6 if draw(st.booleans()) else ipv4
    oidc = protocol.startswith("oidc")
    scope = draw(st.sampled_from(lcp.SCOPES))
    prompt = draw(st.sampled_from(("", "login", "consent", "none")))
    audience, acr = draw(st.booleans()), draw(st.booleans())
    q, body = lcp.query(client, protocol, scope=scope, prompt=prompt if oidc else "",
                        audience=lcp.AUDIENCE if audience else "",
                        acr_values=lcp.ACR_MFA if oidc and acr else "")
    family = draw(st.sampled_from(sorted(lcp.USER_AGENTS)))
    agents = lcp.USER_AGENTS[family]
    agent = agents[draw(st.integers(0, 3)) % len(agents)]
    if not draw(st.booleans()):  # request present unless the edge case is drawn
        ctx["request"] = {
            "userAgent": agent, "ip": ip, "hostname": lcp.HOSTNAME, "query": q, "body": body,
            "geoip": lcp.geoip(country, city),
        }
    ctx["authentication"] = lcp.authentication(strategy, now, mfa=draw(st.booleans()))
    levels = st.sampled_from(("high", "low", "neutral"))
    ctx["riskAssessment"] = lcp.risk_assessment(
        draw(st.sampled_from(("high", "low"))), draw(levels), draw(levels))
    app = u.get("app_metadata") or {}
    ctx["authorization"] = {"roles": list(app.get("roles", []))}
    if draw(st.booleans()):
        ctx["organization"] = lcp.organization(draw(st.sampled_from(idp.CORPORATE_DOMAINS)))
    ctx["idToken"], ctx["accessToken"] = {}, {}
    return ctx


def contexts(*, user: dict[str, Any] | None = None) -> st.SearchStrategy[dict[str, Any]]:
    """Strategy for Rules ``context`` objects (contract §6).

    Parameters
    ----------
    user
        Build contexts for this profile (its connection and logins count); for a fresh
        random user otherwise.
    """
    return _context(user, None)


@st.composite
def _login(draw: st.DrawFn, connection: str | None) -> dict[str, Any]:
    timestamp = draw(st.integers(_T_MIN, _T_MAX))
    user = draw(_user(connection, timestamp))
    context = draw(_context(user, timestamp))
    return {"login_id": f"L{draw(st.integers(0, 9_999_999)):07d}", "user_id": user["user_id"],
            "timestamp_ms": timestamp, "user": user, "context": context}


def logins(*, connection: str | None = None, rules: Any = None
           ) -> st.SearchStrategy[dict[str, Any]]:
    """Strategy for whole logins, shaped like ``json.loads(pop.payloads()[i])``.

    ``{"login_id", "user_id", "timestamp_ms", "user", "context"}`` with the user and the
    context consistent (same connection, ``stats.loginsCount == user.logins_count``,
    ``authorization.roles`` from ``app_metadata``). Feed one to the runtime with
    :meth:`rulesim.Population.from_logins` or directly as JSON.

    Parameters
    ----------
    connection
        Pin the connection; any of the tenant's otherwise.
    rules
        Rules (a :class:`~rulesim.RuleSet` or a list of :class:`~rulesim.Rule`) whose
        literals to aim at: most logins then carry, in one to three of the fields the rules
        compare, a literal of the rules or a near miss of it (:mod:`rulesim.literals`), and
        shrinking removes them again. Needs the ``coverage`` extra (tree-sitter).
    """
    if rules is None:
        return _login(connection)
    from rulesim import literals

    mined = literals.mine(rules)
    if not mined:
        return _login(connection)
    return _aimed_login(connection, tuple(mined), tuple(_values(lit) for lit in mined))


def _values(lit: Any) -> st.SearchStrategy[Any]:
    from rulesim import literals

    near = literals.near_misses(lit)
    values: st.SearchStrategy[Any] = st.one_of(st.just(near[0]), st.sampled_from(near))
    if lit.is_regex:
        import re

        flags = re.IGNORECASE if "i" in lit.flags else 0
        try:
            matching = st.from_regex(re.compile(str(lit.value), flags), fullmatch=True)
        except (re.error, TypeError):
            return values
        values = st.one_of(values, matching.filter(lambda s: 0 < len(s) < 200))
    return values


@st.composite
def _aimed_login(draw: st.DrawFn, connection: str | None, mined: tuple[Any, ...],
                 values: tuple[st.SearchStrategy[Any], ...]) -> dict[str, Any]:
    from rulesim.literals import set_path

    login = draw(_login(connection))
    for _ in range(draw(st.integers(0, 3))):  # shrinks to an ordinary login
        k = draw(st.integers(0, len(mined) - 1))
        set_path(login, mined[k].keys, draw(values[k]))
    user, ctx = login["user"], login["context"]
    if isinstance(user.get("user_id"), str):
        login["user_id"] = user["user_id"]
    stats = ctx.get("stats")
    if isinstance(stats, dict) and stats.get("loginsCount") != user.get("logins_count"):
        if isinstance(stats.get("loginsCount"), int) and not isinstance(
                stats.get("loginsCount"), bool):
            user["logins_count"] = stats["loginsCount"]
        else:
            stats["loginsCount"] = user.get("logins_count")
    return login
