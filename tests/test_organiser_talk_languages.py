"""An organiser offers a talk in other languages and writes its texts in them, without script."""

from datetime import timedelta

from support.clock import TALK_END
from support.eventdata import add_speakers
from support.organisers import OWNER_EMAIL, token_of
from support.stored import emails, load_event

from webinar.extensions import db
from webinar.models import AuditEntry


def languages_url(event) -> str:
    return f"/organiser/events/{event.id}/languages"


def offer(client, event, default: str, *others: str):
    url = languages_url(event)
    token = token_of(client, url)
    data = {"csrf_token": token, "language": default, "other_languages": list(others)}
    return client.post(url, data=data)


def test_an_organiser_offers_french_and_writes_the_french_texts(
    app, client, owner_client, owned_event
):
    add_speakers(app, owned_event.id, [("Ada Cluster", "Director", "Cluster Office")])
    response = offer(owner_client, owned_event, "en", "fr")
    assert "The talk&#39;s languages are saved." in owner_client.get(response.location).text

    url = f"{languages_url(owned_event)}/fr"
    # The editor and the Questions page lead to each language's texts by plain links.
    for page in ("edit", "questions"):
        tabs = owner_client.get(f"/organiser/events/{owned_event.id}/{page}").text
        assert f'<a href="{url}" lang="fr">Français</a>' in tabs
    form = owner_client.get(url).text
    assert "In English: Director" in form
    speaker = load_event(app, owned_event.id).speakers[0]
    data = {
        "csrf_token": token_of(owner_client, url),
        f"event_{owned_event.id}_title": "Un exposé",
        f"event_{owned_event.id}_summary": "Un court exposé.",
        f"speaker_{speaker.id}_role": "Directrice",
    }
    response = owner_client.post(url, data=data)
    assert "The texts in Français are saved." in owner_client.get(response.location).text

    page = client.get(f"/events/{owned_event.slug}", headers={"Accept-Language": "fr"}).text
    assert '<h1 id="event-title">Un exposé</h1>' in page
    assert '<p class="meta">Directrice, Cluster Office</p>' in page
    english = client.get(f"/events/{owned_event.slug}").text
    assert "Un exposé" not in english and "Director, Cluster Office" in english
    with app.app_context():
        actions = db.session.scalars(db.select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions[-2:] == ["talk_languages_changed", "talk_translated"]


def test_a_new_default_language_keeps_every_text(app, owner_client, owned_event):
    offer(owner_client, owned_event, "en", "de")
    url = f"{languages_url(owned_event)}/de"
    owner_client.post(url, data={"csrf_token": token_of(owner_client, url),
                                 f"event_{owned_event.id}_title": "Ein Vortrag"})  # fmt: skip
    original = load_event(app, owned_event.id).title

    offer(owner_client, owned_event, "de", "en")
    event = load_event(app, owned_event.id)
    assert (event.language, event.other_languages, event.title) == ("de", ["en"], "Ein Vortrag")
    assert event.translations["en"]["title"] == original


def test_too_long_a_translation_is_refused_with_a_message(app, owner_client, owned_event):
    offer(owner_client, owned_event, "en", "fr")
    url = f"{languages_url(owned_event)}/fr"
    title = f"event_{owned_event.id}_title"
    too_long = {"csrf_token": token_of(owner_client, url), title: "x" * 201}
    response = owner_client.post(url, data=too_long)
    assert response.status_code == 200
    assert "Keep it to 200 characters." in response.text
    assert load_event(app, owned_event.id).translations == {}


def test_an_unknown_language_is_refused(owner_client, owned_event):
    assert owner_client.get(f"{languages_url(owned_event)}/xx").status_code == 404
    response = offer(owner_client, owned_event, "xx")
    assert response.status_code == 200 and "Not a valid choice" in response.text


def test_an_organiser_works_and_is_emailed_in_their_own_language(app, client, owner_client):
    url = "/organiser/account"
    response = owner_client.post(f"{url}/language", data={
        "csrf_token": token_of(owner_client, url), "language-language": "de"})  # fmt: skip
    assert response.status_code == 302
    assert '<html lang="de">' in owner_client.get(url).text

    # A password reset asked for without signing in, from an English browser: still German.
    token = token_of(client, "/organiser/forgot-password")
    client.post("/organiser/forgot-password", data={"csrf_token": token, "email": OWNER_EMAIL},
                headers={"Accept-Language": "en"})  # fmt: skip
    (email,) = emails(app, "password_reset")
    assert email.subject.startswith("Wählen Sie ein neues Passwort")
    with app.app_context():
        actions = db.session.scalars(db.select(AuditEntry.action)).all()
    assert "language_changed" in actions


def test_an_announcement_reaches_each_person_whole_in_one_language(
    app, owner_client, owner, make_event, make_registration
):
    event = make_event(owner_id=owner, other_languages=["fr", "de"], title="Hydrogen valleys",
                       translations={"fr": {"title": "Vallées de l'hydrogène"}})  # fmt: skip
    for email, language in (("ann@example.org", "en"), ("amelie@example.fr", "fr"),
                            ("jonas@example.de", "de")):  # fmt: skip
        make_registration(event, email=email, language=language)
    url = f"/organiser/events/{event.id}/announce"
    data = {"csrf_token": token_of(owner_client, url), "audience": "confirmed",
            "subject": "New room", "body": "We **moved** to a bigger room.",
            "subject_fr": "Nouvelle salle", "body_fr": "Nous changeons de salle.", "send": "Send"}
    # A subject without its message is refused by the field, and nothing is sent.
    refused = owner_client.post(url, data=dict(data, subject_de="Neuer Raum"))
    assert "Write both the subject and the message in this language, or neither." in refused.text
    assert emails(app, "announcement") == []

    owner_client.post(url, data=data)
    sent = {email.recipient: email for email in emails(app, "announcement")}
    assert sent["amelie@example.fr"].subject == "Nouvelle salle"
    assert "Nous changeons de salle." in sent["amelie@example.fr"].text_body
    assert "Vallées de l'hydrogène" in sent["amelie@example.fr"].text_body
    assert "Quand : " in sent["amelie@example.fr"].text_body
    # No German text: the German registrant gets the whole email in the talk's English.
    for recipient in ("ann@example.org", "jonas@example.de"):
        assert sent[recipient].subject == "New room"
        assert "We **moved** to a bigger room." in sent[recipient].text_body
        assert "Dear Grace," in sent[recipient].text_body
        assert "When: " in sent[recipient].text_body and "December" in sent[recipient].text_body


def test_the_follow_up_is_whole_in_the_talks_language_without_a_summary_in_the_persons(
    app, owner_client, owner, talk, clock, make_registration
):
    event = talk(owner_id=owner, title="Clusters and AI", other_languages=["fr", "de"],
                 post_summary="We talked about **data spaces**.",
                 translations={"fr": {"post_summary": "Nous avons parlé d'espaces de données."}})
    for email, language in (("amelie@example.fr", "fr"), ("jonas@example.de", "de")):
        make_registration(event, email=email, language=language)
    clock.set(TALK_END + timedelta(hours=1))
    url = f"/organiser/events/{event.id}/follow-up"
    owner_client.post(url, data={"csrf_token": token_of(owner_client, url)})

    sent = {email.recipient: email for email in emails(app, "follow_up")}
    assert "Nous avons parlé d'espaces de données." in sent["amelie@example.fr"].text_body
    assert "Quand : " in sent["amelie@example.fr"].text_body
    german = sent["jonas@example.de"].text_body
    assert "We talked about **data spaces**." in german
    assert "When: " in german and "Wann" not in german
