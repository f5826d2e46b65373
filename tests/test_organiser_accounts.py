"""The Organisers page: administrators invite people, deactivate accounts, grant the role."""

import re

import pytest
from support.forms import csrf_token
from support.mail import text_of
from support.organisers import OWNER_EMAIL, sign_in, token_of
from support.stored import emails, stored_one, stored_rows

from webinar.extensions import db
from webinar.models import AuditEntry, Invitation, Organiser

ADMIN_EMAIL = "ada@example.org"
PAGE = "/organiser/organisers"
NEW_EMAIL = "nina@example.org"
NEW_PASSWORD = "saffron lighthouse at noon"


@pytest.fixture
def admin(make_organiser) -> int:
    return make_organiser(ADMIN_EMAIL, "Ada Admin", is_admin=True)


@pytest.fixture
def admin_client(admin, signed_in):
    return signed_in(ADMIN_EMAIL)


def post(client, url: str, **data):
    return client.post(url, data={"csrf_token": token_of(client, "/organiser/"), **data})


def invite(client, email: str, name: str = ""):
    """Send the invitation form and return the answer."""
    return post(client, f"{PAGE}/invite", email=email, name=name)


def invitation_link(app, email: str = NEW_EMAIL) -> str:
    """Return the path of the link in the latest invitation email to an address."""
    body = [row for row in emails(app, "invitation") if row.recipient == email][-1].text_body
    return re.search(r"http://webinar\.test(/organiser/invitation/\S+)", body).group(1)


def accept(client, link: str, name: str = "Nina New", password: str = NEW_PASSWORD):
    """Fill in the form of an invitation link and return the answer."""
    data = {"csrf_token": token_of(client), "name": name, "password": password,
            "confirm": password}  # fmt: skip
    return client.post(link, data=data)


def actions(app) -> list[str]:
    return [entry.action for entry in stored_rows(app, AuditEntry)
            if not entry.action.startswith("sign_in")]  # fmt: skip


def account(app, email: str) -> Organiser | None:
    rows = stored_rows(app, Organiser, email=email)
    return rows[0] if rows else None


def sends_to_sign_in(client) -> bool:
    response = client.get("/organiser/")
    return response.status_code == 302 and response.location.startswith("/organiser/login")


def row_of(page: str, name: str) -> list[str]:
    """Return the cells of the accounts table's row of a person, as text."""
    row = re.search(rf"<tr>\s*<th scope=\"row\">{name}.*?</tr>", page, re.S).group(0)
    cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", cell).split()) for cell in cells]


def flashed(client, response) -> str:
    assert response.status_code == 303, response.status_code
    return client.get(response.location).text


# -- The page -----------------------------------------------------------------


def test_the_organisers_page_is_for_administrators_only(owner_client, admin_client):
    assert 'href="/organiser/organisers"' not in owner_client.get("/organiser/").text
    assert owner_client.get(PAGE).status_code == 403
    assert owner_client.get("/organiser/log").status_code == 403  # the same answer
    assert invite(owner_client, NEW_EMAIL).status_code == 403

    assert 'href="/organiser/organisers">Organisers</a>' in admin_client.get("/organiser/").text
    page = admin_client.get(PAGE).text
    assert "<h1>Organisers</h1>" in page
    name, email, role, two_factor, last_sign_in, status = row_of(page, "Olga Owner")[:6]
    assert (email, role, two_factor, status) == (OWNER_EMAIL, "Organiser", "Off", "Active")
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", last_sign_in)  # she signed in
    assert row_of(page, "Ada Admin")[:3] == ["Ada Admin (you)", ADMIN_EMAIL, "Administrator"]


# -- Invitations --------------------------------------------------------------


