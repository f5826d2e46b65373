"""An organiser's API tokens, as their account page lists them."""

from ...extensions import db
from ...models import ApiToken, Organiser


def tokens_of(organiser: Organiser) -> list[ApiToken]:
    """Return the organiser's tokens that still work, newest first."""
    return db.session.scalars(
        db.select(ApiToken)
        .where(ApiToken.organiser_id == organiser.id, ApiToken.revoked_at.is_(None))
        .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    ).all()
