"""Default settings.

Each one can be overridden in instance/config.py and then by an environment
variable with the FLASK_ prefix (FLASK_SECRET_KEY, FLASK_MAIL_SERVER, ...).
The README lists every setting.
"""

# Required outside debug and testing: there is deliberately no usable default.
SECRET_KEY = None

# A development checkout: every flask command (organiser, outbox, privacy,
# ...) accepts the development settings, such as http://127.0.0.1 links,
# as debug mode does. `make run` writes DEVELOPMENT = True into
# instance/config.py. A WSGI server (gunicorn) ignores it and always refuses
# unsafe settings; `flask check` warns when it is on.
DEVELOPMENT = False

# None means SQLite at instance/webinar.sqlite3 (filled in by the factory).
SQLALCHEMY_DATABASE_URI = None
# Connections older than this many seconds are replaced (a server or a firewall
# may close idle ones). On PostgreSQL, a pooled connection idle for more than
# DATABASE_PING_AFTER_IDLE seconds is checked before use and replaced if it died;
# under load none is idle that long, and a request costs no extra round trip.
SQLALCHEMY_ENGINE_OPTIONS = {"pool_recycle": 1800}
DATABASE_PING_AFTER_IDLE = 2
# SQLite: how long a write waits for another one to finish, then the request
# gets a "please try again" page (503 with Retry-After, in seconds).
SQLITE_BUSY_TIMEOUT_MS = 10_000
BUSY_RETRY_AFTER = 5

# Absolute links in emails, calendar files and share links are built from
# this, never from the Host header of a request. Set it in production.
PUBLIC_URL = "http://127.0.0.1:5000"
# The host names the site answers to, checked against each request's Host
# header (a wrong one gets 400). None accepts any; set it in production,
# e.g. FLASK_TRUSTED_HOSTS='["talks.example.org"]'.
TRUSTED_HOSTS = None
# Behind a reverse proxy: how many proxies set each X-Forwarded-* header.
# 0 ignores the header (anyone can send it); usually FOR=1 and PROTO=1.
PROXY_FIX_X_FOR = 0
PROXY_FIX_X_PROTO = 0
PROXY_FIX_X_HOST = 0
PROXY_FIX_X_PORT = 0
PROXY_FIX_X_PREFIX = 0
# Strict-Transport-Security on HTTPS responses, in seconds; 0 turns it off.
HSTS_MAX_AGE = 31536000
SITE_NAME = "Webinar"

# The languages of the interface (each has a catalog in webinar/translations/)
# and the one a visitor sees when nothing else decides: no choice of theirs,
# no language of their browser that the page is offered in.
LANGUAGES = ("en", "fr", "de")
DEFAULT_LANGUAGE = "en"
# How long the language a visitor picks in the header is remembered.
LANGUAGE_COOKIE_DAYS = 365
ORGANISER_NAME = "European Cluster Collaboration Platform"

# The privacy notice at /privacy. Raise the version whenever its text changes:
# each registration records the version the person agreed to.
PRIVACY_CONTROLLER = None  # None means ORGANISER_NAME
PRIVACY_CONTACT = "privacy@localhost"
PRIVACY_NOTICE_VERSION = "2"

# Retention (`flask privacy purge`, also run daily by the outbox worker):
# registrations are anonymised this many days after their talk ended, and
# the bodies of sent and failed emails, and the .eml files of the mailbox
# folder, are deleted after EMAIL_BODY_RETENTION_DAYS.
RETENTION_DAYS = 180
EMAIL_BODY_RETENTION_DAYS = 30
# Following a series: the emailed link confirms within FOLLOW_CONFIRM_DAYS,
# after which an unconfirmed follow is deleted; a follower who unsubscribed
# is anonymised RETENTION_DAYS later.
FOLLOW_CONFIRM_DAYS = 7

# Reminders, enqueued by the outbox worker: 24 hours and 1 hour before the
# start (each switchable per talk). A reminder whose moment passed more than
# its grace period ago (in seconds) is skipped: a late registrant is not told
# "tomorrow" two hours before the start.
REMINDERS_ENABLED = True
REMINDER_GRACE_SECONDS = {"reminder_24h": 12 * 3600, "reminder_1h": 30 * 60}

EVENTS_PER_PAGE = 12
# Rendered talk pages each process keeps in memory (a few tens of kB each).
PAGE_CACHE_ENTRIES = 256

# Where uploaded banners and slides, and the development mailbox, live.
# None means instance/uploads and instance/mailbox.
UPLOAD_FOLDER = None
MAILBOX_FOLDER = None

# Mail: without MAIL_SERVER, emails are written to instance/mailbox/ as .eml.
MAIL_SERVER = None
MAIL_PORT = 25
MAIL_USE_TLS = False
MAIL_USE_SSL = False
MAIL_USERNAME = None
MAIL_PASSWORD = None
MAIL_DEFAULT_SENDER = "Webinar <no-reply@localhost>"
MAIL_TIMEOUT = 10  # seconds; SMTP socket timeout of the outbox worker
# Print the SMTP dialogue on stderr. Off unless set: it shows addresses and
# the personal and join links of every email (Flask-Mail would otherwise
# turn it on in debug mode).
MAIL_DEBUG = False