def test_an_invited_person_creates_their_account_through_the_emailed_link(
    smtp_server, inbox, app, admin_client
):
    done = invite(admin_client, NEW_EMAIL, "Nina")
    assert f"The invitation to {NEW_EMAIL} is in the outbox" in flashed(admin_client, done)
    assert "Waiting to be sent" in admin_client.get(PAGE).text

    (message,) = inbox.deliver()
    assert message["To"] == NEW_EMAIL
    assert message["Subject"] == "You are invited to organise talks on Webinar"
    assert "Ada Admin invites you to organise talks on Webinar" in text_of(message)
    assert "The link works once, within 7 days." in text_of(message)
    (link,) = inbox.links(message)
    assert "<td>Sent</td>" in admin_client.get(PAGE).text

    invitee = app.test_client()
    form = invitee.get(link)
    assert form.status_code == 200 and NEW_EMAIL in form.text
    assert 'value="Nina"' in form.text  # the suggested name, to keep or change
    answer = accept(invitee, link)
    assert answer.status_code == 302 and answer.location == "/organiser/"
    assert "Welcome, Nina New: your organiser account is ready." in invitee.get("/organiser/").text

    created = account(app, NEW_EMAIL)
    assert (created.name, created.is_admin, created.is_active) == ("Nina New", False, True)
    assert sign_in(app.test_client(), NEW_EMAIL, NEW_PASSWORD).status_code == 302
    page = admin_client.get(PAGE).text
    assert "Nina New</th>" in page and "No invitation is waiting." in page


def test_a_used_or_expired_link_gets_a_clear_page_and_no_account(app, clock, admin_client):
    invite(admin_client, NEW_EMAIL)
    link = invitation_link(app)
    assert accept(app.test_client(), link).status_code == 302

    again = accept(app.test_client(), link, name="Someone Else", password="another long phrase")
    assert again.status_code == 410
    assert "This invitation was already used" in again.text
    assert len(stored_rows(app, Organiser, email=NEW_EMAIL)) == 1

    invite(admin_client, "late@example.org")
    late = invitation_link(app, "late@example.org")
    clock.advance(days=7, minutes=1)
    expired = app.test_client().get(late)
    assert expired.status_code == 410
    assert "This invitation has expired" in expired.text
    assert "Ask an administrator for a new invitation." in expired.text
    assert accept(app.test_client(), late).status_code == 410
    assert account(app, "late@example.org") is None


def test_an_unknown_link_is_not_found(client):
    answer = client.get(f"/organiser/invitation/{'x' * 43}")
    assert answer.status_code == 404
    assert "ask an administrator for a new invitation" in answer.text


def test_a_resent_invitation_has_a_new_link_and_the_old_one_stops_working(app, admin_client):
    invite(admin_client, NEW_EMAIL)
    old = invitation_link(app)
    (invitation,) = stored_rows(app, Invitation)
    done = post(admin_client, f"{PAGE}/invitations/{invitation.id}/resend")
    assert "the earlier link no longer works" in flashed(admin_client, done)
    new = invitation_link(app)
    assert new != old and len(emails(app, "invitation")) == 2
    assert app.test_client().get(old).status_code == 404
    assert accept(app.test_client(), new).status_code == 302


def test_a_revoked_invitation_creates_no_account(app, admin_client):
    invite(admin_client, NEW_EMAIL)
    link = invitation_link(app)
    (invitation,) = stored_rows(app, Invitation)
    done = post(admin_client, f"{PAGE}/invitations/{invitation.id}/revoke")
    assert "is revoked" in flashed(admin_client, done)
    answer = accept(app.test_client(), link)
    assert answer.status_code == 410 and "This invitation was withdrawn" in answer.text
    assert account(app, NEW_EMAIL) is None
    assert "No invitation is waiting." in admin_client.get(PAGE).text


def test_the_token_is_stored_only_as_a_hash(app, admin_client):
    invite(admin_client, NEW_EMAIL)
    token = invitation_link(app).rsplit("/", 1)[1]
    (invitation,) = stored_rows(app, Invitation)
    assert token not in invitation.token_hash and len(invitation.token_hash) == 64


def test_inviting_an_address_with_an_account_adds_nothing_and_tells_the_inviter(
    app, owner, admin_client
):
    answer = invite(admin_client, OWNER_EMAIL.upper())
    assert answer.status_code == 200
    assert f"{OWNER_EMAIL} already has an account." in answer.text
    assert stored_rows(app, Invitation) == [] and emails(app) == []
    assert actions(app) == []


@pytest.mark.parametrize(("language", "told"), [
    ("en", "Enter an email address such as name@example.org."),
    ("fr", "Saisissez une adresse e-mail telle que nom@example.org."),
])  # fmt: skip
def test_a_malformed_address_is_explained_in_the_inviter_language(
    app, admin_client, language, told
):
    admin_client.set_cookie("lang", language)
    answer = invite(admin_client, "nina@example")
    assert answer.status_code == 200
    assert told in answer.text
    assert "period" not in answer.text  # the validator's own reason, in English
    assert stored_rows(app, Invitation) == []


