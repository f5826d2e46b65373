"""Speakers and links of an event in the organiser area."""

from support.organisers import token_of
from support.stored import load_event


def add_speaker(client, event, name: str, role: str = "", organisation: str = ""):
    url = f"/organiser/events/{event.id}/speakers"
    return client.post(url, data={"csrf_token": token_of(client, url), "name": name,
                                  "role": role, "organisation": organisation})


def speaker_names(app, event) -> list[str]:
    return [speaker.name for speaker in load_event(app, event.id).speakers]


def test_speakers_are_added_in_order_and_listed(app, owner_client, owned_event):
    add_speaker(owner_client, owned_event, "Ana Policy", "Policy Officer", "DG GROW")
    response = add_speaker(owner_client, owned_event, "Ben Cluster")
    page = owner_client.get(response.location).text
    assert "Ben Cluster is added." in page
    assert "Policy Officer" in page and "DG GROW" in page
    assert speaker_names(app, owned_event) == ["Ana Policy", "Ben Cluster"]


def test_a_speaker_needs_a_name(app, owner_client, owned_event):
    response = add_speaker(owner_client, owned_event, "  ")
    assert "Enter the speaker&#39;s name." in response.text
    assert speaker_names(app, owned_event) == []


def test_a_speaker_is_edited(app, owner_client, owned_event):
    add_speaker(owner_client, owned_event, "Ana Policy")
    [speaker] = load_event(app, owned_event.id).speakers
    url = f"/organiser/events/{owned_event.id}/speakers/{speaker.id}/edit"
    assert 'value="Ana Policy"' in owner_client.get(url).text
    owner_client.post(url, data={"csrf_token": token_of(owner_client, url),
                                 "name": "Ana Policy-Maker", "role": "Head of Unit"})
    [edited] = load_event(app, owned_event.id).speakers
    assert (edited.name, edited.role) == ("Ana Policy-Maker", "Head of Unit")


def test_speakers_move_up_and_down_and_are_removed(app, owner_client, owned_event):
    for name in ("First", "Second", "Third"):
        add_speaker(owner_client, owned_event, name)
    first, second, third = load_event(app, owned_event.id).speakers
    base = f"/organiser/events/{owned_event.id}/speakers"
    token = token_of(owner_client, base)
    owner_client.post(f"{base}/{third.id}/move", data={"csrf_token": token, "direction": "up"})
    assert speaker_names(app, owned_event) == ["First", "Third", "Second"]
    owner_client.post(f"{base}/{first.id}/move", data={"csrf_token": token, "direction": "down"})
    assert speaker_names(app, owned_event) == ["Third", "First", "Second"]
    # Moving the first one up changes nothing.
    owner_client.post(f"{base}/{third.id}/move", data={"csrf_token": token, "direction": "up"})
    assert speaker_names(app, owned_event) == ["Third", "First", "Second"]
    owner_client.post(f"{base}/{first.id}/delete", data={"csrf_token": token})
    assert speaker_names(app, owned_event) == ["Third", "Second"]
    assert [s.position for s in load_event(app, owned_event.id).speakers] == [0, 1]


def test_a_speaker_of_another_event_is_not_found(owner_client, make_event, owner, owned_event):
    other = make_event(owner_id=owner)
    add_speaker(owner_client, other, "Elsewhere")
    url = f"/organiser/events/{owned_event.id}/speakers"
    token = token_of(owner_client, url)
    assert owner_client.post(f"{url}/1/delete", data={"csrf_token": token}).status_code == 404


def test_links_are_added_only_with_a_web_address_and_removed(app, owner_client, owned_event):
    url = f"/organiser/events/{owned_event.id}/materials"
    token = token_of(owner_client, url)
    refused = owner_client.post(f"{url}/links", data={
        "csrf_token": token, "link-title": "Bad", "link-url": "javascript:alert(1)"})
    assert "Enter an address starting with http:// or https://." in refused.text
    owner_client.post(f"{url}/links", data={
        "csrf_token": token, "link-title": "Report", "link-url": "https://example.org/r"})
    [link] = load_event(app, owned_event.id).materials
    assert (link.kind, link.url) == ("link", "https://example.org/r")
    assert 'href="https://example.org/r"' in owner_client.get(url).text
    owner_client.post(f"{url}/{link.id}/delete", data={"csrf_token": token})
    assert load_event(app, owned_event.id).materials == []
