"""What the tests share: pytest plugins (fixtures) and plain helpers imported by name.

The plugins, registered in tests/conftest.py:

- database: the `app` on a fresh SQLite or PostgreSQL database, `client`, `runner`;
- factories: `make_event`, `make_series`, `make_registration`, `make_registrations`, `person`,
  `make_outbox_email`;
- questions: `make_question`, `make_answer` (a talk's questions and earlier answers);
- clock: the app's `clock` and a `talk` at a fixed moment;
- mail: a real `smtp_server`, `deliver()` (one pass of the outbox worker), `inbox`;
- organisers: `owner`, `owner_client`, `owned_event`, `make_organiser`, `signed_in`;
- browser: Chromium, the `live_server`, `page`, `new_tab`, the `site_tour`;
- followers: `a_series`, `make_follower` (a series and its confirmed followers).
- catalogs: compiles the translations before the tests (`catalog(language)` reads one).
- webhooks: a real `receiver` that verifies each webhook, `make_endpoint`, `deliver_webhooks`;
- api: `make_token`, `api_client` (a client sending a token), `owner_api`.

Plain helpers: forms (CSRF tokens, the registration form), stored (reading
rows back), eventdata (the reference talk), site_walk (every page of the
app) and processes (free ports, starting flask and gunicorn).
"""