# Rate limits (Flask-Limiter); use redis://host:6379 in production.
RATELIMIT_STORAGE_URI = "memory://"
RATELIMIT_HEADERS_ENABLED = True
REGISTRATION_RATE_LIMIT = "10 per minute"
FOLLOW_RATE_LIMIT = "10 per minute"
# Registrations for one talk from one client address (an IPv6 client: its
# /64), a Flask-Limiter limit string. Past it the form says so and saves
# nothing. A whole office behind one NAT address shares it: 25 an hour lets
# a team register together after an internal invitation, while one visitor
# cannot take more than 25 seats of a talk an hour.
REGISTRATIONS_PER_CLIENT_PER_TALK = "25 per hour"
# Emails that public forms cause (confirmation, waiting list, "already
# registered") to one mailbox per hour, across all talks; the mailbox is the
# address without case, +tag and, at gmail.com, dots. Past it the
# registration still stands and its email is held in the outbox, shown to
# organisers, who can send it by hand. None turns the cap off.
MAILBOX_EMAILS_PER_HOUR = 5
# Sign-in: attempts per client address, and the lockout of one account
# after repeated wrong passwords.
LOGIN_RATE_LIMIT = "10 per minute"
LOGIN_MAX_FAILURES = 5
LOGIN_LOCKOUT_MINUTES = 15
# How passwords are hashed (werkzeug's notation). scrypt's cost, n=2**15, is
# what takes a guesser long; a stored hash keeps its own parameters, so
# raising the cost later leaves existing passwords working.
PASSWORD_HASH_METHOD = "scrypt:32768:8:1"
# An organiser's session ends on the server after this many minutes without
# a request (and at once on sign-out or a password change).
LOGIN_IDLE_MINUTES = 8 * 60
# "Forgot your password?": requests per client address, and how long the
# emailed link to choose a new password works.
PASSWORD_RESET_RATE_LIMIT = "5 per 15 minutes"
PASSWORD_RESET_MINUTES = 60
# How long the link that confirms an organiser's new email address works
# (sent to that address from "Your account"); it works once.
EMAIL_CHANGE_HOURS = 24
# Every organiser must use two-factor sign-in: one without it reaches no
# organiser page but the set-up on their account page until it is on.
REQUIRE_TWO_FACTOR = False
# Invitations to create an organiser account: how long the emailed link
# works, and how often one IP address may send the invitation form.
INVITATION_DAYS = 7
INVITATION_RATE_LIMIT = "20 per hour"

# The REST API (/api/v1): requests per API token (a Flask-Limiter limit
# string); requests without a valid token count per client address.
API_RATE_LIMIT = "300 per minute"

# The outbox worker (`flask outbox work`). Times are in seconds.
# OUTBOX_THREAD starts it in a background thread of the web process
# (development only: `make run` sets it; production runs `flask outbox work`).
OUTBOX_THREAD = False
OUTBOX_INTERVAL = 5  # pause between two passes of the worker
OUTBOX_BATCH_SIZE = 50  # emails sent over one SMTP connection
OUTBOX_MAX_ATTEMPTS = 10  # a transient failure on the last one marks the email failed
OUTBOX_RETRY_AFTER = 30  # first retry; doubles on each failure ...
OUTBOX_RETRY_AFTER_MAX = 3600  # ... up to this
OUTBOX_STUCK_AFTER = 600  # "sending" for longer than this (a crashed worker): back to pending

# Webhooks (organisers' endpoints, delivered by the outbox worker). Times in seconds
# unless named otherwise. Deliveries go only to public addresses: hosts (names or
# addresses) listed here may be private or loopback ones and may use plain http,
# e.g. FLASK_WEBHOOK_ALLOW_HOSTS='["hooks.internal.example"]'.
WEBHOOK_ALLOW_HOSTS = []
WEBHOOK_TIMEOUT = 10  # connecting, and each wait for the receiver's answer
WEBHOOK_BATCH_SIZE = 20  # deliveries claimed at once
WEBHOOK_RETRY_AFTER = 60  # first retry; doubles on each failure, with some jitter ...
WEBHOOK_RETRY_AFTER_MAX = 6 * 3600  # ... up to this
WEBHOOK_RETRY_HOURS = 72  # a delivery not taken within this many hours has failed
WEBHOOK_DISABLE_AFTER_HOURS = 72  # an endpoint failing this long is disabled, its owner told
WEBHOOK_OLD_SECRET_HOURS = 24  # after a rotation, the old secret signs too this long

# Flask-WTF's extra check over HTTPS that the Referer is this site. Personal
# pages send no Referer (Referrer-Policy: no-referrer keeps the personal link
# out of logs), so their forms would fail behind a TLS proxy. Cross-site posts
# are still refused: each form's CSRF token is tied to the session, whose
# cookie is SameSite=Lax.
WTF_CSRF_SSL_STRICT = False

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = True

MAX_CONTENT_LENGTH = 25 * 1024 * 1024
BANNER_MAX_BYTES = 5 * 1024 * 1024
SLIDES_MAX_BYTES = 20 * 1024 * 1024