def test_inviting_an_address_twice_offers_to_resend_instead(app, admin_client):
    invite(admin_client, NEW_EMAIL)
    (invitation,) = stored_rows(app, Invitation)
    answer = invite(admin_client, f" {NEW_EMAIL.upper()} ")
    assert answer.status_code == 200
    assert f"{NEW_EMAIL} has an invitation already: resend it rather than invite again." in (
        answer.text
    )
    assert f'action="{PAGE}/invitations/{invitation.id}/resend"' in answer.text
    assert len(stored_rows(app, Invitation)) == 1 and len(emails(app, "invitation")) == 1


def test_the_page_says_when_the_invitation_email_failed(smtp_server, inbox, app, admin_client):
    smtp_server.answer("refuse", NEW_EMAIL)
    invite(admin_client, NEW_EMAIL)
    assert inbox.deliver() == []
    page = admin_client.get(PAGE).text
    assert "<strong>Failed</strong>" in page
    assert "Some invitation emails could not be sent" in page


@pytest.fixture
def limits_on(app_config):
    app_config.update(RATELIMIT_ENABLED=True, INVITATION_RATE_LIMIT="2 per minute")
    return app_config


def test_invitations_are_rate_limited(limits_on, app, admin_client):
    assert invite(admin_client, "one@example.org").status_code == 303
    (invitation,) = stored_rows(app, Invitation)
    assert post(admin_client, f"{PAGE}/invitations/{invitation.id}/resend").status_code == 303
    assert invite(admin_client, "two@example.org").status_code == 429
    assert len(emails(app, "invitation")) == 2


def test_an_organiser_signed_in_on_the_browser_is_not_switched(app, owner_client, admin_client):
    invite(admin_client, NEW_EMAIL)
    link = invitation_link(app)
    page = owner_client.get(link)
    assert page.status_code == 200
    assert "this browser is signed in as Olga Owner" in page.text
    assert 'name="password"' not in page.text
    assert account(app, NEW_EMAIL) is None
    assert accept(app.test_client(), link).status_code == 302  # the link still works


# -- Deactivation and the administrator role -----------------------------------


def test_deactivation_ends_sessions_and_blocks_sign_in_until_reactivated(
    app, owner, owner_client, admin_client
):
    assert "Your talks" in owner_client.get("/organiser/").text
    done = post(admin_client, f"{PAGE}/{owner}/deactivate")
    assert "Olga Owner&#39;s account is deactivated" in flashed(admin_client, done)
    assert sends_to_sign_in(owner_client)

    refused = sign_in(app.test_client(), OWNER_EMAIL)
    assert refused.status_code == 200
    assert "This account is deactivated. Ask an administrator if you need it again." in (
        refused.text
    )
    wrong = sign_in(app.test_client(), OWNER_EMAIL, "not the password at all")
    assert "Email or password is incorrect." in wrong.text  # nothing said without the password
    assert "<strong>Deactivated</strong>" in admin_client.get(PAGE).text

    done = post(admin_client, f"{PAGE}/{owner}/reactivate")
    assert "Olga Owner&#39;s account is active again." in flashed(admin_client, done)
    assert sign_in(app.test_client(), OWNER_EMAIL).status_code == 302


def test_a_deactivated_account_gets_no_password_reset_email(app, client, owner, admin_client):
    post(admin_client, f"{PAGE}/{owner}/deactivate")
    page = client.get("/organiser/forgot-password")
    data = {"csrf_token": csrf_token(page.data), "email": OWNER_EMAIL}
    assert client.post("/organiser/forgot-password", data=data).status_code == 303
    assert emails(app, "password_reset") == []


def test_an_administrator_cannot_deactivate_themselves(app, admin, admin_client):
    assert f"{PAGE}/{admin}/deactivate" not in admin_client.get(PAGE).text
    done = post(admin_client, f"{PAGE}/{admin}/deactivate")
    assert "You cannot deactivate your own account." in flashed(admin_client, done)
    assert account(app, ADMIN_EMAIL).is_active and actions(app) == []


def test_the_last_active_administrator_stays_one(app, admin, owner, make_organiser, signed_in,
                                                 admin_client):  # fmt: skip
    done = post(admin_client, f"{PAGE}/{admin}/remove-admin")
    assert "Ada Admin is the only active administrator" in flashed(admin_client, done)
    assert account(app, ADMIN_EMAIL).is_admin

    # A second administrator, deactivated, does not count.
    other = make_organiser("root@example.org", "Ruth Root", is_admin=True)
    root_client = signed_in("root@example.org")
    post(admin_client, f"{PAGE}/{other}/deactivate")
    done = post(admin_client, f"{PAGE}/{admin}/remove-admin")
    assert "Ada Admin is the only active administrator" in flashed(admin_client, done)
    assert sends_to_sign_in(root_client)

    post(admin_client, f"{PAGE}/{other}/reactivate")
    root_client = signed_in("root@example.org")
    done = post(root_client, f"{PAGE}/{admin}/deactivate")
    assert "Ada Admin&#39;s account is deactivated" in flashed(root_client, done)
    done = post(root_client, f"{PAGE}/{other}/remove-admin")
    assert "Ruth Root is the only active administrator" in flashed(root_client, done)
    assert account(app, "root@example.org").is_admin


def test_an_organiser_is_made_an_administrator_and_back(app, owner, owner_client, admin_client):
    done = post(admin_client, f"{PAGE}/{owner}/make-admin")
    assert "Olga Owner is now an administrator." in flashed(admin_client, done)
    assert owner_client.get(PAGE).status_code == 200
    done = post(admin_client, f"{PAGE}/{owner}/remove-admin")
    assert "Olga Owner is no longer an administrator." in flashed(admin_client, done)
    assert owner_client.get(PAGE).status_code == 403


def test_an_administrator_is_told_what_cannot_be_done_in_their_language(
    app, admin, owner, admin_client
):
    admin_client.set_cookie("lang", "de")
    done = post(admin_client, f"{PAGE}/{admin}/remove-admin")
    assert "Ada Admin ist die einzige aktive Administratorin bzw. der einzige aktive " \
           "Administrator" in flashed(admin_client, done)  # fmt: skip
    done = post(admin_client, f"{PAGE}/{owner}/remove-admin")
    assert "Olga Owner ist kein Administrator." in flashed(admin_client, done)
    done = post(admin_client, f"{PAGE}/{owner}/reactivate")
    assert "Das Konto von Olga Owner ist bereits aktiv." in flashed(admin_client, done)


# -- The audit log --------------------------------------------------------------


def test_each_change_leaves_exactly_one_entry_naming_the_other_account(
    app, admin, owner, admin_client
):
    invite(admin_client, NEW_EMAIL)
    (invitation,) = stored_rows(app, Invitation)
    post(admin_client, f"{PAGE}/invitations/{invitation.id}/resend")
    accept(app.test_client(), invitation_link(app))
    invite(admin_client, "gone@example.org")
    gone = stored_one(app, Invitation, email="gone@example.org")
    post(admin_client, f"{PAGE}/invitations/{gone.id}/revoke")
    for action in ("deactivate", "reactivate", "make-admin", "remove-admin"):
        post(admin_client, f"{PAGE}/{owner}/{action}")

    new = account(app, NEW_EMAIL)
    expected = [
        ("invitation_sent", admin, NEW_EMAIL),
        ("invitation_resent", admin, NEW_EMAIL),
        ("invitation_accepted", new.id, f"invited by {ADMIN_EMAIL}"),
        ("invitation_sent", admin, "gone@example.org"),
        ("invitation_revoked", admin, "gone@example.org"),
        ("account_deactivated", admin, OWNER_EMAIL),
        ("account_reactivated", admin, OWNER_EMAIL),
        ("admin_granted", admin, OWNER_EMAIL),
        ("admin_removed", admin, OWNER_EMAIL),
    ]
    entries = [entry for entry in stored_rows(app, AuditEntry)
               if not entry.action.startswith("sign_in")]  # fmt: skip
    assert [(e.action, e.actor_id, e.details) for e in entries] == expected
    whole_log = admin_client.get("/organiser/log?action=admin_granted").text
    assert "Made an organiser an administrator" in whole_log and OWNER_EMAIL in whole_log


def test_a_refused_change_leaves_no_entry(app, admin, admin_client):
    post(admin_client, f"{PAGE}/{admin}/remove-admin")
    post(admin_client, f"{PAGE}/{admin}/deactivate")
    post(admin_client, f"{PAGE}/{admin}/reactivate")
    assert actions(app) == []


# -- Concurrency ------------------------------------------------------------------


def test_two_administrators_removing_each_other_at_once_leave_one(app, admin, make_organiser):
    """Each request locks and counts the administrators in its own transaction."""
    from concurrent.futures import ThreadPoolExecutor

    from webinar.organiser.services import administration
    from webinar.organiser.services.accounts import AccountError

    other = make_organiser("root@example.org", "Ruth Root", is_admin=True)

    def remove(actor_id: int, target_id: int) -> str:
        with app.app_context():
            try:
                administration.remove_admin(
                    db.session.get(Organiser, target_id), db.session.get(Organiser, actor_id)
                )
            except AccountError:
                return "refused"
            return "done"

    with ThreadPoolExecutor(2) as pool:
        results = sorted(pool.map(remove, (admin, other), (other, admin)))
    assert results == ["done", "refused"]
    assert len([person for person in stored_rows(app, Organiser) if person.is_admin]) == 1


# -- Hostile input ----------------------------------------------------------------


@pytest.mark.slow
def test_the_new_forms_survive_hostile_input(app, owner, admin_client):
    """The site-wide walk signs in as an organiser; these forms need an administrator."""
    from test_hostile_input import (
        Sender,
        assert_no_email_carries_an_injected_header,
        attack,
        destructive_last,
        forms_on,
    )

    invite(admin_client, NEW_EMAIL)
    link = invitation_link(app)
    public = app.test_client()
    sender = Sender(app)
    admin_forms = forms_on(admin_client, [PAGE])
    assert f"{PAGE}/invite" in admin_forms and f"{PAGE}/{owner}/deactivate" in admin_forms
    for client, forms in ((public, forms_on(public, [link])), (admin_client, admin_forms)):
        assert forms, "no form found"
        for _action, form in sorted(forms.items(), key=destructive_last):
            attack(sender, client, form)
    assert_no_email_carries_an_injected_header(app)
    assert account(app, NEW_EMAIL) is None
    assert admin_client.get(PAGE).status_code == 200


def test_the_purge_deletes_invitations_a_week_after_they_closed(app, clock, admin_client):
    from webinar.privacy import purge

    invite(admin_client, NEW_EMAIL)
    invite(admin_client, "open@example.org")
    gone = stored_one(app, Invitation, email=NEW_EMAIL)
    post(admin_client, f"{PAGE}/invitations/{gone.id}/revoke")
    clock.advance(days=6)
    with app.app_context():
        assert purge().invitations == 0
    clock.advance(days=2)  # revoked 8 days ago; the open one expired a day ago
    with app.app_context():
        assert purge().invitations == 1
    assert [row.email for row in stored_rows(app, Invitation)] == ["open@example.org"]
    assert "open@example.org" in admin_client.get(PAGE).text


def test_inviting_a_deactivated_account_points_to_reactivating_it(app, owner, admin_client):
    post(admin_client, f"{PAGE}/{owner}/deactivate")
    answer = invite(admin_client, OWNER_EMAIL)
    assert f"{OWNER_EMAIL} already has an account (deactivated: you can reactivate it below)." in (
        answer.text
    )
    assert stored_rows(app, Invitation) == []


def test_without_a_mail_server_the_invitation_lands_in_the_mailbox_folder(
    app, deliver, admin_client
):
    import email
    import email.policy
    from pathlib import Path

    invite(admin_client, NEW_EMAIL)
    assert deliver() == 1
    (path,) = Path(app.config["MAILBOX_FOLDER"]).iterdir()
    assert path.name.endswith("-invitation.eml")
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert message["To"] == NEW_EMAIL
    assert invitation_link(app) in text_of(message)
    assert "<td>Sent</td>" in admin_client.get(PAGE).text


def test_a_cookie_of_a_deactivated_account_stops_working_even_with_its_session_kept(
    app, owner, owner_client
):
    """Every request checks the account, not only its session."""
    from webinar.models import OrganiserSession, utcnow

    with app.app_context():
        db.session.get(Organiser, owner).deactivated_at = utcnow()
        db.session.commit()
        assert db.session.scalars(db.select(OrganiserSession)).all() != []
    assert sends_to_sign_in(owner_client)
